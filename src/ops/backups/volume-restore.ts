/**
 * volume_restore: puts a backup into a volume, on the backup's own engine or any other (seed
 * §5.2's restore-volume script and its disaster-recovery sequence, done properly). Destructive,
 * with a preview: the target and its current size, the containers that would be stopped, and
 * whether a safety backup is taken. In order: the archive is verified (sha256 and a full read)
 * before the target is touched; a target in use by running containers is refused unless
 * --force (then they are stopped and started again after, also on failure); a non-empty target
 * is backed up first (a safety backup, catalogued and named in the output, so the restore can be
 * undone); the target is emptied and the archive extracted through the engine; the root
 * directory gets its owner, mode and mtime back. If anything fails after the target was touched,
 * the safety backup is put back, or the error names it.
 */
import { z } from 'zod';
import { OpsError, toOpsError } from '../../core/errors.js';
import { join } from 'node:path';
import { backupVolume, recoverVolume } from '../../backup/backup-volume.js';
import { getBackup } from '../../backup/catalog.js';
import { isRunning, usersOf, withStopped } from '../../backup/consistency.js';
import { identityMissing, loadIdentities } from '../../backup/identity.js';
import { acquireLock, holdBackup, type Lease } from '../../backup/locks.js';
import { withEngineLock } from '../../backup/engine-lock.js';
import { checkArchive, fullReadDetail } from '../../backup/read-archive.js';
import { extractInto, volumeHasContent } from '../../backup/restore-volume.js';
import { checkResticArchive, extractResticInto, isResticRecord } from '../../backup/restic-read.js';
import { archivePath, exists, manifestName, storeDir } from '../../backup/store.js';
import type { BackupManifest } from '../../state/backup-record.js';
import type { AgeIdentity } from '../../backup/age.js';
import { recordVerification } from './backup-verify.js';
import { shortTime } from './backup-schemas.js';
import { hostField, volumeName } from '../shared/common-inputs.js';
import { formatBytes } from '../../core/format.js';
import { keyValues } from '../shared/view-parts.js';
import { defineOp, type Preview, type PreviewItem } from '../../core/op.js';
import type { ContainerSummary, Deps, EnginePort, VolumeDetail } from '../../core/ports.js';
import { VolumeUserSchema, usersByVolume, volumeSizes } from '../volumes/volume-usage.js';

const Input = z.strictObject({
  backupId: z.string().min(1).describe('backup to restore (an id from `storage-ops backups`)'),
  target: volumeName.describe('volume to restore into (its current content is replaced)'),
  host: hostField,
  create: z.boolean().default(false).describe('create the target volume when it does not exist (with the backup\'s labels)'),
  force: z.boolean().default(false).describe('stop running containers that use the target, and start them again afterwards'),
});
type Input = z.output<typeof Input>;

const Output = z.object({
  backupId: z.string(),
  source: z.object({ volume: z.string(), host: z.string(), createdAt: z.string() }),
  host: z.string().describe('engine the target volume is on'),
  target: z.string(),
  created: z.boolean().describe('the target volume was created by this restore'),
  safetyBackupId: z.string().nullable().describe('backup of the target taken first; restore it to undo (null: the target was empty)'),
  stoppedContainers: z.array(z.string()).describe('stopped for the restore and started again'),
  verification: z.string().describe('how the archive was checked before the target was touched'),
  restored: z.object({ entries: z.number().int(), files: z.number().int(), dataBytes: z.number(), tarBytes: z.number() }),
  durationMs: z.number(),
  volume: z
    .object({
      name: z.string(),
      driver: z.string(),
      mountpoint: z.string(),
      labels: z.record(z.string(), z.string()),
      size: z.number().nullable().describe('bytes after the restore; null when the driver cannot tell'),
      usedBy: z.array(VolumeUserSchema),
    })
    .describe('the target volume after the restore'),
});

interface Plan {
  record: BackupManifest;
  path: string;
  engine: EnginePort;
  target: VolumeDetail | null;
  sizeBytes: number | null;
  running: ContainerSummary[];
  nonEmpty: boolean;
  /** The target holds data, its safety backup would be encrypted, and no identity could put it back. */
  safetyUnrecoverable: boolean;
}

