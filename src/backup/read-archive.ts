/**
 * Reading a stored backup: its sha256 against the manifest, then the whole archive end to end
 * (decrypted when an identity is at hand, decompressed, walked as tar) with the entry counts
 * compared to the manifest. Shared by backup_verify and by volume_restore, which checks an
 * archive this way before it touches the target and then streams it to the engine.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, Writable, type Duplex, type TransformCallback } from 'node:stream';
import { OpsError } from '../core/errors.js';
import type { Progress } from '../core/op.js';
import type { BackupManifest } from '../state/backup-record.js';
import { AgeDecryptStream, requireAge, type AgeIdentity } from './age.js';
import { checkAgeHeader } from './age-header.js';
import { decompressStream, requireCompressor } from './compression.js';
import { ProgressMeter } from './progress.js';
import { errnoText, isAbort, runStages, StageError, type Stage } from './stages.js';
import { TarScanStream, type TarSummary } from './tar-scan.js';

const READ_CHUNK = 1 << 20;

/** A pass-through that hashes what flows through it. */
export class HashTap extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private hex: string | null = null;
  constructor() {
    super({ highWaterMark: 1 << 20 });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    cb(null, chunk);
  }
  digest(): string {
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }
}

function sink(): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(_c, _e, cb) {
      cb();
    },
    writev(_c, cb) {
      cb();
    },
  });
}

export interface ArchiveCheck {
  ok: boolean;
  /** full: read end to end; sealed: encrypted, no identity: sha256 and age header; checksum: sha256 only. */
  level: 'full' | 'sealed' | 'checksum';
  sha256: string | null;
  bytes: number | null;
  summary: TarSummary | null;
  problems: string[];
  /** One sentence: what was checked and how it went. */
  detail: string;
}

/** Differences between what the archive holds and what its manifest says. */
export function compareContent(m: BackupManifest, s: TarSummary): string[] {
  const c = m.content;
  const out: string[] = [];
  const pairs: Array<[string, number, number]> = [
    ['entries', s.entries, c.entries],
    ['regular files', s.files, c.files],
    ['directories', s.dirs, c.dirs],
    ['symlinks', s.symlinks, c.symlinks],
    ['hard links', s.hardlinks, c.hardlinks],
    ['bytes of file data', s.dataBytes, c.dataBytes],
  ];
  for (const [what, got, want] of pairs) if (got !== want) out.push(`the archive holds ${got} ${what}, the manifest says ${want}`);
  return out;
}

/** The stages that turn the archive file into its tar stream: file, hash, decrypt, decompress, tar walk. */
export function archiveStages(
  m: BackupManifest,
  path: string,
  identities: AgeIdentity[] | null,
  meter: ProgressMeter,
  opts: { tree?: boolean } = {},
): { stages: Stage[]; hash: HashTap; scan: TarScanStream } {
  requireCompressor(m.archive.compression);
  if (m.archive.encryption && !identities) throw new OpsError('config', `backup ${m.id} is encrypted and no identity is configured`);
  if (m.archive.encryption) requireAge(`reading the encrypted backup ${m.id}`);
  const hash = new HashTap();
  const scan = new TarScanStream(undefined, undefined, { tree: opts.tree === true });
  const stages: Stage[] = [
    { name: 'file', stream: createReadStream(path, { highWaterMark: READ_CHUNK }) },
    { name: 'progress', stream: meter },
    { name: 'hash', stream: hash },
    ...(m.archive.encryption ? [{ name: 'decrypt', stream: new AgeDecryptStream(identities as AgeIdentity[]) as Duplex }] : []),
    { name: 'decompress', stream: decompressStream(m.archive.compression) },
    { name: 'tar', stream: scan },
  ];
  return { stages, hash, scan };
}

/** Says what went wrong while reading an archive, in terms of the archive. */
export function readFailure(err: unknown, m: BackupManifest): OpsError {
  const stage = err instanceof StageError ? err.stage : 'pipeline';
  const cause = err instanceof StageError ? err.cause : err;
  if (stage === 'cancelled' || isAbort(cause)) return new OpsError('cancelled', `reading backup ${m.id} was cancelled`);
  if (cause instanceof OpsError && cause.code !== 'corrupt') return cause;
  if (stage === 'file') return new OpsError('unavailable', `cannot read the archive of backup ${m.id}: ${errnoText(cause)}`);
  const where = stage === 'decrypt' ? 'decrypting' : stage === 'decompress' ? 'decompressing' : stage === 'tar' ? 'reading it as tar' : stage;
  return new OpsError('corrupt', `backup ${m.id} is damaged: ${where} failed: ${errnoText(cause)}`, {
    hint: 'Use another backup of this volume (`storage-ops backups`)',
  });
}

