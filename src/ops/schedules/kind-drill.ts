/**
 * The `drill` schedule kind: proves the backups restore. For each chosen volume (by name, by
 * label, or every volume with a backup on the host), the newest backup is restored into a scratch
 * volume, compared with the backup (counts from the manifest, tree checksum) and the scratch
 * volume removed (backup/restore-drill.ts). The post says "restorable" or what failed; each volume's outcome is
 * kept for /metrics (storage_ops_drill_success) and the failed-drill alert. A drill never takes
 * the engine's root filesystem to the critical threshold: a volume whose copy would is skipped
 * (said in the post, not recorded as a failure).
 */
import type { ScheduleSpec } from '../../config/schedule-config.js';
import { listBackups } from '../../backup/catalog.js';
import { drillBackup, recordDrill, removeLeftoverScratch, type DrillOutcome } from '../../backup/restore-drill.js';
import { OpsError } from '../../core/errors.js';
import { formatBytes } from '../../core/format.js';
import type { OpContext } from '../../core/op.js';
import type { Deps } from '../../core/ports.js';
import type { Cell, View, ViewFinding } from '../../core/view.js';
import type { KindResult } from './kind-result.js';

async function drillTargets(deps: Deps, spec: ScheduleSpec, host: string): Promise<string[]> {
  const names = new Set(spec.volumes);
  if (spec.label) for (const v of await deps.engines.get(host).listVolumes({ label: [spec.label] })) names.add(v.name);
  if (spec.volumes.length === 0 && !spec.label) for (const b of await listBackups(deps, { host })) names.add(b.volume);
  return [...names].sort();
}

export async function runDrill(deps: Deps, spec: ScheduleSpec, ctx: OpContext): Promise<KindResult> {
  const engine = deps.engines.get(spec.host);
  const host = engine.host.name;
  const volumes = await drillTargets(deps, spec, host);
  if (volumes.length === 0) {
    throw new OpsError('not_found', `schedule ${spec.name}: nothing to drill on ${host}: ${spec.label ? `no volume has the label ${spec.label}` : 'no backups were made there yet'}`, {
      hint: spec.label ? `Check the label with \`storage-ops volumes --label ${spec.label} --host ${host}\`` : `Back something up first: storage-ops backup VOLUME --host ${host}`,
    });
  }
  const leftovers = await removeLeftoverScratch(deps, engine);
  const rootDir = (await engine.info()).dockerRootDir;
  const critical = spec.criticalPercent ?? deps.config.thresholds.criticalPercent;
  const outcomes: DrillOutcome[] = [];
  const skipped: Array<{ volume: string; backupId: string; why: string }> = [];
  for (const [i, volume] of volumes.entries()) {
    if (ctx.signal.aborted) throw new OpsError('cancelled', `restore drill ${spec.name} was cancelled after ${i} of ${volumes.length} volume(s)`);
    ctx.onProgress({ phase: `drill ${volume}`, done: i, total: volumes.length, unit: 'items' });
    const newest = (await listBackups(deps, { host, volume }))[0];
    if (newest) {
      const fs = await engine.filesystemUsage(rootDir, ctx.signal);
      const capacity = fs.usedBytes + fs.availableBytes;
      const after = capacity > 0 ? ((fs.usedBytes + newest.content.dataBytes) / capacity) * 100 : 100;
      if (after >= critical) {
        const why = `restoring ${formatBytes(newest.content.dataBytes)} would take ${fs.path || rootDir} on ${host} to ${after.toFixed(1)} % (critical at ${critical} %)`;
        skipped.push({ volume, backupId: newest.id, why });
        deps.log.warn(`drill ${spec.name}: ${volume} skipped: ${why}`);
        continue;
      }
    }
    const outcome: DrillOutcome = newest
      ? await drillBackup(deps, engine, newest, { actor: ctx.actor.id, signal: ctx.signal, onProgress: (p) => ctx.onProgress({ ...p, phase: `drill ${volume}: ${p.phase}` }) })
      : { volume, host, backupId: null, backupCreatedAt: null, ok: false, failure: `volume ${volume} has no backup on ${host} to restore`, checks: [], scratch: '', scratchRemoved: true, durationMs: 0, notes: [] };
    outcomes.push(outcome);
    await recordDrill(deps, outcome, deps.now());
    deps.log.info(`drill ${spec.name}: ${volume} ${outcome.ok ? 'restorable' : `failed: ${outcome.failure ?? ''}`}`, { backup: outcome.backupId, durationMs: outcome.durationMs });
  }
  const failed = outcomes.filter((o) => !o.ok);
  const findings: ViewFinding[] = failed.map((o) => ({
    severity: 'critical',
    message: `${o.volume}${o.backupId ? ` (backup ${o.backupId})` : ''}: ${o.failure ?? ''}`,
    advice: o.backupId
      ? `Do not count on this backup: take a new one (\`storage-ops backup ${o.volume} --host ${host}\`) and check the store with \`storage-ops verify ${o.backupId}\``
      : `storage-ops backup ${o.volume} --host ${host}`,
  }));
  for (const k of skipped) {
    findings.push({ severity: 'warning', message: `${k.volume} (backup ${k.backupId}) was not drilled: ${k.why}`, advice: 'Free space on that engine (`storage-ops cleanup`) before the next drill' });
  }
  const skippedText = skipped.length ? `; ${skipped.length} skipped for lack of space: ${skipped.map((k) => k.volume).join(', ')}` : '';
  const view: View = {
    title: `Restore drill ${spec.name} on ${host}`,
    summary: failed.length
      ? `${failed.length} of ${outcomes.length} volume(s) NOT restorable: ${failed.map((o) => o.volume).join(', ')}${skippedText}`
      : outcomes.length
        ? `${outcomes.length} volume(s) restorable: newest backup restored into a scratch volume, file count and tree checksum match the backup${skippedText}`
        : `No volume drilled${skippedText}`,
    tables: [
      {
        id: 'drills',
        columns: [
          { key: 'volume', label: 'VOLUME', type: 'text' },
          { key: 'backup', label: 'BACKUP', type: 'text' },
          { key: 'backedUp', label: 'BACKED UP', type: 'time' },
          { key: 'result', label: 'RESULT', type: 'text' },
          { key: 'files', label: 'FILES', type: 'count' },
          { key: 'took', label: 'TOOK', type: 'duration' },
          { key: 'failure', label: 'WHAT FAILED', type: 'text' },
        ],
        rows: outcomes.map((o): Record<string, Cell> => ({
          volume: o.volume,
          backup: o.backupId,
          backedUp: o.backupCreatedAt,
          result: o.ok ? 'restorable' : 'FAILED',
          files: (o.checks.find((c) => c.what === 'regular files')?.found as number | undefined) ?? null,
          took: o.durationMs,
          failure: o.failure,
        })).concat(skipped.map((k) => ({ volume: k.volume, backup: k.backupId, backedUp: null, result: 'skipped', files: null, took: null, failure: k.why }))),
      },
    ],
    findings,
    notes: [
      ...outcomes.flatMap((o) => o.notes.map((n) => `${o.volume}: ${n}`)),
      ...(leftovers.length ? [`Removed scratch volume(s) left by interrupted drills: ${leftovers.join(', ')}`] : []),
    ],
  };
  return { view, details: { host, restorable: outcomes.length - failed.length, failed: failed.length, outcomes, skipped, leftoversRemoved: leftovers } };
}