/** What a restore would do. The size and emptiness of the target are only needed for the preview. */
async function plan(deps: Deps, input: Input, signal: AbortSignal, forPreview: boolean): Promise<Plan> {
  const record = await getBackup(deps, input.backupId);
  const engine = deps.engines.get(input.host);
  // A restic backup is read through `restic dump`: there is no file here to look for.
  const path = isResticRecord(record) ? '' : archivePath(storeDir(deps), record);
  if (!isResticRecord(record) && !(await exists(path))) {
    throw new OpsError('not_found', `the archive of backup ${record.id} (${record.archive.file}) is missing from the store ${storeDir(deps)}`, {
      hint: '`storage-ops rescan-backups` brings the catalog in line with the store',
    });
  }
  const target = await engine.inspectVolume(input.target).catch((err: unknown) => {
    if (err instanceof OpsError && err.code === 'not_found') return null;
    throw err;
  });
  if (!target && !input.create) {
    throw new OpsError('not_found', `target volume "${input.target}" does not exist on host "${engine.host.name}"`, {
      hint: 'Add --create to create it, or name an existing volume',
    });
  }
  let running: ContainerSummary[] = [];
  let sizeBytes: number | null = null;
  let nonEmpty = false;
  if (target) {
    running = (await usersOf(engine, target.name)).filter(isRunning);
    if (forPreview) {
      sizeBytes = (await volumeSizes(engine).catch(() => null))?.size.get(target.name) ?? null;
      nonEmpty = await volumeHasContent(engine, target.name, signal);
    }
  }
  const safetyUnrecoverable = nonEmpty && deps.config.backup.encrypt && !(await loadIdentities(deps).catch(() => null));
  return { record, path, engine, target, sizeBytes, running, nonEmpty, safetyUnrecoverable };
}

function inUseError(p: Plan, target: string): OpsError {
  return new OpsError('conflict', `volume "${target}" on host "${p.engine.host.name}" is in use by running container(s) ${p.running.map((c) => c.name).join(', ')}; nothing was changed`, {
    hint: 'Stop them first, or add --force to stop them for the restore and start them again afterwards',
  });
}

function previewOfPlan(p: Plan, input: Input): Preview {
  const host = p.engine.host.name;
  const items: PreviewItem[] = [
    {
      kind: 'volume',
      id: `${host}/${input.target}`,
      name: input.target,
      sizeBytes: p.sizeBytes,
      action: p.target ? 'overwrite' : 'create',
      reason: `with backup ${p.record.id} of ${p.record.volume} on ${p.record.host} (${shortTime(p.record.createdAt)}, ${formatBytes(p.record.content.dataBytes)} in ${p.record.content.entries} entries)`,
    },
  ];
  for (const c of p.running) {
    items.push({
      kind: 'container',
      id: c.id,
      name: c.name,
      sizeBytes: null,
      action: input.force ? 'stop' : 'blocks',
      reason: input.force ? 'uses the target; started again after the restore' : 'uses the target; the restore is refused unless --force',
    });
  }
  if (p.nonEmpty) {
    items.push({ kind: 'backup', id: 'safety', name: `safety backup of ${input.target}`, sizeBytes: p.sizeBytes, action: 'create', reason: 'the target holds data: it is backed up first so the restore can be undone' });
  }
  const notes = [
    p.target || p.record.store
      ? 'The archive is verified (sha256 and a full read) before the target is touched.'
      : 'The archive is verified (sha256 and a full read) as it is extracted into the new volume; if it does not match, the new volume is removed again.',
    p.nonEmpty ? `A safety backup of ${input.target} is taken first; its id is in the output.` : 'The target is empty (or new): no safety backup is needed.',
  ];
  if (p.record.store) notes.push(`The backup is read from restic store ${p.record.store.name} (snapshot ${p.record.store.snapshotId.slice(0, 8)}, restic dump), in full before the target is touched and again into it.`);
  if (p.record.host !== host) notes.push(`Cross-host restore: the backup comes from ${p.record.host}, the target is on ${host}.`);
  if (p.record.archive.encryption) notes.push('The backup is encrypted: the age identity (backup.identityFile) is needed.');
  if (p.safetyUnrecoverable) notes.push(`Refused as it stands: the safety backup of ${input.target} would be encrypted and no age identity is configured here to put it back; set backup.identityFile, or restore into an empty or new volume.`);
  if (p.running.length && !input.force) notes.push(`Refused as it stands: ${p.running.map((c) => c.name).join(', ')} use the target; add --force.`);
  return {
    summary: `restore ${p.record.id} onto ${input.target} on ${host}${p.target ? '' : ' (new volume)'}`,
    items,
    totalBytes: p.sizeBytes ?? 0,
    notes,
    // The approval is for this very archive: a different file under the same id is refused.
    plan: { archiveSha256: p.record.archive.sha256 },
  };
}

