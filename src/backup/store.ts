/**
 * The backup store: one flat directory holding, per backup, the archive
 * (`<id>.tar.zst`, `.tar.gz` or `.tar`, plus `.age` when encrypted) and its sidecar manifest
 * (`<id>.manifest.json`). Ids are checked against a strict pattern before any path is built
 * from them, and file names found in manifests are checked too, so nothing outside the store is
 * ever read or deleted.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { OpsError } from '../core/errors.js';
import { LEASE_MS } from '../core/liveness.js';
import type { Deps } from '../core/ports.js';
import { BACKUP_ID_PATTERN, BackupManifestSchema, type BackupManifest } from '../state/backup-record.js';
import { replaceFile, writeNewFile } from './atomic-file.js';

export const MANIFEST_SUFFIX = '.manifest.json';
const ARCHIVE_SUFFIX = /\.tar(\.zst|\.gz)?(\.age)?$/;
/** `.<final name>.<lock token>-<random>.tmp`: the token names the run (its lock) that writes it. */
const TMP_PATTERN = /^\.(.+)\.([0-9a-f]{16})-[0-9a-f]{8}\.tmp$/;
/** Written by earlier versions: `.<final name>.<pid>.<random>.tmp`. */
const LEGACY_TMP_PATTERN = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;
const ID_STAMP = /_\d{8}_\d{6}(?:-\d{1,4})?$/;

/** The store directory: backup.dir (relative paths are relative to the data dir), else <dataDir>/backups. */
export function storeDir(deps: Pick<Deps, 'config' | 'dataDir'>): string {
  const dir = deps.config.backup.dir;
  return dir ? resolve(deps.dataDir, dir) : join(deps.dataDir, 'backups');
}

