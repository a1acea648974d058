/**
 * The readable text beside structuredContent: the op's own rendering, the approval request with
 * its preview, the job. MCP never formats an op's output itself; it shows what the op renders.
 */
import type { ApprovalRecord } from '../../core/approval-record.js';
import type { JobRecord } from '../../core/job-record.js';
import type { Op } from '../../core/op.js';
import { renderApproval } from '../../ops/governance/approval-shared.js';
import { renderJob } from '../../ops/governance/job-shared.js';

export function opText(op: Op, output: unknown): string {
  return op.render(output);
}

export function approvalText(record: ApprovalRecord): string {
  return renderApproval(record);
}

export function jobText(job: JobRecord): string {
  return renderJob(job);
}
