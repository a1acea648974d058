/**
 * schedule_add: adds a schedule at runtime, persisted in the state file; a running serve picks
 * it up within seconds. Validated like the config's `schedules` entries (cron, time zone,
 * host). Admin only: a backup schedule's retention deletes backups under its own policy.
 */
import { z } from 'zod';
import { resolveStore } from '../../backup/restic-store.js';
import { ScheduleSpecSchema } from '../../config/schedule-config.js';
import { OpsError } from '../../core/errors.js';
import { defineOp } from '../../core/op.js';
import { knownSchedules, scheduleData } from './schedule-store.js';

export const scheduleAdd = defineOp({
  name: 'schedule_add',
  verb: 'schedule add',
  summary: 'Add a schedule (report, backup, monitor or drill) at runtime; serve runs it from its next due time',
  description: 'The schedule is kept in the state file; schedules in the config file are edited there. Cron expressions have five fields (minute hour day-of-month month day-of-week) and are read in --timezone (IANA name) or the server\'s zone.',
  effect: 'write',
  requiredRole: 'admin',
  input: ScheduleSpecSchema,
  output: z.object({ schedule: z.record(z.string(), z.unknown()), message: z.string() }),
  cli: { positional: ['name'], flags: { volumes: 'volume' } },
  examples: [
    'nightly-db --kind backup --cron "0 2 * * *" --timezone Europe/Berlin --volume db_data --channel C0123ABCD',
    'offsite-nightly --kind backup --cron "30 2 * * *" --label backup=nightly --store offsite',
    'disk-watch --kind monitor --cron "*/5 * * * *" --auto-cleanup',
    'weekly-report --kind report --cron "0 8 * * mon" --catch-up',
  ],
  async run(deps, input) {
    deps.engines.get(input.host);
    // A store that does not exist would only fail at 2 a.m.: refuse it now, naming the known ones.
    if (input.store !== undefined) resolveStore(deps, input.store);
    await deps.state.update((data) => {
      const existing = knownSchedules(deps, data).find((s) => s.spec.name === input.name);
      if (existing) {
        throw new OpsError('conflict', `a schedule named "${input.name}" already exists (${existing.source === 'config' ? 'in the config file' : 'added at runtime'})`, {
          hint: existing.source === 'config' ? 'Pick another name, or edit the config file' : `Pick another name, or remove it first: storage-ops schedule rm ${input.name}`,
        });
      }
      scheduleData(data).added.push(input);
    });
    return { schedule: input, message: `schedule ${input.name} added (${input.kind}, "${input.cron}"${input.timezone ? ` in ${input.timezone}` : ''}); a running serve picks it up within seconds` };
  },
  view: (o) => ({ title: `Schedule ${String(o.schedule.name)} added`, summary: o.message }),
});
