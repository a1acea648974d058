/**
 * schedule_list: every schedule (from the config and added at runtime) with its next due time,
 * the run in progress and its last runs, and whether a serve process is running them.
 */
import { z } from 'zod';
import { table } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
import { knownSchedules, liveService, scheduleData, statusOf } from './schedule-store.js';

const Run = z.object({
  jobId: z.string().nullable().describe('the kernel job of the run (`storage-ops job <id>`)'),
  trigger: z.string(),
  requestedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z.string(),
  summary: z.string().nullable(),
  report: z.string().nullable().describe('report file under the data dir'),
});

const Output = z.object({
  serve: z.object({ running: z.boolean(), pid: z.number().nullable(), since: z.string().nullable(), active: z.array(z.string()) }),
  schedules: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      cron: z.string(),
      timezone: z.string().nullable(),
      host: z.string().nullable(),
      channel: z.string().nullable(),
      catchUp: z.boolean(),
      source: z.enum(['config', 'runtime']),
      nextDueAt: z.string().nullable().describe('next run as serve last computed it'),
      runningJob: z.string().nullable(),
      monitorLevel: z.string().nullable(),
      runs: z.array(Run).describe('newest first'),
    }),
  ),
});

export const scheduleList = defineOp({
  name: 'schedule_list',
  verb: 'schedules',
  summary: 'List schedules (config and runtime), their next run, the run in progress and recent runs',
  description: 'Shows whether a `storage-ops serve` is running the schedules. With a name, only that schedule and more of its history.',
  effect: 'read',
  input: z.strictObject({
    name: z.string().optional().describe('only this schedule'),
    runs: z.number().int().min(0).max(1000).default(3).describe('how many recent runs to show per schedule'),
  }),
  output: Output,
  cli: { positional: ['name'] },
  examples: ['', 'nightly-db --runs 20'],
  async run(deps, input) {
    const data = await deps.state.read();
    const svc = liveService(data, deps.now());
    const sd = scheduleData(structuredClone(data));
    const list = knownSchedules(deps, data).filter((s) => !input.name || s.spec.name === input.name);
    return {
      serve: { running: svc !== null, pid: svc?.owner.pid ?? null, since: svc?.startedAt ?? null, active: svc?.active ?? [] },
      schedules: list.map(({ spec, source }) => {
        const st = statusOf(sd, spec.name);
        return {
          name: spec.name,
          kind: spec.kind,
          cron: spec.cron,
          timezone: spec.timezone ?? null,
          host: spec.host ?? null,
          channel: spec.channel ?? null,
          catchUp: spec.catchUp,
          source,
          nextDueAt: st.nextDueAt,
          runningJob: st.current?.jobId ?? null,
          monitorLevel: st.monitor?.level ?? null,
          runs: [...st.runs].reverse().slice(0, input.runs),
        };
      }),
    };
  },
  render(o) {
    const head = o.serve.running ? `Schedules run in serve (pid ${o.serve.pid}, since ${o.serve.since}).` : 'No `storage-ops serve` is running: schedules run only by `schedule run` until one starts.';
    if (o.schedules.length === 0) return `${head}\nNo schedules. Add one to the config's "schedules" or with \`storage-ops schedule add\`.`;
    const rows = [['NAME', 'KIND', 'CRON', 'TIMEZONE', 'HOST', 'SOURCE', 'NEXT', 'LAST RUN']];
    for (const s of o.schedules) {
      const last = s.runs[0];
      rows.push([s.name, s.kind, s.cron, s.timezone ?? 'local', s.host ?? 'default', s.source, s.nextDueAt ?? '-', last ? `${last.outcome} ${last.startedAt}` : s.runningJob ? `running (job ${s.runningJob})` : 'never']);
    }
    const lines = [head, table(rows)];
    for (const s of o.schedules) {
      if (s.runs.length === 0) continue;
      lines.push('', `${s.name}:`);
      for (const r of s.runs) lines.push(`  ${r.startedAt} ${r.trigger} ${r.outcome}${r.jobId ? ` job ${r.jobId}` : ''}: ${r.summary ?? ''}${r.report ? ` (${r.report})` : ''}`);
    }
    return lines.join('\n');
  },
});