export async function ensureStore(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new OpsError('unavailable', `cannot create the backup store ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      hint: 'Check backup.dir in the config and the permissions of its parent directory',
    });
  }
}

/** `YYYYMMDD_HHmmss` in UTC, the seed's date format. */
export function stamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Candidate ids for a backup of `volume` started at `at`: the plain one, then -2, -3, ... */
export function* candidateIds(volume: string, at: Date): Generator<string> {
  const base = `${volume}_${stamp(at)}`;
  yield base;
  for (let n = 2; n <= 9999; n++) yield `${base}-${n}`;
}

/** Refuses anything that is not a backup id before it gets near the filesystem. */
export function assertBackupId(id: string): void {
  if (!BACKUP_ID_PATTERN.test(id)) {
    throw new OpsError('invalid_input', `"${id}" is not a backup id`, {
      hint: 'Backup ids look like db_data_20260130_021500 (volume, UTC date and time); `storage-ops backups` lists them',
    });
  }
}

export function isBackupId(id: string): boolean {
  return BACKUP_ID_PATTERN.test(id);
}

export function manifestName(id: string): string {
  return `${id}${MANIFEST_SUFFIX}`;
}

/**
 * A temporary name in the store for `finalName`, owned by the run holding the lock whose token
 * is given: once that lock is gone (released or its holder dead) the file is a leftover.
 */
export function tmpName(finalName: string, token: string): string {
  if (!/^[0-9a-f]{16}$/.test(token)) throw new OpsError('internal', `temporary file for ${finalName}: "${token}" is not a lock token`);
  return `.${finalName}.${token}-${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * The volume a store file name belongs to: `<volume><ext>` (an archive being written, before its
 * id is chosen), `<volume>_<stamp><ext>` or `<volume>_<stamp>.manifest.json`. Matching by prefix
 * is wrong: "db" would take "db_data"'s files, and volume names may hold dots.
 */
export function volumeOfStoreName(finalName: string): string | null {
  let base = finalName;
  if (base.endsWith(MANIFEST_SUFFIX)) base = base.slice(0, -MANIFEST_SUFFIX.length);
  else if (ARCHIVE_SUFFIX.test(base)) base = base.replace(ARCHIVE_SUFFIX, '');
  else return null;
  if (isBackupId(base)) return base.replace(ID_STAMP, '');
  return finalName.endsWith(MANIFEST_SUFFIX) ? null : base;
}

/** The archive's path, after checking the manifest's file name belongs to its id. */
export function archivePath(dir: string, m: Pick<BackupManifest, 'id' | 'archive'>): string {
  const f = m.archive.file;
  if (!f.startsWith(`${m.id}.`) || !ARCHIVE_SUFFIX.test(f) || f.includes('/') || f.length - m.id.length > 16) {
    throw new OpsError('corrupt', `backup ${m.id}: its manifest names an unexpected archive file "${f}"`, {
      hint: 'The manifest was edited or damaged; restore it from another copy or rebuild it',
    });
  }
  return join(dir, f);
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export function parseManifest(text: string, source: string): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new OpsError('corrupt', `manifest ${source} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = BackupManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new OpsError('corrupt', `manifest ${source} is not a storage-ops backup manifest: ${z.prettifyError(parsed.error).split('\n').slice(0, 2).join(' ')}`);
  }
  return parsed.data;
}

export async function readManifest(dir: string, id: string): Promise<BackupManifest | null> {
  assertBackupId(id);
  const path = join(dir, manifestName(id));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new OpsError('unavailable', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const m = parseManifest(text, path);
  if (m.id !== id) throw new OpsError('corrupt', `manifest ${path} describes backup ${m.id}, not ${id}`);
  return m;
}

export function manifestText(m: BackupManifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}

/** Writes a new manifest; `token` is the lock of the run writing it (see tmpName). */
export async function writeManifest(dir: string, m: BackupManifest, token: string): Promise<string> {
  return writeNewFile(dir, manifestName(m.id), manifestText(m), tmpName(manifestName(m.id), token));
}

/** Rewrites an existing manifest (to record a verification) under a hold on the backup. */
export async function updateManifest(dir: string, m: BackupManifest, token: string): Promise<void> {
  await replaceFile(dir, manifestName(m.id), manifestText(m), tmpName(manifestName(m.id), token));
}

export interface StoreScan {
  manifests: BackupManifest[];
  /** Manifests that could not be read, with why. */
  problems: string[];
  /** Archive files with no manifest (an interrupted commit, or copied in by hand). */
  orphans: string[];
  /** Temporary files; `live` while the run writing them holds its lock. */
  partials: PartialFile[];
}

export interface PartialFile {
  name: string;
  /** The volume it belongs to, when its name says. */
  volume: string | null;
  live: boolean;
}

/** Whether a temporary store file's run is alive: its lock token is live (old pid names: written lately). */
async function partialOf(dir: string, name: string, live: ReadonlySet<string>): Promise<PartialFile | null> {
  const m = TMP_PATTERN.exec(name);
  if (m) return { name, volume: volumeOfStoreName(m[1] ?? ''), live: live.has(m[2] ?? '') };
  const legacy = LEGACY_TMP_PATTERN.exec(name);
  if (!legacy) return null;
  const st = await stat(join(dir, name)).catch(() => null);
  return { name, volume: volumeOfStoreName(legacy[1] ?? ''), live: st !== null && Date.now() - st.mtimeMs < LEASE_MS };
}

/**
 * Removes the temporary files of dead runs: of `volume` only when given, of every volume
 * otherwise. Returns the names removed.
 */
export async function removeDeadPartials(dir: string, live: ReadonlySet<string>, volume?: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const p = await partialOf(dir, name, live);
    if (!p || p.live || (volume !== undefined && p.volume !== volume)) continue;
    await unlink(join(dir, name)).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed.sort();
}

/**
 * Reads every manifest in the store and notes what else lies there; `live` holds the lock
 * tokens of live runs (liveTokens()), which tell running writes from leftovers.
 */
export async function scanStore(dir: string, live: ReadonlySet<string> = new Set()): Promise<StoreScan> {
  const out: StoreScan = { manifests: [], problems: [], orphans: [], partials: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw new OpsError('unavailable', `cannot read the backup store ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const archivesWithManifest = new Set<string>();
  for (const name of names.sort()) {
    const partial = await partialOf(dir, name, live);
    if (partial) {
      out.partials.push(partial);
      continue;
    }
    if (!name.endsWith(MANIFEST_SUFFIX)) continue;
    const id = name.slice(0, -MANIFEST_SUFFIX.length);
    if (!isBackupId(id)) {
      out.problems.push(`${name}: not named like a backup manifest`);
      continue;
    }
    try {
      const m = await readManifest(dir, id);
      if (!m) continue;
      const path = archivePath(dir, m);
      const st = await stat(path).catch(() => null);
      if (!st) {
        out.problems.push(`${id}: its archive ${m.archive.file} is missing`);
        continue;
      }
      if (st.size !== m.archive.bytes) {
        out.problems.push(`${id}: its archive is ${st.size} bytes, the manifest says ${m.archive.bytes}`);
      }
      archivesWithManifest.add(m.archive.file);
      out.manifests.push(m);
    } catch (err) {
      out.problems.push(`${name}: ${(err as Error).message}`);
    }
  }
  for (const name of names) {
    if (ARCHIVE_SUFFIX.test(name) && !name.startsWith('.') && !archivesWithManifest.has(name)) out.orphans.push(name);
  }
  return out;
}
