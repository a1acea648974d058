import { table } from '../../core/format.js';
import { cellText } from './cell-text.js';
import { codeBlock, cut, esc, field, LIMITS } from './mrkdwn.js';
import { redactValue } from '../../core/redact.js';
const SEVERITY_ICON = { info: ':information_source:', warning: ':warning:', critical: ':red_circle:' };
export function viewBlocks(shown, opts = {}) {
    // Everything posted to Slack passes here: credentials in it (a command, a volume's mount
    // options) are masked like in logs.
    const view = redactValue(shown);
    const maxRows = opts.maxRows ?? 15;
    const budget = LIMITS.blocks - (opts.reserveBlocks ?? 0) - 1; // one left for the "not shown" note
    const blocks = [];
    const files = [];
    let dropped = 0;
    const add = (...bs) => {
        for (const b of bs) {
            if (blocks.length < budget)
                blocks.push(b);
            else
                dropped++;
        }
    };
    add({ type: 'header', text: { type: 'plain_text', text: cut(view.title || ' ', LIMITS.headerText), emoji: false } });
    if (view.summary)
        add({ type: 'section', text: { type: 'mrkdwn', text: field(view.summary) } });
    const fields = view.fields ?? [];
    for (let i = 0; i < fields.length; i += LIMITS.sectionFields) {
        add({
            type: 'section',
            fields: fields.slice(i, i + LIMITS.sectionFields).map((f) => ({
                type: 'mrkdwn',
                text: cut(`*${esc(f.label)}*\n${esc(cellText(f.value, f.type))}`, LIMITS.sectionField),
            })),
        });
    }
    for (const f of view.findings ?? []) {
        const advice = f.advice ? `\n_${esc(f.advice)}_` : '';
        add({ type: 'section', text: { type: 'mrkdwn', text: cut(`${SEVERITY_ICON[f.severity]} ${esc(f.message)}${advice}`, LIMITS.sectionText) } });
    }
    for (const t of view.tables ?? []) {
        const { text, cutRows } = tableText(t, maxRows);
        if (t.title)
            add({ type: 'section', text: { type: 'mrkdwn', text: `*${field(t.title, LIMITS.sectionText - 2)}*` } });
        add({ type: 'section', text: { type: 'mrkdwn', text } });
        if (cutRows > 0) {
            const filename = `${safeName(t.id)}.csv`;
            files.push({ filename, title: t.title ?? t.id, content: tableCsv(t) });
            add(context(`${cutRows} more row${cutRows === 1 ? '' : 's'} not shown; the full table is attached as ${filename}.`));
        }
    }
    for (const c of view.code ?? []) {
        if (c.label)
            add({ type: 'section', text: { type: 'mrkdwn', text: `*${field(c.label, LIMITS.sectionText - 2)}*` } });
        const block = codeBlock(c.text);
        add({ type: 'section', text: { type: 'mrkdwn', text: block } });
        if (esc(c.text).length > LIMITS.sectionText - 8) {
            const filename = `${safeName(c.label ?? 'output')}.${c.language === 'json' ? 'json' : c.language === 'yaml' ? 'yml' : 'txt'}`;
            files.push({ filename, title: c.label ?? 'output', content: c.text });
            add(context(`Cut to fit a message; the whole text is attached as ${filename}.`));
        }
    }
    const notes = view.notes ?? [];
    for (let i = 0; i < notes.length; i += LIMITS.contextElements) {
        add({
            type: 'context',
            elements: notes.slice(i, i + LIMITS.contextElements).map((n) => ({ type: 'mrkdwn', text: field(n) })),
        });
    }
    if (dropped > 0)
        blocks.push(context(`${dropped} more part${dropped === 1 ? '' : 's'} of this answer did not fit in one message; \`storage-ops\` at a terminal shows all of it.`));
    return { text: cut(esc(view.summary ? `${view.title}: ${view.summary}` : view.title), LIMITS.messageText), blocks, files, charts: view.charts ?? [] };
}
export function context(mrkdwn) {
    return { type: 'context', elements: [{ type: 'mrkdwn', text: cut(mrkdwn, LIMITS.sectionText) }] };
}
/** The table as fixed-width text in a code block, cut to `maxRows` rows and to Slack's 3000 characters. */
export function tableText(t, maxRows) {
    if (t.rows.length === 0)
        return { text: field(t.empty ?? 'Nothing to show.'), cutRows: 0 };
    const header = t.columns.map((c) => c.label);
    const body = t.rows.map((r) => t.columns.map((c) => cellText(r[c.key] ?? null, c.type)));
    let shown = Math.min(maxRows, body.length);
    for (;;) {
        const text = '```\n' + esc(table([header, ...body.slice(0, shown)])) + '\n```';
        if (text.length <= LIMITS.sectionText || shown <= 1) {
            return { text: text.length <= LIMITS.sectionText ? text : codeBlock(table([header, ...body.slice(0, shown)])), cutRows: body.length - shown };
        }
        shown = Math.max(1, Math.floor(shown * 0.75));
    }
}
/** The full table as CSV (values as people read them, plus raw numbers for bytes). */
export function tableCsv(t) {
    const q = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const header = t.columns.flatMap((c) => (c.type === 'bytes' ? [c.label, `${c.label} (bytes)`] : [c.label]));
    const rows = t.rows.map((r) => t.columns.flatMap((c) => {
        const v = r[c.key] ?? null;
        return c.type === 'bytes' ? [cellText(v, c.type), v === null ? '' : String(v)] : [cellText(v, c.type)];
    }));
    return [header, ...rows].map((row) => row.map(q).join(',')).join('\n') + '\n';
}
function safeName(s) {
    return s.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'table';
}
//# sourceMappingURL=view-blocks.js.map