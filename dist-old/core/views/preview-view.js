/**
 * A destructive op's preview as a view: what would go, each item's size and action, why the
 * others stay, and the total. Shown by the CLI before --yes, in approval requests and in chat.
 */
import { formatBytes } from '../format.js';
export function previewItemsTable(p, id = 'items') {
    return {
        id,
        columns: [
            { key: 'action', label: 'ACTION', type: 'text' },
            { key: 'kind', label: 'KIND', type: 'text' },
            { key: 'name', label: 'NAME', type: 'text' },
            { key: 'size', label: 'SIZE', type: 'bytes' },
            { key: 'why', label: 'WHY', type: 'text' },
        ],
        rows: p.items.map((i) => ({ action: i.action, kind: i.kind, name: i.name, size: i.sizeBytes, why: i.reason ?? '' })),
        empty: 'Nothing to act on.',
    };
}
/** The preview's headline: its summary and the bytes it frees (or overwrites). */
export function previewLine(p) {
    return `${p.summary} — ${formatBytes(p.totalBytes)} in total.`;
}
export function previewView(p) {
    return {
        title: 'Preview',
        summary: previewLine(p),
        tables: p.items.length ? [previewItemsTable(p)] : [],
        notes: [...p.notes],
    };
}
//# sourceMappingURL=preview-view.js.map