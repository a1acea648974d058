/**
 * Reading a backup back out of a restic store: `restic dump <snapshot> <path>` streams the tar
 * file of the snapshot, which is hashed (sha256, compared with the catalog) and walked as tar
 * (counts compared) on its way to a sink (verify) or the engine's archive API (restore). Verify
 * also runs `restic check --read-data-subset` on the repository, so the pack files restic keeps
 * are checked against their own hashes, a sample at a time.
 */
import { Writable } from 'node:stream';
import { OpsError } from '../core/errors.js';
import type { Progress } from '../core/op.js';
import type { Deps, EnginePort } from '../core/ports.js';
import type { BackupManifest } from '../state/backup-record.js';
import { ProgressMeter } from './progress.js';
import { compareContent, HashTap, type ArchiveCheck } from './read-archive.js';
import { streamIntoVolume } from './restore-volume.js';
import { resticStoreNamed, resticStream, runResticExclusive } from './restic-store.js';
import { errnoText, isAbort, runStages, StageError, type Stage } from './stages.js';
import { TarScanStream, type TarSummary } from './tar-scan.js';

type ResticRecord = BackupManifest & { store: NonNullable<BackupManifest['store']> };

export function isResticRecord(m: BackupManifest): m is ResticRecord {
  return m.store !== undefined;
}

function sink(): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(_c, _e, cb) {
      cb();
    },
  });
}

async function dumpStages(deps: Pick<Deps, 'config' | 'dataDir'>, m: ResticRecord, meter: ProgressMeter, tree = false): Promise<{ stages: Stage[]; hash: HashTap; scan: TarScanStream }> {
  const store = resticStoreNamed(deps, m.store.name, `backup ${m.id}`);
  const dump = await resticStream(deps, store, ['dump', m.store.snapshotId, m.store.path], `reading backup ${m.id} from restic store "${store.name}"`);
  // restic dump reads nothing: its stdin is closed at once.
  dump.end();
  const hash = new HashTap();
  const scan = new TarScanStream(undefined, undefined, { tree });
  return {
    stages: [
      { name: 'restic', stream: dump },
      { name: 'progress', stream: meter },
      { name: 'hash', stream: hash },
      { name: 'tar', stream: scan },
    ],
    hash,
    scan,
  };
}

function dumpFailure(err: unknown, m: ResticRecord): OpsError {
  const stage = err instanceof StageError ? err.stage : 'pipeline';
  const cause = err instanceof StageError ? err.cause : err;
  if (stage === 'cancelled' || isAbort(cause)) return new OpsError('cancelled', `reading backup ${m.id} was cancelled`);
  if (cause instanceof OpsError && stage === 'restic') return cause;
  if (stage === 'tar') return new OpsError('corrupt', `backup ${m.id} in restic store "${m.store.name}" is damaged: reading it as tar failed: ${errnoText(cause)}`, { hint: 'Use another backup of this volume (`storage-ops backups`)' });
  return cause instanceof OpsError ? cause : new OpsError('unavailable', `reading backup ${m.id} from restic store "${m.store.name}" failed: ${errnoText(cause)}`);
}

function mismatches(m: ResticRecord, sha256: string, s: TarSummary): string[] {
  const out: string[] = [];
  if (sha256 !== m.archive.sha256) out.push(`sha256 mismatch: the tar stream restic returns hashes to ${sha256}, the catalog says ${m.archive.sha256}`);
  out.push(...compareContent(m, s));
  return out;
}

/**
 * Checks a restic backup: `restic check --read-data-subset SUBSET` on its repository (unless
 * subset is null), then a full read of the snapshot's tar with its sha256 and counts compared.
 */
export async function checkResticArchive(
  deps: Pick<Deps, 'config' | 'dataDir'>,
  m: ResticRecord,
  opts: { signal: AbortSignal; onProgress: (p: Progress) => void; subset: string | null },
): Promise<ArchiveCheck> {
  const store = resticStoreNamed(deps, m.store.name, `backup ${m.id}`);
  const problems: string[] = [];
  let checked = '';
  if (opts.subset !== null) {
    opts.onProgress({ phase: `restic check of store ${store.name}`, message: `restic check --read-data-subset ${opts.subset}` });
    try {
      await runResticExclusive(deps, store, ['check', '--read-data-subset', opts.subset], { what: `checking restic store "${store.name}"`, signal: opts.signal });
      checked = `restic check (read ${opts.subset} of the data) found no errors; `;
    } catch (err) {
      if (!(err instanceof OpsError) || err.code === 'cancelled' || err.code === 'config' || err.code === 'not_found' || err.code === 'busy') throw err;
      problems.push(`restic check failed: ${err.message}`);
    }
  }
  const meter = new ProgressMeter(`verifying ${m.id}`, opts.onProgress, m.archive.bytes);
  const { stages, hash, scan } = await dumpStages(deps, m, meter);
  try {
    await runStages([...stages, { name: 'sink', stream: sink() }], opts.signal);
  } catch (err) {
    const e = dumpFailure(err, m);
    if (e.code !== 'corrupt' && e.code !== 'unavailable') throw e;
    problems.push(e.message);
    return { ok: false, level: 'full', sha256: null, bytes: null, summary: null, problems, detail: `verification failed: ${problems.join('; ')}` };
  }
  const sha256 = hash.digest();
  const s = scan.summary;
  problems.push(...mismatches(m, sha256, s));
  return {
    ok: problems.length === 0,
    level: 'full',
    sha256,
    bytes: s.tarBytes,
    summary: s,
    problems,
    detail: problems.length
      ? `verification failed: ${problems.join('; ')}`
      : `${checked}snapshot ${m.store.snapshotId.slice(0, 8)} read end to end: sha256 matches; ${s.entries} entries (${s.files} files, ${s.dirs} directories, ${s.symlinks} symlinks, ${s.hardlinks} hard links) as recorded`,
  };
}

/** Streams a restic backup into a volume through the engine; returns what the tar held. */
export async function extractResticInto(
  deps: Pick<Deps, 'config' | 'dataDir'>,
  engine: EnginePort,
  m: ResticRecord,
  target: string,
  opts: { signal: AbortSignal; onProgress: (p: Progress) => void; phase: string; tree?: boolean },
): Promise<TarSummary & { treeSha256: string | null }> {
  const meter = new ProgressMeter(opts.phase, opts.onProgress, m.archive.bytes);
  const { stages, hash, scan } = await dumpStages(deps, m, meter, opts.tree === true);
  await streamIntoVolume(engine, target, stages, opts.signal, (reason) => dumpFailure(reason, m));
  const problems = mismatches(m, hash.digest(), scan.summary);
  if (problems.length) throw new OpsError('corrupt', `backup ${m.id} did not restore as recorded: ${problems.join('; ')}`);
  const root = scan.summary.root;
  if (root) await engine.setVolumeRoot(target, root, opts.signal);
  return { ...scan.summary, treeSha256: scan.walker.treeSha256() };
}
