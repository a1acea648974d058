/**
 * Writing a backup into a restic store: the volume's tar stream (the same engine export the
 * local store uses) is walked (entry counts), hashed (sha256) and piped into
 * `restic backup --stdin`, whose JSON status lines drive the progress. The snapshot carries tags
 * that let the catalog be rebuilt from the repository alone: `storage-ops`, `volume=`, `host=`,
 * `id=`, `kind=`, `created=`, and, once the stream is complete, `sha256=`, `content=` (the tar
 * counts) and `root=` (the volume root's owner, mode, mtime). A snapshot without `sha256=` is an
 * interrupted backup. Failure records nothing; a snapshot that was written but could not be
 * catalogued is forgotten again.
 */
import { OpsError, toOpsError } from '../core/errors.js';
import type { Progress } from '../core/op.js';
import type { EnginePort, Deps, VolumeDetail } from '../core/ports.js';
import { MANIFEST_FORMAT, type BackupManifest, type HookRunSchema } from '../state/backup-record.js';
import { contentTag, rootTag } from './restic-tags.js';
import type { z } from 'zod';
import { addBackup, listBackups } from './catalog.js';
import { ProgressMeter } from './progress.js';
import { HashTap } from './read-archive.js';
import { ResticJsonSink } from './restic-progress.js';
import { compressionArgs, ensureRepository, listSnapshots, resticStream, runResticExclusive, tagValue } from './restic-store.js';
import type { ProcessStream } from './process-stream.js';
import type { ResticStoreConfig } from '../config/restic-store-config.js';
import { errnoText, isAbort, runStages, StageError } from './stages.js';
import { candidateIds } from './store.js';
import { TarScanStream } from './tar-scan.js';

export interface ResticWriteOptions {
  kind: BackupManifest['kind'];
  reason: string | null;
  actor: string;
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
  toolVersion: string;
}

async function pickResticId(deps: Deps, volume: string, at: Date): Promise<string> {
  const taken = new Set((await listBackups(deps, { volume })).map((r) => r.id));
  for (const id of candidateIds(volume, at)) if (!taken.has(id)) return id;
  throw new OpsError('conflict', `no free backup id for ${volume} at ${at.toISOString()}`);
}

function failure(err: unknown, what: string, bytesRead: number): OpsError {
  const stage = err instanceof StageError ? err.stage : 'pipeline';
  const cause = err instanceof StageError ? err.cause : err;
  if (stage === 'cancelled' || isAbort(cause)) return new OpsError('cancelled', `${what} was cancelled; nothing was kept`);
  if (stage === 'engine' || stage === 'tar') {
    return new OpsError('unavailable', `${what} failed: the engine stopped sending the volume's content after ${bytesRead} bytes (${errnoText(cause)})`, {
      hint: 'Check that the engine runs (`storage-ops hosts`) and try again; restic wrote no snapshot',
    });
  }
  if (cause instanceof OpsError) return cause;
  return toOpsError(cause, what);
}

/** One pass of the volume's tar stream through the walker and the hash into `restic backup`. */
async function streamInto(engine: EnginePort, volume: string, startRestic: () => Promise<ProcessStream>, meter: ProgressMeter, signal: AbortSignal, what: string): Promise<{ scan: TarScanStream; hash: HashTap; sink: ResticJsonSink }> {
  const scan = new TarScanStream();
  const hash = new HashTap();
  const sink = new ResticJsonSink((delta) => meter.count(delta));
  const archive = await engine.exportVolume(volume, signal);
  try {
    // Started only now, right before the pipeline listens to it: restic can fail at once (no
    // repository, wrong password), and that error must reach the pipeline, not an empty room.
    const restic = await startRestic();
    await runStages(
      [
        { name: 'engine', stream: archive.stream },
        { name: 'tar', stream: scan },
        { name: 'hash', stream: hash },
        { name: 'restic', stream: restic },
        { name: 'json', stream: sink },
      ],
      signal,
    );
  } catch (err) {
    throw failure(err, what, scan.summary.tarBytes);
  } finally {
    await archive.close();
  }
  return { scan, hash, sink };
}

