/**
 * schedule_list: every schedule (from the config and added at runtime) with its next due time,
 * the run in progress and its last runs, and whether a serve process is running them.
 */
import { z } from 'zod';
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
      volumes: z.array(z.string()).describe('backup, drill: volumes named'),
      label: z.string().nullable().describe('backup, drill: every volume with this label too'),
      store: z.string().nullable().describe('backup: the store the backups go to (null: backup.defaultStore)'),
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
          volumes: spec.volumes,
          label: spec.label ?? null,
          store: spec.store ?? null,
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
  view(o) {
    const head = o.serve.running ? `Schedules run in serve (pid ${o.serve.pid}, since ${o.serve.since}).` : 'No `storage-ops serve` is running: schedules run only by `schedule run` until one starts.';
    return {
      title: 'Schedules',
      summary: `${o.schedules.length} schedule(s). ${head}`,
      tables: [
        {
          id: 'schedules',
          columns: [
            { key: 'name', label: 'NAME', type: 'text' },
            { key: 'kind', label: 'KIND', type: 'text' },
            { key: 'cron', label: 'CRON', type: 'text' },
            { key: 'timezone', label: 'TIMEZONE', type: 'text' },
            { key: 'host', label: 'HOST', type: 'text' },
            { key: 'targets', label: 'TARGETS', type: 'text' },
            { key: 'source', label: 'SOURCE', type: 'text' },
            { key: 'next', label: 'NEXT', type: 'time' },
            { key: 'last', label: 'LAST RUN', type: 'text' },
          ],
          rows: o.schedules.map((s) => {
            const last = s.runs[0];
            return {
              name: s.name,
              kind: s.kind,
              cron: s.cron,
              timezone: s.timezone ?? 'local',
              host: s.host ?? 'default',
              targets: targetsOf(s),
              source: s.source,
              next: s.nextDueAt,
              last: s.runningJob ? `running (job ${s.runningJob})` : last ? `${last.outcome} ${last.startedAt}` : 'never',
            };
          }),
          empty: 'No schedules. Add one to the config\'s "schedules" or with `storage-ops schedule add`.',
        },
        {
          id: 'runs',
          title: 'Recent runs',
          columns: [
            { key: 'schedule', label: 'SCHEDULE', type: 'text' },
            { key: 'started', label: 'STARTED', type: 'time' },
            { key: 'trigger', label: 'TRIGGER', type: 'text' },
            { key: 'outcome', label: 'OUTCOME', type: 'text' },
            { key: 'job', label: 'JOB', type: 'text' },
            { key: 'summary', label: 'SUMMARY', type: 'text' },
            { key: 'report', label: 'REPORT', type: 'text' },
          ],
          rows: o.schedules.flatMap((s) =>
            s.runs.map((r) => ({ schedule: s.name, started: r.startedAt, trigger: r.trigger, outcome: r.outcome, job: r.jobId, summary: r.summary, report: r.report })),
          ),
          empty: 'No runs yet.',
        },
      ],
    };
  },
});

/** What a schedule works on, in a few words: "db_data, label backup=nightly -> offsite". */
function targetsOf(s: { kind: string; volumes: string[]; label: string | null; store: string | null }): string {
  if (s.kind !== 'backup' && s.kind !== 'drill') return '-';
  const what = [...s.volumes, ...(s.label ? [`label ${s.label}`] : [])].join(', ') || 'every backed-up volume';
  return s.store ? `${what} -> ${s.store}` : what;
}
