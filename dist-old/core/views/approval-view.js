import { shortTime } from './format-cell.js';
import { previewItemsTable, previewLine } from './preview-view.js';
/** "Request k3m9x2qa: rm on prod-1 by alice — pending (expires ...)". */
export function approvalLine(r) {
    const decided = r.decidedBy ? ` (${r.decidedBy}${r.decisionNote ? `: ${r.decisionNote}` : ''})` : ` (expires ${shortTime(r.expiresAt)})`;
    return `Request ${r.id}: ${r.verb} on ${r.host ?? '-'} by ${r.requester.display ?? r.requester.id} — ${r.status}${decided}`;
}
export function approvalView(r) {
    const fields = [
        { label: 'Preview', value: previewLine(r.preview) },
        { label: 'Requested', value: r.createdAt, type: 'time' },
    ];
    if (r.status === 'pending')
        fields.push({ label: 'Expires', value: r.expiresAt, type: 'time' });
    if (r.twoPerson)
        fields.push({ label: 'Two-person rule', value: 'the requester may not approve it' });
    if (r.decidedAt)
        fields.push({ label: 'Decided', value: r.decidedAt, type: 'time' });
    if (r.execution) {
        fields.push({ label: 'Execution', value: r.execution.outcome === 'ok' ? `ok: ${r.execution.summary ?? ''}`.trim() : r.execution.outcome });
    }
    const findings = r.execution?.error
        ? [{ severity: 'critical', message: `execution failed: ${r.execution.error}`, advice: 'Check the state it left, then request it again' }]
        : [];
    return {
        title: `Approval request ${r.id}`,
        summary: approvalLine(r),
        fields,
        tables: r.preview.items.length ? [previewItemsTable(r.preview)] : [],
        findings,
        notes: [...r.preview.notes],
    };
}
//# sourceMappingURL=approval-view.js.map