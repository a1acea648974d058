/**
 * approval_list: pending (or all) approval requests, newest first.
 */
import { z } from 'zod';
import { ApprovalRecordSchema } from '../../core/approval-record.js';
import { defineOp } from '../../core/op.js';
import { renderApproval } from './approval-shared.js';

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
