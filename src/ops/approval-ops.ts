/**
 * approval_list, approval_approve, approval_deny: the approval workflow as ops, so the CLI, Slack
 * buttons and MCP clients all decide requests the same way.
 */
import { z } from 'zod';
import { ApprovalRecordSchema, type ApprovalRecord } from '../state/approval-record.js';
import { APPROVAL_ID_PATTERN, decideApproval } from './approvals.js';
import { defineOp } from './op.js';
import { renderPreview } from './preview-text.js';

const approvalId = z.string().regex(APPROVAL_ID_PATTERN, 'approval ids are 8 lowercase letters and digits');

export function renderApproval(r: ApprovalRecord): string {
  const lines = [
    `Request ${r.id}: ${r.verb} on ${r.host ?? '-'} by ${r.requester.display ?? r.requester.id} — ${r.status}` +
      (r.decidedBy ? ` (${r.decidedBy}${r.decisionNote ? `: ${r.decisionNote}` : ''})` : ` (expires ${r.expiresAt})`),
    renderPreview(r.preview),
  ];
  if (r.execution?.error) lines.push(`execution failed: ${r.execution.error}`);
  return lines.join('\n');
}

export const approvalList = defineOp({
  name: 'approval_list',
  verb: 'approvals',
  summary: 'List approval requests for destructive operations',
  effect: 'read',
  input: z.strictObject({
    all: z.boolean().default(false).describe('include decided and expired requests, not only pending ones'),
    limit: z.number().int().min(1).max(500).default(50).describe('how many, newest first'),
  }),
  output: z.object({ approvals: z.array(ApprovalRecordSchema) }),
  examples: ['', '--all --limit 10'],
  async run(deps, input) {
    const now = deps.now().getTime();
    const all = ((await deps.state.read()).approvals ?? []).map((r) =>
      // Shown as expired even before a write marks it so.
      r.status === 'pending' && Date.parse(r.expiresAt) <= now ? { ...r, status: 'expired' as const } : r,
    );
    const picked = all.filter((r) => input.all || r.status === 'pending').slice(-input.limit).reverse();
    return { approvals: picked };
  },
  render(o) {
    if (o.approvals.length === 0) return 'No pending approval requests.';
    return o.approvals.map(renderApproval).join('\n\n');
  },
});

const DecisionOutput = z.object({
  approval: ApprovalRecordSchema,
  alreadyDecided: z.boolean().describe('someone had decided already; nothing was done'),
  message: z.string(),
  result: z.unknown().nullable().describe("the executed op's output"),
  resultText: z.string().nullable(),
});

export const approvalApprove = defineOp({
  name: 'approval_approve',
  verb: 'approve',
  summary: 'Approve a pending request and run exactly what its preview showed',
  description: 'Needs the admin role; under the two-person rule the requester cannot approve their own request. A second approval is a no-op that says who decided.',
  effect: 'write',
  requiredRole: 'admin',
  input: z.strictObject({
    id: approvalId.describe('approval request id (from `storage-ops approvals`)'),
    note: z.string().max(500).optional().describe('why, for the audit log'),
  }),
  output: DecisionOutput,
  cli: { positional: ['id'] },
  examples: ['k3m9x2qa'],
  async run(deps, input, ctx) {
    const r = await decideApproval(deps, input.id, 'approve', { actor: ctx.actor, note: input.note, onProgress: ctx.onProgress, signal: ctx.signal });
    return { approval: r.record, alreadyDecided: r.alreadyDecided, message: r.message, result: r.output, resultText: r.outputText };
  },
  render(o) {
    return o.resultText ? `${o.message}\n\n${o.resultText}` : o.message;
  },
});

export const approvalDeny = defineOp({
  name: 'approval_deny',
  verb: 'deny',
  summary: 'Deny a pending request; nothing is changed',
  effect: 'write',
  requiredRole: 'admin',
  input: z.strictObject({
    id: approvalId.describe('approval request id'),
    note: z.string().max(500).optional().describe('why, for the audit log and the requester'),
  }),
  output: DecisionOutput,
  cli: { positional: ['id'] },
  examples: ['k3m9x2qa --note "not during business hours"'],
  async run(deps, input, ctx) {
    const r = await decideApproval(deps, input.id, 'deny', { actor: ctx.actor, note: input.note ? `denied: ${input.note}` : undefined });
    return { approval: r.record, alreadyDecided: r.alreadyDecided, message: r.message, result: null, resultText: null };
  },
  render(o) {
    return o.message;
  },
});