/** The run must not widen what was approved: same target state, no new containers to stop. */
function checkAgainstPreview(p: Plan, input: Input, approved: Preview | undefined): void {
  if (!approved) return;
  const changed = (why: string): OpsError =>
    new OpsError('conflict', `the situation changed since the preview: ${why}; nothing was changed`, { hint: 'Look at the new preview and approve again' });
  const pinned = approved.plan?.archiveSha256;
  if (pinned !== undefined && pinned !== p.record.archive.sha256) throw changed(`backup ${p.record.id} is not the archive that was approved (sha256 ${String(pinned).slice(0, 12)}…, now ${p.record.archive.sha256.slice(0, 12)}…)`);
  const vol = approved.items.find((i) => i.kind === 'volume');
  if (vol && (vol.action === 'create') !== (p.target === null)) throw changed(p.target ? `volume ${input.target} now exists` : `volume ${input.target} is gone`);
  const approvedStops = new Set(approved.items.filter((i) => i.kind === 'container' && i.action === 'stop').map((i) => i.id));
  const extra = p.running.filter((c) => !approvedStops.has(c.id));
  if (input.force && extra.length) throw changed(`container(s) ${extra.map((c) => c.name).join(', ')} now use the target`);
}

async function identitiesFor(deps: Deps, m: BackupManifest, what: string): Promise<AgeIdentity[] | null> {
  if (!m.archive.encryption) return null;
  const ids = await loadIdentities(deps);
  if (!ids) throw identityMissing(m.id, what);
  return ids;
}