export async function hashFile(path: string, signal: AbortSignal, meter: ProgressMeter): Promise<string> {
  const hash = new HashTap();
  await runStages(
    [
      { name: 'file', stream: createReadStream(path, { highWaterMark: READ_CHUNK }) },
      { name: 'progress', stream: meter },
      { name: 'hash', stream: hash },
      { name: 'sink', stream: sink() },
    ],
    signal,
  );
  return hash.digest();
}

/**
 * Checks an archive against its manifest: file size, then in one pass its sha256 and (unless it
 * is encrypted and no identity is configured) a full read as tar with the counts compared. When
 * the read fails, the checksum is still completed, so a changed file is reported as such.
 * Changes nothing.
 */
export async function checkArchive(
  m: BackupManifest,
  path: string,
  opts: { identities: AgeIdentity[] | null; signal: AbortSignal; onProgress: (p: Progress) => void },
): Promise<ArchiveCheck> {
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => err);
  if (st instanceof Error) {
    const missing = st.code === 'ENOENT';
    return { ok: false, level: 'checksum', sha256: null, bytes: null, summary: null, problems: [missing ? `its archive ${m.archive.file} is missing from the store` : `its archive cannot be read: ${errnoText(st)}`], detail: missing ? 'archive file missing' : 'archive file unreadable' };
  }
  if (st.size !== m.archive.bytes) {
    const problems = [`the archive is ${st.size} bytes, the manifest says ${m.archive.bytes} (truncated or changed)`];
    return { ok: false, level: 'checksum', sha256: null, bytes: st.size, summary: null, problems, detail: problems[0] as string };
  }
  const checksumOnly = m.archive.encryption !== null && !opts.identities;
  const meter = new ProgressMeter(`verifying ${m.id}`, opts.onProgress, st.size);
  let sha256: string;
  let summary: TarSummary | null = null;
  let readError: OpsError | null = null;
  try {
    if (checksumOnly) {
      sha256 = await hashFile(path, opts.signal, meter);
    } else {
      const { stages, hash, scan } = archiveStages(m, path, opts.identities, meter);
      try {
        await runStages([...stages, { name: 'sink', stream: sink() }], opts.signal);
        sha256 = hash.digest();
        summary = scan.summary;
      } catch (err) {
        readError = readFailure(err, m);
        if (readError.code !== 'corrupt') throw readError;
        sha256 = await hashFile(path, opts.signal, new ProgressMeter(`checksum of ${m.id}`, opts.onProgress, st.size));
      }
    }
  } catch (err) {
    throw err instanceof OpsError ? err : readFailure(err, m);
  }
  const problems: string[] = [];
  if (sha256 !== m.archive.sha256) problems.push(`sha256 mismatch: the archive hashes to ${sha256}, the manifest says ${m.archive.sha256}`);
  if (readError) problems.push(readError.message);
  if (summary) problems.push(...compareContent(m, summary));
  if (checksumOnly) {
    problems.push(...(await checkAgeHeader(path, st.size, m.archive.encryption?.recipients.length ?? 0)));
    return {
      ok: problems.length === 0,
      level: 'sealed',
      sha256,
      bytes: st.size,
      summary: null,
      problems,
      detail: problems.length
        ? `checksum and age header check failed: ${problems.join('; ')}`
        : `sealed: sha256 matches the manifest and the age header is intact (${m.archive.encryption?.recipients.length ?? 0} recipient(s)); the content was not read because no age identity is configured (backup.identityFile or STORAGE_OPS_AGE_IDENTITY_FILE)`,
    };
  }
  const s = summary;
  return {
    ok: problems.length === 0,
    level: 'full',
    sha256,
    bytes: st.size,
    summary: s,
    problems,
    detail:
      problems.length || !s
        ? `verification failed: ${problems.join('; ')}`
        : fullReadDetail(m, s),
  };
}

/** What a full read that found everything as recorded says (verify, and a restore that checked as it extracted). */
export function fullReadDetail(m: BackupManifest, s: Pick<TarSummary, 'entries' | 'files' | 'dirs' | 'symlinks' | 'hardlinks'>, when = ''): string {
  return `sha256 matches; read end to end${m.archive.encryption ? ' (decrypted)' : ''}${when}: ${s.entries} entries (${s.files} files, ${s.dirs} directories, ${s.symlinks} symlinks, ${s.hardlinks} hard links) as recorded`;
}
