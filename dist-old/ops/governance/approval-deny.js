/**
 * approval_deny: an admin denies a pending request; nothing is changed.
 */
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { decideApproval } from '../../core/approvals.js';
import { defineOp } from '../../core/op.js';
import { approvalId, DecisionOutput, decisionView } from './approval-shared.js';
export const approvalDeny = defineOp({
    name: 'approval_deny',
    verb: 'deny',
    summary: 'Deny a pending request; nothing is changed',
    description: 'Needs the admin role. AI assistants (MCP clients) cannot deny requests (they withdraw their own instead): a person decides, in Slack or at the CLI.',
    effect: 'write',
    requiredRole: 'admin',
    input: z.strictObject({
        id: approvalId.describe('approval request id'),
        note: z.string().max(500).optional().describe('why, for the audit log and the requester'),
        key: z.string().min(8).max(200).optional().describe('idempotency key: the same key again is a no-op that says so (generated when omitted)'),
    }),
    output: DecisionOutput,
    cli: { positional: ['id'] },
    examples: ['k3m9x2qa --note "not during business hours"'],
    async run(deps, input, ctx) {
        const r = await decideApproval(deps, input.id, 'deny', { actor: ctx.actor, note: input.note ? `denied: ${input.note}` : undefined, idempotencyKey: input.key ?? randomUUID() });
        return { approval: r.record, alreadyDecided: r.alreadyDecided, message: r.message, result: null, resultView: null, job: null };
    },
    view: decisionView,
});
//# sourceMappingURL=approval-deny.js.map