export const volumeRestore = defineOp({
  name: 'volume_restore',
  verb: 'restore',
  summary: 'Restore a backup into a volume, on any host, with a safety backup so it can be undone',
  description:
    'Verifies the archive before touching an existing target (into a new volume it is verified as it is extracted, and the volume is removed again on a mismatch). Refuses a target used by running containers unless --force (then stops them and starts them again after). Backs up a non-empty target first (the safety backup, named in the output: restore it to undo), empties the target, extracts, and shows the volume after. --host restores onto another engine (migration). If the restore fails midway, the safety backup is put back.',
  effect: 'destructive',
  long: true,
  input: Input,
  output: Output,
  cli: { positional: ['backupId', 'target'] },
  examples: ['db_data_20260130_021500 db_data --force', 'db_data_20260130_021500 db_data_copy --create', 'db_data_20260130_021500 db_data --host prod-2 --create'],
  async preview(deps, input, ctx) {
    return previewOfPlan(await plan(deps, input, ctx.signal, true), input);
  },
  async run(deps, input, ctx) {
    const t0 = performance.now();
    const p = await plan(deps, input, ctx.signal, false);
    if (p.running.length && !input.force) throw inUseError(p, input.target);
    checkAgainstPreview(p, input, ctx.preview);
    const identities = await identitiesFor(deps, p.record, 'restored');
    const host = p.engine.host.name;
    const holds: Lease[] = [];
    const lease = await acquireLock(deps, { kind: 'volume', host, volume: input.target }, { op: `restore of ${p.record.id}`, actor: ctx.actor.id });
    const releaseLocks = await withEngineLock(deps, p.engine, input.target, { op: `restore of ${p.record.id}`, actor: ctx.actor.id }, () => lease.release());
    try {
      // Helpers a killed run left on the target go now: with its lock held, none is in use.
      for (const gone of await p.engine.removeLeftoverHelpers(input.target)) deps.log.info(`restore onto ${input.target}: removed leftover helper container ${gone}`, { host });
      const notices = await recoverVolume(deps, p.engine, input.target, lease);
      // Held from here to the end of the extract: retention cannot delete the archive meanwhile.
      holds.push(await holdBackup(deps, p.record.id, { host, target: input.target }, { op: `restore onto ${input.target}`, actor: ctx.actor.id }));
      const hold = holds[0] as Lease;
      // A restic snapshot is checked by reading it below (restic dump fails when it was forgotten).
      if (!isResticRecord(p.record) && (!(await exists(p.path)) || !(await exists(join(storeDir(deps), manifestName(p.record.id)))))) {
        throw new OpsError('not_found', `backup ${p.record.id} was deleted (by retention, or by hand) before the restore could read it, so volume ${input.target} was not touched`, {
          hint: `Pick another backup: storage-ops backups ${p.record.volume}`,
        });
      }
      const signal = AbortSignal.any([ctx.signal, lease.lost, hold.lost]);
      // 1. Verify before anything is touched. Into a new volume nothing can be lost, so a local
      // archive is verified as it is extracted (one read of it instead of two: sha256, the full
      // decode and the counts, as verify does) and the new volume is removed again on a mismatch.
      const onePass = !p.target && !isResticRecord(p.record);
      let verification = 'verified while extracting into the new volume';
      if (!onePass) {
        const check = isResticRecord(p.record)
          ? await checkResticArchive(deps, p.record, { signal, onProgress: ctx.onProgress, subset: null })
          : await checkArchive(p.record, p.path, { identities, signal, onProgress: ctx.onProgress });
        await recordVerification(deps, p.record, { at: deps.now().toISOString(), ok: check.ok, level: check.level, detail: check.detail }, hold.token);
        if (!check.ok) {
          throw new OpsError('corrupt', `backup ${p.record.id} failed verification, so volume ${input.target} was not touched: ${check.problems.join('; ')}`, {
            hint: 'Use another backup (`storage-ops backups ' + p.record.volume + '`)',
          });
        }
        verification = check.detail;
      }
      // 2. Create the target when asked.
      let created = false;
      if (!p.target) {
        await p.engine.createVolume({ name: input.target, driver: 'local', driverOpts: {}, labels: p.record.labels });
        created = true;
      }
      // 3. Stop its users (--force), and whatever happens, start them again.
      const toStop = input.force ? p.running : [];
      const { value, stopped, restartErrors } = await withStopped(deps, p.engine, { containers: toStop, volume: input.target, lease, op: `restore of ${p.record.id}`, actor: ctx.actor.id }, async (windowSignal) => {
        const workSignal = AbortSignal.any([signal, windowSignal]);
        // Nobody may be using the target now: a container started meanwhile (or restarted by
        // its restart policy) would see its data replaced under it.
        const users = (await usersOf(p.engine, input.target)).filter(isRunning);
        if (users.length) {
          throw new OpsError('conflict', `volume ${input.target} is in use again by running container(s) ${users.map((c) => c.name).join(', ')}; it was not touched`, {
            hint: 'Stop them (or whatever restarts them), then run the restore again',
          });
        }
        const nonEmpty = created ? false : await volumeHasContent(p.engine, input.target, workSignal);
        // 4. Safety backup of a non-empty target; it must be possible to put it back.
        if (nonEmpty && deps.config.backup.encrypt && !(await loadIdentities(deps))) {
          throw new OpsError('config', `restore of ${p.record.id} refused before touching ${input.target}: its safety backup would be encrypted (backup.encrypt) and no age identity is configured, so it could not be put back if the restore failed`, {
            hint: 'Set backup.identityFile (or STORAGE_OPS_AGE_IDENTITY_FILE) on this machine, or restore into an empty or new volume',
          });
        }
        const safety = nonEmpty
          ? (
              await backupVolume(deps, p.engine, {
                volume: input.target,
                stop: false,
                compression: deps.config.backup.compression,
                encrypt: deps.config.backup.encrypt,
                kind: 'safety',
                reason: `taken before restoring ${p.record.id} onto ${input.target}`,
                actor: ctx.actor.id,
                signal: workSignal,
                onProgress: ctx.onProgress,
                inRestore: lease,
              }).catch((err: unknown) => {
                const e = toOpsError(err);
                throw new OpsError(e.code, `restore of ${p.record.id} stopped before touching ${input.target}: its safety backup failed: ${e.message}`, { hint: e.hint, cause: err });
              })
            ).record
          : null;
        if (safety) holds.push(await holdBackup(deps, safety.id, { host, target: input.target }, { op: `safety backup for the restore onto ${input.target}`, actor: ctx.actor.id }));
        // 5. Empty, extract, put the root's attributes back.
        let touched = false;
        try {
          if (nonEmpty) {
            touched = true;
            await p.engine.clearVolume(input.target, workSignal);
          }
          touched = true;
          const phase = onePass ? `verifying and restoring ${p.record.id}` : `restoring ${p.record.id}`;
          const summary = isResticRecord(p.record)
            ? await extractResticInto(deps, p.engine, p.record, input.target, { signal: workSignal, onProgress: ctx.onProgress, phase })
            : await extractInto(p.engine, p.record, p.path, input.target, { identities, signal: workSignal, onProgress: ctx.onProgress, phase });
          if (onePass) {
            verification = fullReadDetail(p.record, summary, ' while restoring');
            await recordVerification(deps, p.record, { at: deps.now().toISOString(), ok: true, level: 'full', detail: verification }, hold.token);
          }
          return { summary, safety };
        } catch (err) {
          if (!touched) throw err;
          const e = toOpsError(err);
          if (onePass && e.code === 'corrupt') {
            await recordVerification(deps, p.record, { at: deps.now().toISOString(), ok: false, level: 'full', detail: `verification failed: ${e.message}` }, hold.token).catch(() => undefined);
          }
          if (created) throw await removeCreated(deps, p.engine, input.target, e);
          throw await putBack(deps, p.engine, input.target, safety, e);
        }
      });
      for (const n of notices) deps.log.warn(n);
      if (restartErrors.length) {
        throw new OpsError('unavailable', `backup ${p.record.id} was restored onto ${input.target}${value.safety ? ` (safety backup ${value.safety.id})` : ''}, but starting the stopped container(s) again failed: ${restartErrors.join('; ')}`, {
          hint: `Start them by hand: docker start ${stopped.join(' ')}`,
        });
      }
      deps.log.info('restore done', { backup: p.record.id, target: input.target, host, safety: value.safety?.id ?? null });
      // 6. The volume after.
      const after = await p.engine.inspectVolume(input.target);
      const [containers, sizes] = await Promise.all([p.engine.listContainers({ all: true }), volumeSizes(p.engine).catch(() => null)]);
      const s = value.summary;
      return {
        backupId: p.record.id,
        source: { volume: p.record.volume, host: p.record.host, createdAt: p.record.createdAt },
        host,
        target: input.target,
        created,
        safetyBackupId: value.safety?.id ?? null,
        stoppedContainers: stopped,
        verification,
        restored: { entries: s.entries, files: s.files, dataBytes: s.dataBytes, tarBytes: s.tarBytes },
        durationMs: Math.round(performance.now() - t0),
        volume: {
          name: after.name,
          driver: after.driver,
          mountpoint: after.mountpoint,
          labels: after.labels,
          size: sizes?.size.get(after.name) ?? null,
          usedBy: usersByVolume(containers).get(after.name) ?? [],
        },
      };
    } finally {
      for (const h of holds) await h.release();
      await releaseLocks();
    }
  },
  view(o) {
    const notes = o.safetyBackupId
      ? [`undo: storage-ops restore ${o.safetyBackupId} ${o.target} --host ${o.host} --force --yes`]
      : ['the target was empty: no safety backup was needed'];
    return {
      title: `Restore of ${o.backupId}`,
      summary: `Restored ${o.backupId} (${o.source.volume} on ${o.source.host}, ${shortTime(o.source.createdAt)}) onto ${o.target} on ${o.host}${o.created ? ' (created)' : ''}.`,
      fields: [
        { label: 'Verified', value: o.verification },
        { label: 'Entries', value: o.restored.entries, type: 'count' },
        { label: 'Files', value: o.restored.files, type: 'count' },
        { label: 'Data', value: o.restored.dataBytes, type: 'bytes' },
        { label: 'Took', value: o.durationMs, type: 'duration' },
        { label: 'Safety backup', value: o.safetyBackupId ?? 'none' },
        ...(o.stoppedContainers.length ? [{ label: 'Stopped and started again', value: o.stoppedContainers.join(', ') }] : []),
        { label: 'Name', value: o.volume.name },
        { label: 'Host', value: o.host },
        { label: 'Driver', value: o.volume.driver },
        { label: 'Mountpoint', value: o.volume.mountpoint },
        { label: 'Labels', value: keyValues(o.volume.labels) },
        { label: 'Size', value: o.volume.size, type: 'bytes' },
        { label: 'Used by', value: o.volume.usedBy.map((u) => `${u.name} (${u.state})`).join(', ') || '-' },
      ],
      notes,
    };
  },
});

