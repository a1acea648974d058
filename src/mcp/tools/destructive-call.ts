/**
 * A destructive tool call: never runs on the model's word. The kernel stores the preview as a
 * pending approval request; when the client can ask its user (form elicitation), the user sees
 * the preview and confirms or declines right there. A confirmation counts as the requester's own,
 * under the same rules as the CLI's --yes: it runs at once only for an admin identity with the
 * two-person rule off for MCP (on by default), otherwise the request waits for an admin in Slack
 * or the CLI. A decline withdraws the request. The result always carries the approval record.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRecord } from '../../core/approval-record.js';
import { decideApproval, submitOp, withdrawApproval } from '../../core/approvals.js';
import type { Op } from '../../core/op.js';
import { roleOf } from '../../core/roles.js';
import { approvalText, opText } from './readable-text.js';
import { successResult } from './tool-results.js';
import type { ToolCallContext, ToolExtra } from './call-tool.js';
import { askToConfirm, type Confirmation } from './elicit-confirmation.js';

type Outcome = 'awaiting_approval' | 'executed' | 'running' | 'withdrawn';

function envelope(op: Op, outcome: Outcome, message: string, approval: ApprovalRecord, result: unknown, ctx: ToolCallContext): CallToolResult {
  const text = [message, '', approvalText(approval), ...(result !== null ? ['', opText(op, result)] : [])].join('\n');
  return successResult(op, text, { outcome, message, approval, job: null, result }, approval.host);
}

export async function runDestructive(ctx: ToolCallContext, op: Op, input: Record<string, unknown>, extra: ToolExtra): Promise<CallToolResult> {
  const submitted = await submitOp(ctx.deps, op, input, { actor: ctx.actor, signal: extra.signal });
  if (submitted.kind !== 'pending') {
    // The kernel never confirms on its own; treat anything else as already decided.
    return envelope(op, submitted.kind === 'job' ? 'running' : 'executed', `${op.name} ${submitted.kind === 'job' ? `runs as job ${submitted.job.id}` : 'ran'}`, submitted.approval as ApprovalRecord, submitted.kind === 'done' ? submitted.output : null, ctx);
  }
  const record = submitted.approval;
  const waiting = (why: string): CallToolResult =>
    envelope(op, 'awaiting_approval', `${why} Nothing has been changed yet. An admin can approve it in Slack or with \`storage-ops approve ${record.id}\`; the approval tools show its status.`, record, null, ctx);

  const answer: Confirmation = await askToConfirm(ctx, record, extra);
  if (answer === 'unsupported') return waiting(`Request ${record.id} is pending approval.`);
  if (answer === 'no_answer') return waiting(`Request ${record.id} is pending approval; the user did not answer the confirmation.`);
  if (answer === 'declined') {
    const withdrawn = await withdrawApproval(ctx.deps, record.id, ctx.actor);
    return envelope(op, 'withdrawn', `The user declined request ${record.id}, so it was withdrawn. Nothing was changed.`, withdrawn, null, ctx);
  }
  // Confirmed by the user: the requester's own confirmation, as with the CLI's --yes.
  const canSelfApprove = roleOf(ctx.deps.config, ctx.actor) === 'admin' && !record.twoPerson;
  if (!canSelfApprove) {
    const why = record.twoPerson ? 'the two-person rule applies to MCP requests' : `${ctx.actor.id} is not an admin`;
    return waiting(`The user confirmed request ${record.id}, but ${why}, so it waits for an admin.`);
  }
  // The person answered in their client, so this is their confirmation, not the model's.
  const decided = await decideApproval(ctx.deps, record.id, 'approve', { actor: ctx.actor, signal: extra.signal, note: 'confirmed by the requester in the MCP client', idempotencyKey: `mcp-confirm:${record.id}`, humanConfirmed: true });
  return envelope(op, decided.job ? 'running' : 'executed', decided.message, decided.record, decided.output, ctx);
}
