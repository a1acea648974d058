/**
 * approval_list: pending (or all) approval requests, newest first.
 */
import { z } from 'zod';
import { ApprovalRecordSchema } from '../../core/approval-record.js';
import { defineOp } from '../../core/op.js';
import { previewItemsTable, previewLine } from '../../core/views/preview-view.js';
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
        r.status === 'pending' && Date.parse(r.expiresAt) <= now ? { ...r, status: 'expired' } : r);
        const picked = all.filter((r) => input.all || r.status === 'pending').slice(-input.limit).reverse();
        return { approvals: picked };
    },
    view(o) {
        const pending = o.approvals.filter((a) => a.status === 'pending').length;
        if (o.approvals.length === 0)
            return { title: 'Approval requests', summary: 'No pending approval requests.' };
        const overview = {
            id: 'approvals',
            columns: [
                { key: 'id', label: 'ID', type: 'text' },
                { key: 'command', label: 'COMMAND', type: 'text' },
                { key: 'host', label: 'HOST', type: 'text' },
                { key: 'requester', label: 'REQUESTED BY', type: 'text' },
                { key: 'status', label: 'STATUS', type: 'text' },
                { key: 'created', label: 'CREATED', type: 'time' },
                { key: 'expires', label: 'EXPIRES', type: 'time' },
                { key: 'decidedBy', label: 'DECIDED BY', type: 'text' },
                { key: 'size', label: 'SIZE', type: 'bytes' },
            ],
            rows: o.approvals.map((a) => ({
                id: a.id,
                command: a.verb,
                host: a.host,
                requester: a.requester.display ?? a.requester.id,
                status: a.status,
                created: a.createdAt,
                expires: a.expiresAt,
                decidedBy: a.decidedBy,
                size: a.preview.totalBytes,
            })),
        };
        // One table per request with what its preview would do.
        const items = o.approvals
            .filter((a) => a.preview.items.length)
            .map((a) => ({ ...previewItemsTable(a.preview, `items-${a.id}`), title: `${a.id}: ${previewLine(a.preview)}` }));
        const notes = o.approvals.flatMap((a) => [
            ...(a.preview.items.length ? [] : [`${a.id}: ${previewLine(a.preview)}`]),
            ...(a.decisionNote ? [`${a.id}: decision: ${a.decisionNote}`] : []),
            ...a.preview.notes.map((n) => `${a.id}: ${n}`),
        ]);
        const findings = o.approvals
            .filter((a) => a.execution?.error)
            .map((a) => ({ severity: 'critical', message: `request ${a.id} (${a.verb}) failed when executed: ${a.execution?.error ?? ''}`, advice: 'Check the state it left, then request it again' }));
        return {
            title: 'Approval requests',
            summary: `${o.approvals.length} approval request(s), ${pending} pending`,
            tables: [overview, ...items],
            findings,
            notes,
        };
    },
});
//# sourceMappingURL=approval-list.js.map