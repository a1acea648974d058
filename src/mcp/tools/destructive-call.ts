/**
 * A destructive tool call: never runs on the model's word. The kernel stores the preview as a
 * pending approval request; when the client can ask its user (form elicitation), the user sees
 * the preview and confirms or declines right there. A confirmation counts as the requester's own,
 * under the same rules as the CLI's --yes: it runs at once only for an admin identity with the
 * two-person rule off for MCP (on by default), otherwise the request waits for an admin in Slack
 * or the CLI (the kernel's approval.requested event reaches them). A decline withdraws the
 * request. The result always carries the approval record.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRecord } from '../../core/approval-record.js';
import { decideApproval, submitOp, withdrawApproval } from '../../core/approvals.js';
import { OpsError } from '../../core/errors.js';
import type { JobRecord } from '../../core/job-record.js';
import type { Op } from '../../core/op.js';
import type { Deps } from '../../core/ports.js';
import { roleOf } from '../../core/roles.js';
import type { ToolCallContext, ToolExtra } from './tool-context.js';
import { askToConfirm } from './elicit-confirmation.js';
import { followIfAsked } from './long-call.js';
import { approvalText, jobText, opText } from './readable-text.js';
import { jobBrief } from './tool-envelopes.js';
import { successResult } from './tool-results.js';

type Outcome = 'awaiting_approval' | 'executed' | 'running' | 'failed' | 'withdrawn';

async function latest(deps: Deps, record: ApprovalRecord): Promise<ApprovalRecord> {
  return ((await deps.state.read()).approvals ?? []).find((a) => a.id === record.id) ?? record;
}

function envelope(op: Op, outcome: Outcome, message: string, approval: ApprovalRecord, job: JobRecord | null, result: unknown): CallToolResult {
  const parts = [message, '', approvalText(approval)];
  if (job) parts.push('', jobText(job));
  if (result !== null && result !== undefined) parts.push('', opText(op, result));
  return successResult(op, parts.join('\n'), { outcome, message, approval, job: job ? jobBrief(job) : null, result: result ?? null }, approval.host);
}

export async function runDestructive(ctx: ToolCallContext, op: Op, input: Record<string, unknown>, extra: ToolExtra): Promise<CallToolResult> {
  const submitted = await submitOp(ctx.deps, op, input, { actor: ctx.actor, signal: extra.signal });
  if (submitted.kind !== 'pending') throw new OpsError('internal', `${op.name} ran without a confirmation; the kernel should have left it pending`);
  const record = submitted.approval;
  const waiting = (why: string, r: ApprovalRecord = record): CallToolResult =>
    envelope(
      op,
      'awaiting_approval',
      `${why} Nothing has been changed. A human admin can approve it in Slack or with \`storage-ops approve ${r.id}\` before ${r.expiresAt}; approval_list shows its status, and you cannot approve it yourself.`,
      r,
      null,
      null,
    );

  const answer = await askToConfirm(ctx, record, extra);
  if (answer === 'unsupported') return waiting(`Request ${record.id} is pending approval.`);
  if (answer === 'no_answer') return waiting(`Request ${record.id} is pending approval; the user gave no answer to the confirmation.`);
  if (answer === 'declined') {
    const withdrawn = await withdrawApproval(ctx.deps, record.id, ctx.actor);
    return envelope(op, 'withdrawn', `The user declined, so request ${record.id} was withdrawn. Nothing was changed.`, withdrawn, null, null);
  }
  // Confirmed by the user: the requester's own confirmation, under the rules of the CLI's --yes.
  const canSelfApprove = roleOf(ctx.deps.config, ctx.actor) === 'admin' && !record.twoPerson;
  if (!canSelfApprove) {
    const why = record.twoPerson ? 'the two-person rule applies to MCP requests' : `${ctx.actor.id} is not an admin`;
    return waiting(`The user confirmed request ${record.id}, but ${why}, so it waits for an admin.`);
  }
  const decided = await decideApproval(ctx.deps, record.id, 'approve', {
    actor: ctx.actor,
    humanConfirmed: true,
    idempotencyKey: `mcp-confirm:${record.id}`,
    note: 'confirmed by the user in the MCP client',
    signal: extra.signal,
  });
  if (!decided.job) return envelope(op, 'executed', decided.message, await latest(ctx.deps, decided.record), null, decided.output);
  const job = await followIfAsked(ctx, decided.job, extra);
  const approval = await latest(ctx.deps, decided.record);
  if (job.status === 'succeeded') return envelope(op, 'executed', `${decided.message}; the job succeeded`, approval, job, job.result);
  if (job.status === 'queued' || job.status === 'running') return envelope(op, 'running', decided.message, approval, job, null);
  return envelope(op, 'failed', `${decided.message}; the job ended ${job.status}${job.error ? `: ${job.error.message}` : ''}`, approval, job, null);
}
