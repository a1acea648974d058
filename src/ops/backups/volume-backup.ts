/**
 * volume_backup: backs up one or more volumes into the backup store (seed §5.1's backup-volumes
 * script, done properly): streamed from the engine's archive API (works on remote engines),
 * compressed (zstd by default), optionally encrypted to age recipients, written atomically and
 * named `<volume>_<YYYYMMDD_HHmmss>`, with a sidecar manifest and a catalog record (sha256,
 * size, entry counts, labels, duration). --stop or the stop-during-backup label stops the
 * running users for the archive and restarts exactly those; pre/post commands from container
 * labels run in them. After each successful backup, retention runs through runOp as
 * policy:retention, so it passes the same destructive gate and audit as anything else.
 */
import { z } from 'zod';
import { OpsError, toOpsError } from '../../core/errors.js';
import { backupVolume } from '../../backup/backup-volume.js';
import { storeDir } from '../../backup/store.js';
import { resolveStore } from '../../backup/restic-store.js';
import { backupPrune } from './backup-prune.js';
import { BackupSummarySchema, summarizeBackup } from './backup-schemas.js';
import { hostField, volumeName } from '../shared/common-inputs.js';
import { formatBytes } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
import type { ViewFinding, ViewTable } from '../../core/view.js';
import { runConfirmed } from '../../core/approvals.js';
import { grantPolicy } from '../../core/policy.js';

const RetentionResult = z.object({
  removed: z.array(z.string()).describe('backup ids deleted by retention'),
  kept: z.number().int(),
  error: z.string().nullable().describe('why retention did not run, if it failed (the backup stands)'),
});

const Output = z.object({
  host: z.string(),
  storeDir: z.string(),
  backups: z.array(
    BackupSummarySchema.extend({
      path: z.string().describe('archive path on this machine'),
      stoppedContainers: z.array(z.string()).describe('stopped for the archive and started again'),
      stopReason: z.string().nullable(),
      hooks: z.array(z.object({ container: z.string(), phase: z.enum(['pre', 'post']), command: z.string(), exitCode: z.number().int() })),
      warnings: z.array(z.string()),
      retention: RetentionResult.nullable().describe('retention run after this backup; null with --no-prune'),
    }),
  ),
});

type Backup = z.output<typeof Output>['backups'][number];