/** Streams the volume into the store and catalogues the snapshot. The caller holds the lock and did hooks/stopping. */
export async function writeResticArchive(
  deps: Deps,
  engine: EnginePort,
  volume: VolumeDetail,
  store: ResticStoreConfig,
  opts: ResticWriteOptions,
  consistency: { stopped: () => string[]; hooks: Array<z.output<typeof HookRunSchema>> },
): Promise<{ record: BackupManifest; path: string }> {
  const what = `backup of volume ${volume.name} on ${engine.host.name} into restic store "${store.name}"`;
  const started = deps.now();
  const t0 = performance.now();
  const id = await pickResticId(deps, volume.name, started);
  const file = `${volume.name}.tar`;
  const meter = new ProgressMeter(`backing up ${volume.name} to ${store.name}`, opts.onProgress);
  void engine.systemDf().then(
    (df) => {
      const v = df.volumes.find((x) => x.name === volume.name);
      if (v && v.size !== null) meter.total = v.size;
    },
    () => undefined,
  );
  const tags = ['storage-ops', `volume=${volume.name}`, `host=${engine.host.name}`, `id=${id}`, `kind=${opts.kind}`, `created=${started.toISOString()}`];
  const args = ['backup', '--stdin', '--stdin-filename', file, '--json', '--host', engine.host.name, ...compressionArgs(store), ...tags.flatMap((t) => ['--tag', t])];
  // Each restic run pays the repository's key derivation (~0.5 s), so the repository is not
  // opened first: the backup itself says when it is missing, and a store with init: true is
  // then created and the backup run again (the engine's stream is read anew).
  const attempt = (): ReturnType<typeof streamInto> => streamInto(engine, volume.name, () => resticStream(deps, store, args, what), meter, opts.signal, what);
  const { scan, hash, sink } = await attempt().catch(async (err: unknown) => {
    if (!(store.init && err instanceof OpsError && err.code === 'not_found')) throw err;
    await ensureRepository(deps, store, what, opts.signal);
    return attempt();
  });
  meter.finish();
  if (!sink.summary) throw new OpsError('internal', `${what}: restic ended without reporting a snapshot${sink.errors.length ? ` (${sink.errors.slice(-2).join('; ')})` : ''}`);
  const s = scan.summary;
  const sha256 = hash.digest();
  // Complete: the tags that make the snapshot a catalogued backup (this rewrites the snapshot, so its id changes).
  let snapshotId: string;
  try {
    await runResticExclusive(deps, store, ['tag', '--add', `sha256=${sha256}`, '--add', contentTag(s), '--add', rootTag(s.root), sink.summary.snapshotId], { what: `${what} (tagging the snapshot)` });
    const found = (await listSnapshots(deps, store, ['storage-ops', `id=${id}`], `${what} (finding the snapshot)`)).filter((x) => tagValue(x, 'sha256') === sha256);
    const snap = found[found.length - 1];
    if (!snap) throw new OpsError('internal', `${what}: the tagged snapshot of ${id} is not in the repository`);
    snapshotId = snap.id;
  } catch (err) {
    await forgetQuietly(deps, store, [sink.summary.snapshotId], what);
    throw err;
  }
  const record: BackupManifest = {
    format: MANIFEST_FORMAT,
    id,
    kind: opts.kind,
    reason: opts.reason,
    volume: volume.name,
    host: engine.host.name,
    volumeDriver: volume.driver,
    labels: volume.labels,
    createdAt: started.toISOString(),
    finishedAt: deps.now().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    actor: opts.actor,
    archive: { file, bytes: s.tarBytes, sha256, format: 'tar', compression: 'none', encryption: null },
    content: { tarBytes: s.tarBytes, entries: s.entries, files: s.files, dirs: s.dirs, symlinks: s.symlinks, hardlinks: s.hardlinks, others: s.others, dataBytes: s.dataBytes, root: s.root },
    consistency: { stoppedContainers: consistency.stopped(), hooks: consistency.hooks },
    verification: null,
    tool: { name: 'storage-ops', version: opts.toolVersion },
    store: { name: store.name, kind: 'restic', snapshotId, path: `/${file}`, addedBytes: sink.summary.dataAdded },
  };
  try {
    await addBackup(deps, record);
  } catch (err) {
    await forgetQuietly(deps, store, [snapshotId], what);
    const e = toOpsError(err);
    throw new OpsError(e.code, `${what}: the snapshot was written but could not be catalogued, so it was forgotten again: ${e.message}`, { hint: e.hint, cause: err });
  }
  deps.log.info('backup written to restic', { id, volume: volume.name, host: engine.host.name, store: store.name, snapshot: snapshotId.slice(0, 8), tarBytes: s.tarBytes, addedBytes: sink.summary.dataAdded, durationMs: record.durationMs });
  return { record, path: resticLocation(record) };
}

/** How a restic backup is named for people: `offsite:1a2b3c4d:/db_data.tar`. */
export function resticLocation(m: BackupManifest): string {
  return m.store ? `${m.store.name}:${m.store.snapshotId.slice(0, 8)}:${m.store.path}` : m.archive.file;
}

async function forgetQuietly(deps: Deps, store: ResticStoreConfig, ids: string[], what: string): Promise<void> {
  await runResticExclusive(deps, store, ['forget', ...ids], { what: `${what} (taking the snapshot back)` }).catch((err: unknown) =>
    deps.log.warn('could not forget an uncatalogued restic snapshot', { store: store.name, snapshots: ids.map((i) => i.slice(0, 8)), error: toOpsError(err).message }),
  );
}
