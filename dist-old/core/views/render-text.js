/**
 * A view as plain, fixed-width text: what the CLI prints, and the readable text MCP returns beside
 * structuredContent. Layout: the summary line, then the fields as an aligned two-column list, the code
 * blocks, each table (with its title), the findings and the notes, separated by blank lines.
 * Charts are left out: the tables carry the same numbers.
 */
import { table } from '../format.js';
import { formatCell } from './format-cell.js';
function tableText(t) {
    const lines = [];
    if (t.title)
        lines.push(/[.:!?]$/.test(t.title) ? t.title : `${t.title}:`);
    if (t.rows.length === 0) {
        lines.push(t.empty ?? 'none');
    }
    else {
        lines.push(table([
            t.columns.map((c) => c.label),
            ...t.rows.map((r) => t.columns.map((c) => formatCell(r[c.key], c.type, c.perSecond))),
        ]));
    }
    return lines.join('\n');
}
export function findingText(f) {
    const message = f.advice && !/[.!?]$/.test(f.message) ? `${f.message}.` : f.message;
    return `[${f.severity}] ${message}${f.advice ? ` ${f.advice}` : ''}`;
}
export function renderViewText(view, opts = {}) {
    const blocks = [];
    blocks.push(opts.title ? `${view.title}\n${view.summary}` : view.summary);
    if (view.fields?.length) {
        blocks.push(table(view.fields.map((f) => [f.label, formatCell(f.value, f.type, f.perSecond)])));
    }
    for (const c of view.code ?? [])
        blocks.push(c.label ? `${c.label}:\n${c.text.trimEnd()}` : c.text.trimEnd());
    for (const t of view.tables ?? [])
        blocks.push(tableText(t));
    if (view.findings?.length)
        blocks.push(['Findings:', ...view.findings.map((f) => `  ${findingText(f)}`)].join('\n'));
    if (view.notes?.length)
        blocks.push(view.notes.map((n) => `note: ${n}`).join('\n'));
    return blocks.filter((b) => b !== '').join('\n\n');
}
//# sourceMappingURL=render-text.js.map