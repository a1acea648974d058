/**
 * Putting a backup into a volume: the archive file is decrypted, decompressed and walked as tar
 * on its way to the engine's archive API, hashed again as it is read (so a file that changed
 * after it was verified is caught), and the volume root's owner, mode and mtime are set from the
 * archive at the end. Also answers whether a volume holds anything, without reading it all.
 */
import { PassThrough } from 'node:stream';
import { OpsError } from '../core/errors.js';
import type { Progress } from '../core/op.js';
import type { EnginePort } from '../core/ports.js';
import type { BackupManifest } from '../state/backup-record.js';
import type { AgeIdentity } from './age.js';
import { ProgressMeter } from './progress.js';
import { archiveStages, compareContent, readFailure } from './read-archive.js';
import { runStages, StageError, type Stage } from './stages.js';
import { TarWalker, type TarSummary } from './tar-scan.js';

/** True when the volume holds at least one entry; reads only up to the first one. */
export async function volumeHasContent(engine: EnginePort, name: string, signal?: AbortSignal): Promise<boolean> {
  const archive = await engine.exportVolume(name, signal);
  let found = false;
  const walker = new TarWalker((e) => {
    if (e.name === '') return true;
    found = true;
    return false;
  });
  try {
    for await (const chunk of archive.stream) {
      walker.write(chunk as Buffer);
      if (found || walker.complete) break;
    }
    return found;
  } finally {
    archive.stream.destroy();
    await archive.close();
  }
}

/**
 * Runs `stages` (archive read, decode, checks) into the engine's import of `target`. When both
 * sides fail the engine's own error explains more; `failure` words any other stage's error.
 */
export async function streamIntoVolume(engine: EnginePort, target: string, stages: Stage[], signal: AbortSignal, failure: (reason: unknown) => Error): Promise<void> {
  const toEngine = new PassThrough({ highWaterMark: 1 << 20 });
  const flow = runStages([...stages, { name: 'engine', stream: toEngine }], signal);
  const put = engine.importVolume(target, toEngine, signal).catch((err: unknown) => {
    toEngine.destroy(err as Error);
    throw err;
  });
  const [f, p] = await Promise.allSettled([flow, put]);
  if (f.status === 'rejected') {
    const engineSide = f.reason instanceof StageError && f.reason.stage === 'engine';
    if (engineSide && p.status === 'rejected') throw p.reason;
    throw failure(f.reason);
  }
  if (p.status === 'rejected') throw p.reason;
}

/**
 * Streams a stored archive into a volume on `engine`; returns what the archive held, with its
 * tree checksum when asked for (`tree`: hashes all file data on the way, for restore drills).
 */
export async function extractInto(
  engine: EnginePort,
  m: BackupManifest,
  path: string,
  target: string,
  opts: { identities: AgeIdentity[] | null; signal: AbortSignal; onProgress: (p: Progress) => void; phase: string; tree?: boolean },
): Promise<TarSummary & { treeSha256: string | null }> {
  const meter = new ProgressMeter(opts.phase, opts.onProgress, m.archive.bytes);
  const { stages, hash, scan } = archiveStages(m, path, opts.identities, meter, { tree: opts.tree });
  await streamIntoVolume(engine, target, stages, opts.signal, (reason) => readFailure(reason, m));
  if (hash.digest() !== m.archive.sha256) {
    throw new OpsError('corrupt', `the archive of backup ${m.id} changed while it was being restored (sha256 ${hash.digest()} instead of ${m.archive.sha256})`, {
      hint: 'Something modified the backup store during the restore; verify the backup and try again',
    });
  }
  const problems = compareContent(m, scan.summary);
  if (problems.length) throw new OpsError('corrupt', `backup ${m.id} did not restore as recorded: ${problems.join('; ')}`);
  const root = scan.summary.root;
  if (root) await engine.setVolumeRoot(target, root, opts.signal);
  return { ...scan.summary, treeSha256: scan.walker.treeSha256() };
}
