/**
 * approval_approve: an admin approves a pending request, which then runs exactly as previewed.
 */
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { decideApproval, followJob } from '../../core/approvals.js';
import { defineOp } from '../../core/op.js';
import { approvalId, DecisionOutput, decisionView, resultViewOf } from './approval-shared.js';
export const approvalApprove = defineOp({
    name: 'approval_approve',
    verb: 'approve',
    summary: 'Approve a pending request and run exactly what its preview showed',
    description: 'Needs the admin role; under the two-person rule the requester cannot approve their own request. A second approval is a no-op that says who decided. AI assistants (MCP clients) may request destructive operations but never approve them: a person decides, in Slack or at the CLI.',
    effect: 'write',
    requiredRole: 'admin',
    input: z.strictObject({
        id: approvalId.describe('approval request id (from `storage-ops approvals`)'),
        note: z.string().max(500).optional().describe('why, for the audit log'),
        key: z.string().min(8).max(200).optional().describe('idempotency key: the same key again is a no-op that says so (generated when omitted)'),
    }),
    output: DecisionOutput,
    cli: { positional: ['id'] },
    examples: ['k3m9x2qa'],
    async run(deps, input, ctx) {
        const r = await decideApproval(deps, input.id, 'approve', { actor: ctx.actor, note: input.note, idempotencyKey: input.key ?? randomUUID(), onProgress: ctx.onProgress, signal: ctx.signal });
        // Approving at a terminal or in a tool call waits for the result; Slack follows the job instead.
        const job = r.job ? await followJob(deps, r.job, ctx) : null;
        const result = job ? (job.status === 'succeeded' ? job.result : null) : r.output;
        const approval = job ? ((await deps.state.read()).approvals ?? []).find((a) => a.id === r.record.id) ?? r.record : r.record;
        const message = job && job.status !== 'succeeded' ? `${r.message}; the job ended ${job.status}: ${job.error?.message ?? ''}` : r.message;
        return { approval, alreadyDecided: r.alreadyDecided, message, result, resultView: result === null ? null : resultViewOf(deps, approval.op, result), job };
    },
    view: decisionView,
});
//# sourceMappingURL=approval-approve.js.map