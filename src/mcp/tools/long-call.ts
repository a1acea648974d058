/**
 * A long op's tool call. Without a progress token it starts the job and returns at once with the
 * job id; with one it streams progress while the job runs and returns the result, and a
 * cancelled request cancels the job.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { OpsError } from '../../core/errors.js';
import type { Op } from '../../core/op.js';
import type { ToolCallContext, ToolExtra } from './call-tool.js';

export async function runLong(_ctx: ToolCallContext, op: Op, _input: Record<string, unknown>, _extra: ToolExtra): Promise<CallToolResult> {
  throw new OpsError('unavailable', `${op.name} runs as a job, and jobs are not available in this build`);
}
