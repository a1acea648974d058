/**
 * The `schedules` configuration key: one entry per schedule (report, backup, monitor, drill). The same
 * schema validates runtime additions (`schedule add`), so a schedule is described once. Cron
 * expressions and time zones are checked here, with errors that name the schedule and the key.
 */
import { z } from 'zod';
import { cronProblem, timezoneProblem } from './cron-syntax.js';

export const SCHEDULE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
export const SCHEDULE_KINDS = ['report', 'backup', 'monitor', 'drill'] as const;

export const ScheduleSpecSchema = z
  .strictObject({
    name: z.string().regex(SCHEDULE_NAME_PATTERN, 'schedule names use letters, digits, "_", "." and "-" (up to 63)').describe('schedule name, unique'),
    cron: z.string().min(1).describe('five-field cron expression, e.g. "0 2 * * *" (02:00 daily)'),
    timezone: z.string().optional().describe('IANA time zone the cron expression is read in (default: the server\'s)'),
    kind: z.enum(SCHEDULE_KINDS).describe('report: disk report with growth and forecast; backup: back up volumes then apply retention; monitor: root filesystem thresholds; drill: restore the newest backups into scratch volumes and compare them with their manifests'),
    host: z.string().min(1).optional().describe('engine (default: the default host)'),
    channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'use the Slack channel id (like C0123ABCD), not its name')
      .optional()
      .describe('Slack channel id results are posted to (results always go to the log and reports/)'),
    catchUp: z.boolean().default(false).describe('run once at start when a run was missed while serve was down'),
    volumes: z.array(z.string().min(1)).default([]).describe('backup, drill: volumes by name (drill with neither volumes nor label: every volume with a backup on the host)'),
    label: z
      .string()
      .regex(/^[^=\s][^=]*(=.*)?$/, 'labels look like "key" or "key=value"')
      .optional()
      .describe('backup, drill: also every volume with this label ("key" or "key=value")'),
    store: z
      .string()
      .min(1)
      .optional()
      .describe('backup: where the backups go: "local" (the backup directory) or a restic store of backup.stores (default: backup.defaultStore)'),
    staleBackupDays: z.number().int().min(1).max(365).default(7).describe('report: flag volumes with no backup in this many days'),
    trendDays: z.number().int().min(1).max(365).default(14).describe('report: days of usage history the fill-up forecast fits its trend to'),
    warnPercent: z.number().min(1).max(100).optional().describe('monitor: warning level (default thresholds.warnPercent)'),
    criticalPercent: z.number().min(1).max(100).optional().describe('monitor: critical level (default thresholds.criticalPercent)'),
    recoverMarginPercent: z.number().min(0).max(50).default(5).describe('monitor: usage must fall this far below a level to leave it (hysteresis)'),
    autoCleanup: z.boolean().default(false).describe('monitor: at critical, remove unused build cache and dangling images (never volumes) under this schedule\'s policy approval'),
    keepRuns: z.number().int().min(1).max(1000).default(50).describe('runs kept in this schedule\'s history'),
  })
  .superRefine((s, ctx) => {
    const who = `schedule "${s.name}"`;
    const cron = cronProblem(s.cron);
    if (cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: `${who}: cron ${cron}` });
    if (s.timezone !== undefined) {
      const tz = timezoneProblem(s.timezone);
      if (tz) ctx.addIssue({ code: 'custom', path: ['timezone'], message: `${who}: timezone ${tz}` });
    }
    if (s.kind === 'backup' && s.volumes.length === 0 && !s.label) {
      ctx.addIssue({ code: 'custom', path: ['volumes'], message: `${who}: a backup schedule needs "volumes" or "label"` });
    }
    if (s.store !== undefined && s.kind !== 'backup') {
      ctx.addIssue({ code: 'custom', path: ['store'], message: `${who}: "store" applies to backup schedules only (a drill restores each volume's newest backup, whatever its store)` });
    }
    if (s.warnPercent !== undefined && s.criticalPercent !== undefined && s.warnPercent >= s.criticalPercent) {
      ctx.addIssue({ code: 'custom', path: ['warnPercent'], message: `${who}: warnPercent must be below criticalPercent` });
    }
  });

export type ScheduleSpec = z.output<typeof ScheduleSpecSchema>;
export type ScheduleKind = ScheduleSpec['kind'];

export const SchedulesSchema = z.array(ScheduleSpecSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((s, i) => {
    if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate schedule name "${s.name}"` });
    seen.add(s.name);
  });
});
