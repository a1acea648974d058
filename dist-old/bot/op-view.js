export function outputView(op, output) {
    return op.view(output);
}
export function previewView(title, p) {
    return {
        title,
        summary: p.summary,
        fields: [{ label: 'In total', value: p.totalBytes, type: 'bytes' }],
        tables: [
            {
                id: 'preview',
                columns: [
                    { key: 'action', label: 'ACTION', type: 'text' },
                    { key: 'kind', label: 'KIND', type: 'text' },
                    { key: 'name', label: 'NAME', type: 'text' },
                    { key: 'size', label: 'SIZE', type: 'bytes' },
                    { key: 'reason', label: 'WHY', type: 'text' },
                ],
                rows: p.items.map((i) => ({ action: i.action, kind: i.kind, name: i.name, size: i.sizeBytes, reason: i.reason ?? '' })),
                empty: 'Nothing would be touched.',
            },
        ],
        notes: p.notes,
    };
}
//# sourceMappingURL=op-view.js.map