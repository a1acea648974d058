/**
 * Backing up one volume: the procedure behind `volume_backup` and behind the safety backup a
 * restore takes first. The volume's tar stream comes from the engine's archive API and flows,
 * without ever being held in memory, through a header walker (entry counts), a progress meter,
 * the compressor and optionally age encryption into a temporary file in the store, hashed on
 * the way. Only a complete archive is committed (fsync, link to its final name, manifest, catalog
 * record); any failure or cancellation removes the temporary file and records nothing.
 */
import { readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OpsError, toOpsError } from '../core/errors.js';
import type { Progress } from '../core/op.js';
import type { ContainerSummary, Deps, EnginePort, VolumeDetail } from '../core/ports.js';
import { MANIFEST_FORMAT, type BackupManifest } from '../state/backup-record.js';
import { AgeEncryptStream, requireAge } from './age.js';
import { AtomicFileWriter, fsyncDir, NameTakenError } from './atomic-file.js';
import { addBackup, listBackups } from './catalog.js';
import { compressStream, archiveExtension, requireCompressor, type Compression } from './compression.js';
import { isRunning, runHooks, stopReason, usersOf, withStopped, type HookRun } from './consistency.js';
import { acquireLock, liveTokens, type Lease } from './locks.js';
import { recoverStopped } from './stop-records.js';
import { withEngineLock } from './engine-lock.js';
import { ProgressMeter } from './progress.js';
import { errnoText, isAbort, runStages, StageError, type Stage } from './stages.js';
import { candidateIds, ensureStore, exists, manifestName, removeDeadPartials, storeDir, tmpName, writeManifest } from './store.js';
import { TarScanStream } from './tar-scan.js';
import { writeResticArchive } from './restic-backup.js';
import { ensureRepository, requireRestic, type StoreChoice } from './restic-store.js';

export interface BackupOptions {
  volume: string;
  /** Stop the running containers using the volume while it is read (--stop). */
  stop: boolean;
  compression: Compression;
  encrypt: boolean;
  kind: BackupManifest['kind'];
  reason: string | null;
  actor: string;
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
  /**
   * Set by restore for its safety backup: it already holds the volume's lock (this lease) and has
   * stopped the users itself, so no lock, no hooks and no stopping here.
   */
  inRestore?: Lease;
  /** Where it goes: the local store (default) or a restic store (never for safety backups). */
  store?: StoreChoice;
}

export interface BackupOutcome {
  record: BackupManifest;
  path: string;
  stoppedContainers: string[];
  stopReason: string | null;
  /** Pre and post commands that ran. */
  hooks: HookRun[];
  warnings: string[];
}

