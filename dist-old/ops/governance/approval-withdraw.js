/**
 * approval_withdraw: the requester takes back their own pending request; nothing is changed.
 */
import { z } from 'zod';
import { ApprovalRecordSchema } from '../../core/approval-record.js';
import { withdrawApproval } from '../../core/approvals.js';
import { defineOp } from '../../core/op.js';
import { approvalId } from './approval-shared.js';
import { approvalView } from '../../core/views/approval-view.js';
export const approvalWithdraw = defineOp({
    name: 'approval_withdraw',
    verb: 'withdraw',
    summary: 'Withdraw your own pending request; nothing is changed',
    description: 'Only the requester (any of their identities in access.people) can withdraw a request, and only while it is pending. Admins deny instead.',
    effect: 'write',
    input: z.strictObject({
        id: approvalId.describe('approval request id (from `storage-ops approvals`)'),
    }),
    output: z.object({ approval: ApprovalRecordSchema }),
    cli: { positional: ['id'] },
    examples: ['k3m9x2qa'],
    async run(deps, input, ctx) {
        return { approval: await withdrawApproval(deps, input.id, ctx.actor) };
    },
    view(o) {
        return { ...approvalView(o.approval), summary: `Request ${o.approval.id} (${o.approval.verb}) withdrawn; nothing was changed.` };
    },
});
//# sourceMappingURL=approval-withdraw.js.map