/** After a failure in a volume this restore created: the volume goes again. Returns the error to throw. */
async function removeCreated(deps: Deps, engine: EnginePort, target: string, cause: OpsError): Promise<OpsError> {
  const what = cause.code === 'cancelled' ? cause.message : `restore into the new volume ${target} failed: ${cause.message}`;
  try {
    await engine.removeVolume(target);
    return new OpsError(cause.code, `${what}; the new volume ${target} was removed again`, { hint: cause.hint, cause });
  } catch (err) {
    deps.log.warn('restore failed and removing the volume it created failed too', { target, host: engine.host.name, error: toOpsError(err).message });
    return new OpsError(cause.code, `${what}; removing the new volume ${target} failed too (${toOpsError(err).message}), so it may hold part of the backup`, {
      hint: `Remove it: docker volume rm ${target}`,
      cause,
    });
  }
}

/**
 * After a failure that touched the target: empties it and extracts the safety backup, never
 * cancellable (the original signal may be what failed). Returns the error to throw.
 */
async function putBack(deps: Deps, engine: EnginePort, target: string, safety: BackupManifest | null, cause: OpsError): Promise<OpsError> {
  const what = cause.code === 'cancelled' ? `${cause.message}` : `restore onto ${target} failed midway: ${cause.message}`;
  if (!safety) {
    return new OpsError(cause.code, `${what}; the target was empty before, and may now hold part of the backup`, {
      hint: `Empty it or run the restore again`,
      cause,
    });
  }
  try {
    const ids = await identitiesFor(deps, safety, 'put back');
    const signal = new AbortController().signal;
    await engine.clearVolume(target, signal);
    await extractInto(engine, safety, archivePath(storeDir(deps), safety), target, { identities: ids, signal, onProgress: () => undefined, phase: `putting back ${safety.id}` });
    deps.log.warn('restore failed; the safety backup was put back', { target, host: engine.host.name, safety: safety.id, error: cause.message });
    return new OpsError(cause.code, `${what}; the previous content of ${target} was put back from the safety backup ${safety.id}`, { hint: cause.hint, cause });
  } catch (err) {
    deps.log.error('restore failed and putting back the safety backup failed too', { target, host: engine.host.name, safety: safety.id, error: toOpsError(err).message });
    return new OpsError(cause.code, `${what}; putting back the safety backup ${safety.id} failed too (${toOpsError(err).message})`, {
      hint: `Restore it by hand: storage-ops restore ${safety.id} ${target} --host ${engine.host.name} --force --yes`,
      cause,
    });
  }
}