let version: string | null = null;
function toolVersion(): string {
  if (version === null) {
    try {
      version = String((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown');
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

/** A store write error as the operator needs to read it. */
export function storeWriteError(err: unknown, dir: string, what: string): OpsError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new OpsError('unavailable', `${what} failed: the backup store ${dir} is full (${code})`, {
      hint: 'Free space there, prune old backups (`storage-ops prune-backups`), or point backup.dir at a larger filesystem; nothing was left behind',
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new OpsError('forbidden', `${what} failed: no permission to write in the backup store ${dir} (${code})`, { hint: 'Check the owner and mode of backup.dir' });
  }
  if (code === 'EROFS') return new OpsError('unavailable', `${what} failed: the backup store ${dir} is read-only (EROFS)`);
  return new OpsError('unavailable', `${what} failed while writing to the backup store ${dir}: ${errnoText(err)}`, { cause: err });
}

function stageFailure(err: unknown, ctx: { volume: string; host: string; dir: string; bytesRead: number }): OpsError {
  const what = `backup of volume ${ctx.volume} on ${ctx.host}`;
  const stage = err instanceof StageError ? err.stage : 'pipeline';
  const cause = err instanceof StageError ? err.cause : err;
  if (stage === 'cancelled' || isAbort(cause)) return new OpsError('cancelled', `${what} was cancelled; nothing was kept`);
  switch (stage) {
    case 'engine':
    case 'tar':
      return new OpsError('unavailable', `${what} failed: the engine stopped sending the volume's content after ${ctx.bytesRead} bytes (${errnoText(cause)})`, {
        hint: 'Check that the engine runs (`storage-ops hosts`) and try again; nothing was written to the backup store',
      });
    case 'store':
      return storeWriteError(cause, ctx.dir, what);
    case 'compress':
    case 'encrypt':
      return new OpsError(cause instanceof OpsError ? cause.code : 'internal', `${what} failed while ${stage === 'compress' ? 'compressing' : 'encrypting'}: ${errnoText(cause)}`, {
        hint: 'Nothing was written to the backup store',
      });
    default:
      return toOpsError(cause, what);
  }
}

async function pickId(deps: Deps, dir: string, volume: string, at: Date, ext: string, taken: Set<string>): Promise<string> {
  const catalogIds = new Set((await listBackups(deps, { volume })).map((r) => r.id));
  for (const id of candidateIds(volume, at)) {
    if (taken.has(id) || catalogIds.has(id)) continue;
    if (await exists(join(dir, manifestName(id)))) continue;
    if (await exists(join(dir, `${id}${ext}`))) continue;
    return id;
  }
  throw new OpsError('conflict', `no free backup id for ${volume} at ${at.toISOString()}`);
}

/** Writes the archive and commits it; the caller has taken care of locks, hooks and stopping. */
async function writeArchive(
  deps: Deps,
  engine: EnginePort,
  volume: VolumeDetail,
  opts: BackupOptions,
  run: { lease: Lease; signal: AbortSignal; stopped: () => string[]; hooks: HookRun[] },
): Promise<{ record: BackupManifest; path: string }> {
  const signal = run.signal;
  const dir = storeDir(deps);
  await ensureStore(dir);
  const started = deps.now();
  const t0 = performance.now();
  const encrypted = opts.encrypt;
  const recipients = encrypted ? [...deps.config.backup.recipients] : [];
  const ext = archiveExtension(opts.compression, encrypted);
  const level = deps.config.backup.compressionLevel;

  const writer = new AtomicFileWriter(dir, tmpName(`${volume.name}${ext}`, run.lease.token));
  let archive: Awaited<ReturnType<EnginePort['exportVolume']>> | null = null;
  const meter = new ProgressMeter(`backing up ${volume.name}`, opts.onProgress);
  const scan = new TarScanStream(undefined, meter);
  try {
    // The size estimate: the tar size of this volume's last backup, else `docker system df`
    // (arriving while the stream already runs). The latter makes the engine walk every volume
    // on the host, competing with the archive read for the engine's CPU and disk (measured: 0.2 s
    // of engine CPU beside 0.7 s for reading a volume of 40,000 small files), so it is only the fallback.
    const previous = (await listBackups(deps, { volume: volume.name, host: engine.host.name }))[0];
    if (previous) meter.total = previous.content.tarBytes;
    else {
      void engine.systemDf().then(
        (df) => {
          const v = df.volumes.find((x) => x.name === volume.name);
          if (v && v.size !== null && meter.total === undefined) meter.total = v.size;
        },
        () => undefined,
      );
    }
    archive = await engine.exportVolume(volume.name, signal);
    const stages: Stage[] = [
      { name: 'engine', stream: archive.stream },
      { name: 'tar', stream: scan },
      { name: 'compress', stream: compressStream(opts.compression, level) },
      ...(encrypted ? [{ name: 'encrypt', stream: new AgeEncryptStream(recipients) }] : []),
      { name: 'store', stream: writer },
    ];
    try {
      await runStages(stages, signal);
    } catch (err) {
      throw stageFailure(err, { volume: volume.name, host: engine.host.name, dir, bytesRead: meter.done });
    }
    if (signal.aborted) throw new OpsError('cancelled', `backup of volume ${volume.name} was cancelled; nothing was kept`);

    const taken = new Set<string>();
    for (;;) {
      const id = await pickId(deps, dir, volume.name, started, ext, taken);
      const file = `${id}${ext}`;
      try {
        await writer.commit(file);
      } catch (err) {
        if (err instanceof NameTakenError) {
          taken.add(id);
          continue;
        }
        throw storeWriteError(err, dir, `backup of volume ${volume.name}`);
      }
      const s = scan.summary;
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
        archive: {
          file,
          bytes: writer.bytes,
          sha256: writer.sha256(),
          format: 'tar',
          compression: opts.compression,
          encryption: encrypted ? { format: 'age', recipients } : null,
        },
        content: {
          tarBytes: s.tarBytes,
          entries: s.entries,
          files: s.files,
          dirs: s.dirs,
          symlinks: s.symlinks,
          hardlinks: s.hardlinks,
          others: s.others,
          dataBytes: s.dataBytes,
          root: s.root,
        },
        consistency: { stoppedContainers: run.stopped(), hooks: run.hooks },
        verification: null,
        tool: { name: 'storage-ops', version: toolVersion() },
      };
      const path = join(dir, file);
      try {
        await writeManifest(dir, record, run.lease.token);
      } catch (err) {
        await unlink(path).catch(() => undefined);
        await fsyncDir(dir).catch(() => undefined);
        throw storeWriteError(err, dir, `backup of volume ${volume.name} (writing its manifest)`);
      }
      try {
        await addBackup(deps, record);
      } catch (err) {
        // A backup that is not in the catalog must not exist either: take it back.
        await unlink(join(dir, manifestName(id))).catch(() => undefined);
        await unlink(path).catch(() => undefined);
        await fsyncDir(dir).catch(() => undefined);
        const e = toOpsError(err);
        throw new OpsError(e.code, `backup of volume ${volume.name} was written but could not be catalogued, so it was removed again: ${e.message}`, { hint: e.hint, cause: err });
      }
      deps.log.info('backup written', { id, volume: volume.name, host: engine.host.name, bytes: record.archive.bytes, entries: record.content.entries, durationMs: record.durationMs });
      return { record, path };
    }
  } catch (err) {
    await closeWriter(writer);
    await writer.discard();
    throw err;
  } finally {
    if (archive) await archive.close();
  }
}

/** Destroys the writer and waits until its file handle is closed (its temp file may then go). */
async function closeWriter(w: AtomicFileWriter): Promise<void> {
  if (w.closed) return;
  const closed = new Promise<void>((resolve) => w.once('close', () => resolve()));
  w.destroy();
  await closed;
}

/** Backs up one volume with everything around it: lock, hooks, stop/restart. */
export async function backupVolume(deps: Deps, engine: EnginePort, opts: BackupOptions): Promise<BackupOutcome> {
  const volume = await engine.inspectVolume(opts.volume);
  const restic = opts.store?.kind === 'restic' && !opts.inRestore ? opts.store.config : null;
  if (restic) requireRestic(`the backup of ${opts.volume} into restic store "${restic.name}"`);
  else requireCompressor(opts.compression);
  // restic encrypts every repository with its own key; age applies to the local store only.
  if (!restic && opts.encrypt && deps.config.backup.recipients.length === 0) {
    throw new OpsError('config', `cannot encrypt the backup of ${opts.volume}: no recipients are configured`, {
      hint: 'Add age public keys (age1..., from `age-keygen -y key.txt`) to backup.recipients',
    });
  }
  if (!restic && opts.encrypt) requireAge(`encrypting the backup of ${opts.volume}`);
  if (opts.inRestore) {
    const { record, path } = await writeArchive(deps, engine, volume, opts, { lease: opts.inRestore, signal: opts.signal, stopped: () => [], hooks: [] });
    return { record, path, stoppedContainers: [], stopReason: null, hooks: [], warnings: [] };
  }

  const lease = await acquireLock(deps, { kind: 'volume', host: engine.host.name, volume: volume.name }, { op: 'backup', actor: opts.actor });
  const releaseLocks = await withEngineLock(deps, engine, volume.name, { op: 'backup', actor: opts.actor }, () => lease.release());
  try {
    // Helpers a killed run left on this volume go now: with its lock held, none is in use.
    for (const gone of await engine.removeLeftoverHelpers(volume.name)) deps.log.info(`backup of ${volume.name}: removed leftover helper container ${gone}`, { host: engine.host.name });
    const warnings = await recoverVolume(deps, engine, volume.name, lease);
    const users = await usersOf(engine, volume.name);
    const running = users.filter(isRunning);
    const reason = stopReason(opts.stop, volume, users);
    // A missing program, a wrong password or an uninitialised repository fails before any hook
    // runs or container stops; with nobody to disturb, the backup finds out itself and saves a
    // restic run (a key derivation).
    if (restic && running.length) await ensureRepository(deps, restic, `the backup of ${opts.volume} into restic store "${restic.name}"`, opts.signal);
    const pre = await runHooks(engine, running, 'pre', volume.name, opts.signal);
    const toStop: ContainerSummary[] = reason ? running : [];
    if (toStop.length) opts.onProgress({ phase: stoppingPhase(toStop, deps.config.backup.stopTimeoutSeconds) });
    // writeArchive only runs once every container in toStop has stopped.
    const consistency = { stopped: () => toStop.map((c) => c.name), hooks: pre.runs };
    const { value, stopped, restartErrors } = await withStopped(deps, engine, { containers: toStop, volume: volume.name, lease, op: 'backup', actor: opts.actor }, async (windowSignal) => {
      if (toStop.length) opts.onProgress({ phase: await stoppedPhase(engine, toStop, deps.config.backup.stopTimeoutSeconds) });
      const signal = AbortSignal.any([opts.signal, windowSignal, lease.lost]);
      return restic
        ? writeResticArchive(deps, engine, volume, restic, { ...opts, signal, toolVersion: toolVersion() }, consistency)
        : writeArchive(deps, engine, volume, opts, { ...consistency, lease, signal });
    });
    // Post commands run once the containers are back.
    const fresh = reason ? (await usersOf(engine, volume.name)).filter(isRunning) : running;
    const post = await runHooks(engine, fresh, 'post', volume.name, opts.signal).catch((err: unknown) => ({ runs: [], warnings: [toOpsError(err).message] }));
    warnings.push(...pre.warnings, ...post.warnings);
    if (restartErrors.length) {
      throw new OpsError('unavailable', `backup ${value.record.id} of volume ${volume.name} was written, but restarting the container(s) stopped for it failed: ${restartErrors.join('; ')}`, {
        hint: `Start them by hand: docker start ${stopped.join(' ')}`,
      });
    }
    return { record: value.record, path: value.path, stoppedContainers: stopped, stopReason: reason, hooks: [...pre.runs, ...post.runs], warnings };
  } finally {
    await releaseLocks();
  }
}

/**
 * What a dead run left on this volume, put right under its lock before anything else: the
 * containers it stopped are started again, its temporary files removed. Returns notices.
 */
export async function recoverVolume(deps: Deps, engine: EnginePort, volume: string, lease: Lease): Promise<string[]> {
  const notices = (await recoverStopped(deps, { host: engine.host.name, volume, lease })).map((r) => r.notice);
  const removed = await removeDeadPartials(storeDir(deps), await liveTokens(deps), volume).catch(() => [] as string[]);
  if (removed.length) deps.log.info('removed temporary files of interrupted runs', { volume, files: removed });
  return notices;
}

/** What `--stop` is doing while it waits, so the wait is not silent. */
function stoppingPhase(containers: ContainerSummary[], timeoutSeconds: number | undefined): string {
  const wait = timeoutSeconds === undefined ? "each gets its own stop timeout (Docker's default: 10 s)" : `each gets up to ${timeoutSeconds} s`;
  return `stopping ${containers.map((c) => c.name).join(', ')} (${wait}, then is killed); they start again after the backup`;
}

/** Which containers had to be killed: a SIGKILL exit (137) means the stop timeout ran out. */
async function stoppedPhase(engine: EnginePort, containers: ContainerSummary[], timeoutSeconds: number | undefined): Promise<string> {
  const ids = new Set(containers.map((c) => c.id));
  const now = await engine.listContainers({ all: true }).catch(() => [] as ContainerSummary[]);
  const killed = now.filter((c) => ids.has(c.id) && /\(137\)/.test(c.status)).map((c) => c.name);
  const after = timeoutSeconds === undefined ? 'its stop timeout' : `${timeoutSeconds} s`;
  return killed.length ? `stopped ${containers.length}; killed ${killed.join(', ')} after ${after} (it did not stop in time)` : `stopped ${containers.map((c) => c.name).join(', ')}`;
}
