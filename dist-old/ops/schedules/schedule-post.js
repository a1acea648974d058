/**
 * Publishing a schedule's result: always to the log and to reports/<schedule>-<time>.md in the
 * data dir (so serve is useful without Slack), and as a `schedule.posted` kernel event that the
 * Slack adapter, when running, posts to the schedule's channel.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBytes } from '../../core/format.js';
function cellText(v, type) {
    if (v === null)
        return '-';
    if (typeof v === 'number') {
        if (type === 'bytes')
            return formatBytes(v);
        if (type === 'percent')
            return `${Math.round(v * 10) / 10} %`;
        if (type === 'duration')
            return `${(v / 1000).toFixed(1)} s`;
    }
    return String(v);
}
const md = (s) => s.replace(/\|/g, '\\|');
/** A view as markdown, for the report files. */
export function viewMarkdown(view) {
    const out = [`# ${view.title}`, '', view.summary];
    if (view.fields?.length) {
        out.push('');
        for (const f of view.fields)
            out.push(`- **${f.label}**: ${cellText(f.value, f.type)}`);
    }
    for (const f of view.findings ?? [])
        out.push('', `- **${f.severity}**: ${f.message}${f.advice ? ` ${f.advice}` : ''}`);
    for (const t of view.tables ?? []) {
        out.push('');
        if (t.title)
            out.push(`## ${t.title}`, '');
        if (t.rows.length === 0) {
            out.push(t.empty ?? 'None.');
            continue;
        }
        out.push(`| ${t.columns.map((c) => md(c.label)).join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`);
        for (const r of t.rows)
            out.push(`| ${t.columns.map((c) => md(cellText(r[c.key] ?? null, c.type))).join(' | ')} |`);
    }
    for (const c of view.charts ?? []) {
        out.push('', `## ${c.title} (chart data, ${c.unit})`, '');
        for (const p of c.points)
            out.push(`- ${p.x}${p.series ? ` ${p.series}` : ''}: ${p.value}`);
    }
    for (const n of view.notes ?? [])
        out.push('', n);
    return out.join('\n') + '\n';
}
const stamp = (d) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
/** Writes the report file, logs the summary and emits the event; returns the file (relative to the data dir). */
export async function publish(deps, post) {
    const dir = join(deps.dataDir, 'reports');
    await mkdir(dir, { recursive: true });
    // The job id keeps two runs within one second (a manual run beside the cron's) apart.
    const file = join('reports', `${post.schedule}-${stamp(deps.now())}${post.jobId ? `-${post.jobId}` : ''}.md`);
    await writeFile(join(deps.dataDir, file), viewMarkdown(post.view), { flag: 'wx' });
    deps.log.info(`schedule ${post.schedule}: ${post.view.summary}`, { kind: post.kind, report: file, channel: post.channel ?? 'none', job: post.jobId ?? undefined });
    deps.events.emit({ type: 'schedule.posted', post: { ...post, file } });
    return file;
}
//# sourceMappingURL=schedule-post.js.map