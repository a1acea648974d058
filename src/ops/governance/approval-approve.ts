/**
 * approval_approve: an admin approves a pending request, which then runs exactly as previewed.
 */
import { z } from 'zod';
import { decideApproval } from '../../core/approvals.js';
import { defineOp } from '../../core/op.js';
import { approvalId, DecisionOutput, decisionView } from './approval-shared.js';

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
    // The executed op's view is made here, where the catalog is at hand; view() has only the output.
    const executed = r.output !== null && r.output !== undefined ? deps.ops.find(r.record.op) : undefined;
    return { approval: r.record, alreadyDecided: r.alreadyDecided, message: r.message, result: r.output, resultView: executed ? executed.view(r.output) : null };
  },
  view: decisionView,
});
