/**
 * Publishing a schedule's result: always to the log and to reports/<schedule>-<time>-<job>.md in
 * the data dir with each chart as a PNG beside it (so serve is useful without Slack), and as a
 * `schedule.posted` kernel event that the Slack adapter, when running, posts to the schedule's
 * channel.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toOpsError } from '../../core/errors.js';
import type { SchedulePost } from '../../core/events.js';
import type { Deps } from '../../core/ports.js';
import type { View } from '../../core/view.js';
import { chartPng } from '../../core/views/chart-png.js';
import { formatCell } from '../../core/views/format-cell.js';

const md = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A view as markdown, for the report files; `images` maps chart ids to the PNG files beside it. */
export function viewMarkdown(view: View, images: ReadonlyMap<string, string> = new Map()): string {
  const out = [`# ${view.title}`, '', view.summary];
  if (view.fields?.length) {
    out.push('');
    for (const f of view.fields) out.push(`- **${f.label}**: ${formatCell(f.value, f.type, f.perSecond)}`);
  }
  for (const f of view.findings ?? []) out.push('', `- **${f.severity}**: ${f.message}${f.advice ? ` ${f.advice}` : ''}`);
  for (const t of view.tables ?? []) {
    out.push('');
    if (t.title) out.push(`## ${t.title}`, '');
    if (t.rows.length === 0) {
      out.push(t.empty ?? 'None.');
      continue;
    }
    out.push(`| ${t.columns.map((c) => md(c.label)).join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`);
    for (const r of t.rows) out.push(`| ${t.columns.map((c) => md(formatCell(r[c.key], c.type, c.perSecond))).join(' | ')} |`);
  }
  for (const c of view.charts ?? []) {
    const image = images.get(c.id);
    out.push('', `## ${c.title}`, '');
    if (image) out.push(`![${c.title}](${image})`, '');
    out.push(`Chart data (${c.unit}):`, '');
    for (const p of c.points) out.push(`- ${p.x}${p.series ? ` ${p.series}` : ''}: ${p.value}`);
  }
  for (const n of view.notes ?? []) out.push('', n);
  return out.join('\n') + '\n';
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** Writes the report file and its chart PNGs, logs the summary and emits the event; returns the file (relative to the data dir). */
export async function publish(deps: Deps, post: Omit<SchedulePost, 'file'>): Promise<string> {
  const dir = join(deps.dataDir, 'reports');
  await mkdir(dir, { recursive: true });
  // The job id keeps two runs within one second (a manual run beside the cron's) apart.
  const base = `${post.schedule}-${stamp(deps.now())}${post.jobId ? `-${post.jobId}` : ''}`;
  const images = new Map<string, string>();
  for (const chart of post.view.charts ?? []) {
    const png = `${base}-${chart.id.replace(/[^a-zA-Z0-9_.-]+/g, '-')}.png`;
    try {
      await writeFile(join(dir, png), await chartPng(chart), { flag: 'wx' });
      images.set(chart.id, png);
    } catch (err) {
      // The markdown still carries the chart's numbers.
      deps.log.warn(`schedule ${post.schedule}: could not draw the chart ${chart.id}`, { error: toOpsError(err).message });
    }
  }
  const file = join('reports', `${base}.md`);
  await writeFile(join(deps.dataDir, file), viewMarkdown(post.view, images), { flag: 'wx' });
  deps.log.info(`schedule ${post.schedule}: ${post.view.summary}`, {
    kind: post.kind,
    report: file,
    ...(images.size ? { charts: [...images.values()].map((f) => join('reports', f)) } : {}),
    channel: post.channel ?? 'none',
    job: post.jobId ?? undefined,
  });
  deps.events.emit({ type: 'schedule.posted', post: { ...post, file } });
  return file;
}