export const volumeBackup = defineOp({
  name: 'volume_backup',
  verb: 'backup',
  summary: 'Back up volumes into the backup store: streamed, compressed, optionally encrypted, verifiable',
  description:
    'Reads each volume through the engine (a helper container that is never started), so remote engines work. Archives are standard tar (zstd, gzip or none; age-encrypted with --encrypt) named <volume>_<YYYYMMDD_HHmmss>, with a sidecar manifest. --stop (or the label storage-ops.stop-during-backup=true on the volume or a container using it) stops the running containers using the volume during the archive and starts exactly those again, also on failure. Container labels storage-ops.backup-pre / storage-ops.backup-post hold commands run in that container before and after (e.g. a database dump); a failing pre command aborts. Retention runs afterwards unless --no-prune. --store NAME (or backup.defaultStore) sends the tar stream into a restic repository from backup.stores instead: deduplicated and encrypted by restic, catalogued with its snapshot id.',
  effect: 'write',
  long: true,
  input: z.strictObject({
    volumes: z.array(volumeName).min(1, 'name at least one volume').describe('volumes to back up'),
    host: hostField,
    stop: z.boolean().default(false).describe('stop the running containers using the volume while it is read, restart them after'),
    compression: z.enum(['zstd', 'gzip', 'none']).optional().describe('archive compression (default: config backup.compression, zstd)'),
    encrypt: z.boolean().optional().describe('encrypt to the age recipients in backup.recipients (default: config backup.encrypt)'),
    prune: z.boolean().default(true).describe('run retention for these volumes after a successful backup'),
    store: z.string().min(1).optional().describe('backup store: "local" (the backup directory) or a restic store from backup.stores (default: backup.defaultStore)'),
  }),
  output: Output,
  cli: { positional: ['volumes'] },
  examples: ['db_data', 'app_data config_data --stop', 'db_data --store offsite', 'db_data --encrypt --compression zstd', 'db_data --host prod-1 --no-prune'],
  async run(deps, input, ctx) {
    const engine = deps.engines.get(input.host);
    const compression = input.compression ?? deps.config.backup.compression;
    const encrypt = input.encrypt ?? deps.config.backup.encrypt;
    // Every volume must exist before the first one is touched.
    for (const v of new Set(input.volumes)) await engine.inspectVolume(v);
    const store = resolveStore(deps, input.store);
    const out: z.output<typeof Output> = { host: engine.host.name, storeDir: store.kind === 'restic' ? `restic:${store.name}` : storeDir(deps), backups: [] };
    const failures: string[] = [];
    let firstError: OpsError | null = null;
    for (const volume of new Set(input.volumes)) {
      ctx.signal.throwIfAborted();
      try {
        const outcome = await backupVolume(deps, engine, {
          volume,
          stop: input.stop,
          compression,
          encrypt,
          kind: ctx.actor.source === 'schedule' ? 'scheduled' : 'manual',
          reason: null,
          actor: ctx.actor.id,
          signal: ctx.signal,
          onProgress: ctx.onProgress,
          store,
        });
        let retention: z.output<typeof RetentionResult> | null = null;
        if (input.prune) {
          try {
            // The retention policy in the config is the standing approval; it is recorded as such.
            const pruned = await runConfirmed(deps, backupPrune, { volumes: [volume], host: engine.host.name }, {
              actor: { id: 'policy:retention', source: 'schedule' },
              grant: grantPolicy('backup.retention'),
              signal: ctx.signal,
            });
            retention = { removed: pruned.removed.map((r) => r.id), kept: pruned.kept.length, error: null };
          } catch (err) {
            retention = { removed: [], kept: 0, error: toOpsError(err).toLine() };
          }
        }
        out.backups.push({
          ...summarizeBackup(outcome.record),
          path: outcome.path,
          stoppedContainers: outcome.stoppedContainers,
          stopReason: outcome.stopReason,
          hooks: outcome.hooks,
          warnings: outcome.warnings,
          retention,
        });
      } catch (err) {
        const e = toOpsError(err);
        if (e.code === 'cancelled' || input.volumes.length === 1) throw e;
        firstError ??= e;
        failures.push(`${volume}: ${e.message}`);
      }
    }
    if (firstError) {
      const done = out.backups.map((b) => b.id);
      throw new OpsError(firstError.code, `backup failed for ${failures.length} volume(s): ${failures.join('; ')}${done.length ? `. Written: ${done.join(', ')}` : ''}`, {
        hint: firstError.hint,
      });
    }
    return out;
  },
  view(o) {
    const format = (b: Backup): string => b.snapshotId ? `tar in restic store ${b.store} (snapshot ${b.snapshotId.slice(0, 8)})` : `${b.compression}${b.encrypted ? ` + age (${b.recipients.length} recipient${b.recipients.length === 1 ? '' : 's'})` : ''}`;
    const rate = (b: Backup): number | null => (b.durationMs > 0 ? Math.round((b.dataBytes * 1000) / b.durationMs) : null);
    const findings: ViewFinding[] = [];
    const notes: string[] = [];
    for (const b of o.backups) {
      // With one backup the summary names the volume; with several each line says which.
      const of = o.backups.length > 1 ? `${b.volume}: ` : '';
      for (const w of b.warnings) findings.push({ severity: 'warning', message: `${of}${w}` });
      if (b.retention?.error) findings.push({ severity: 'warning', message: `${of}retention not applied: ${b.retention.error}`, advice: 'The backup stands; run `storage-ops prune-backups` to apply retention' });
      if (b.stoppedContainers.length) notes.push(`${of}stopped and restarted (${b.stopReason}): ${b.stoppedContainers.join(', ')}`);
      if (b.retention && !b.retention.error && b.retention.removed.length) notes.push(`${of}retention removed: ${b.retention.removed.join(', ')}`);
    }
    const hooks: ViewTable[] = o.backups.some((b) => b.hooks.length)
      ? [
          {
            id: 'hooks',
            title: 'Backup commands',
            columns: [
              { key: 'volume', label: 'VOLUME', type: 'text' },
              { key: 'phase', label: 'PHASE', type: 'text' },
              { key: 'container', label: 'CONTAINER', type: 'text' },
              { key: 'exitCode', label: 'EXIT', type: 'count' },
            ],
            rows: o.backups.flatMap((b) => b.hooks.map((h) => ({ volume: b.volume, phase: `${h.phase}-backup`, container: h.container, exitCode: h.exitCode }))),
          },
        ]
      : [];
    const one = o.backups.length === 1 ? o.backups[0] : undefined;
    if (one) {
      return {
        title: `Backup of ${one.volume}`,
        summary: `Backed up ${one.volume} on ${o.host}: ${one.id}`,
        fields: [
          { label: 'File', value: one.path },
          { label: 'Size', value: one.bytes, type: 'bytes' },
          { label: 'Format', value: format(one) },
          { label: 'Data', value: one.dataBytes, type: 'bytes' },
          { label: 'Entries', value: one.entries, type: 'count' },
          { label: 'Files', value: one.files, type: 'count' },
          ...(one.addedBytes !== null ? [{ label: 'Added to the repository', value: one.addedBytes, type: 'bytes' as const }] : []),
          { label: 'Took', value: one.durationMs, type: 'duration' },
          { label: 'Throughput', value: rate(one), type: 'bytes', perSecond: true },
          { label: 'sha256', value: one.sha256 },
        ],
        tables: hooks,
        findings,
        notes,
      };
    }
    return {
      title: 'Backups',
      summary: `Backed up ${o.backups.length} volume(s) on ${o.host}, ${formatBytes(o.backups.reduce((s, b) => s + b.bytes, 0))} in ${o.storeDir}`,
      tables: [
        {
          id: 'backups',
          columns: [
            { key: 'id', label: 'ID', type: 'text' },
            { key: 'volume', label: 'VOLUME', type: 'text' },
            { key: 'size', label: 'SIZE', type: 'bytes' },
            { key: 'format', label: 'FORMAT', type: 'text' },
            { key: 'data', label: 'DATA', type: 'bytes' },
            { key: 'entries', label: 'ENTRIES', type: 'count' },
            { key: 'files', label: 'FILES', type: 'count' },
            { key: 'took', label: 'TOOK', type: 'duration' },
            { key: 'rate', label: 'THROUGHPUT', type: 'bytes', perSecond: true },
            { key: 'sha256', label: 'SHA256', type: 'text' },
            { key: 'path', label: 'FILE', type: 'text' },
          ],
          rows: o.backups.map((b) => ({ id: b.id, volume: b.volume, size: b.bytes, format: format(b), data: b.dataBytes, entries: b.entries, files: b.files, took: b.durationMs, rate: rate(b), sha256: b.sha256, path: b.path })),
        },
        ...hooks,
      ],
      findings,
      notes,
    };
  },
});
