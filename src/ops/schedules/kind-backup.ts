/**
 * The `backup` schedule kind: backs up the volumes the schedule names and those carrying its
 * label into the schedule's store (as a child job of volume_backup, without its own retention), then applies retention to
 * exactly those volumes as a policy approval granted to this schedule (`schedule:<name>`), so
 * the deletion passes the same approval record, gate and audit trail as a person's would.
 */
import type { ScheduleSpec } from '../../config/schedule-config.js';
import { followJob, runConfirmed, submitOp } from '../../core/approvals.js';
import { OpsError, toOpsError } from '../../core/errors.js';
import { formatBytes } from '../../core/format.js';
import { jobOutcome } from '../../core/jobs.js';
import type { OpContext } from '../../core/op.js';
import { grantPolicy } from '../../core/policy.js';
import type { Deps } from '../../core/ports.js';
import type { View, ViewFinding } from '../../core/view.js';
import { backupPrune } from '../backups/backup-prune.js';
import { volumeBackup } from '../backups/volume-backup.js';
import type { KindResult } from './kind-result.js';

export async function backupTargets(deps: Deps, spec: ScheduleSpec): Promise<string[]> {
  const engine = deps.engines.get(spec.host);
  const names = new Set(spec.volumes);
  if (spec.label) for (const v of await engine.listVolumes({ label: [spec.label] })) names.add(v.name);
  return [...names];
}

export async function runBackup(deps: Deps, spec: ScheduleSpec, ctx: OpContext): Promise<KindResult> {
  const engine = deps.engines.get(spec.host);
  const volumes = await backupTargets(deps, spec);
  if (volumes.length === 0) {
    throw new OpsError('not_found', `schedule ${spec.name}: no volume on ${engine.host.name} has the label ${spec.label ?? ''} and none is named`, {
      hint: `Check the label with \`storage-ops volumes --label ${spec.label ?? 'KEY=VALUE'} --host ${engine.host.name}\``,
    });
  }
  ctx.onProgress({ phase: 'backing up', done: 0, total: volumes.length, unit: 'items', message: volumes.join(', ') });
  const submitted = await submitOp(deps, volumeBackup, { volumes, host: engine.host.name, prune: false, ...(spec.store ? { store: spec.store } : {}) }, { actor: ctx.actor, signal: ctx.signal });
  if (submitted.kind !== 'job') throw new OpsError('internal', 'volume_backup did not start a job', { hint: 'This is a bug in storage-ops' });
  const backupJob = await followJob(deps, submitted.job, { actor: ctx.actor, signal: ctx.signal, onProgress: (p) => ctx.onProgress({ ...p, phase: `backing up: ${p.phase}` }) });
  const backup = jobOutcome(backupJob) as Awaited<ReturnType<typeof volumeBackup.run>>;

  ctx.onProgress({ phase: 'retention', done: volumes.length, total: volumes.length, unit: 'items' });
  const findings: ViewFinding[] = [];
  let removed: string[] = [];
  let retentionError: string | null = null;
  try {
    // The schedule's policy is the standing approval for its retention; the request and the
    // decision are recorded like any other, under the approver policy:schedule:<name>.
    const pruned = await runConfirmed(deps, backupPrune, { volumes, host: engine.host.name }, { actor: ctx.actor, grant: grantPolicy(`schedule:${spec.name}`), signal: ctx.signal });
    removed = pruned.removed.map((r) => r.id);
  } catch (err) {
    retentionError = toOpsError(err).toLine();
    findings.push({ severity: 'warning', message: `retention was not applied: ${retentionError}`, advice: 'The backups stand; `storage-ops prune-backups --dry-run` shows what retention would do' });
  }
  for (const b of backup.backups) for (const w of b.warnings) findings.push({ severity: 'warning', message: `${b.volume}: ${w}` });
  const total = backup.backups.reduce((s, b) => s + b.bytes, 0);
  const view: View = {
    title: `Scheduled backup ${spec.name} on ${backup.host}`,
    summary: `${backup.backups.length} volume(s) backed up into ${backup.storeDir} (${formatBytes(total)}); retention removed ${removed.length} old backup(s)${retentionError ? ' — retention failed' : ''}`,
    tables: [
      {
        id: 'backups',
        columns: [
          { key: 'volume', label: 'VOLUME', type: 'text' },
          { key: 'id', label: 'BACKUP', type: 'text' },
          { key: 'bytes', label: 'SIZE', type: 'bytes' },
          { key: 'durationMs', label: 'TOOK', type: 'duration' },
        ],
        rows: backup.backups.map((b) => ({ volume: b.volume, id: b.id, bytes: b.bytes, durationMs: b.durationMs })),
      },
    ],
    findings,
    notes: [removed.length ? `Removed by retention (policy schedule:${spec.name}): ${removed.join(', ')}` : 'Retention removed nothing.', `Backup job ${backupJob.id}.`],
  };
  return { view, details: { host: backup.host, store: backup.storeDir, backups: backup.backups.map((b) => ({ volume: b.volume, id: b.id, bytes: b.bytes })), backupJob: backupJob.id, retention: { removed, error: retentionError } } };
}
