/**
 * Checks the data directory before anything uses it, so a bad one is reported as what it is
 * (not a directory, cannot be created, not writable) with what to try, instead of a raw
 * `ENOTDIR ... mkdir` later. A directory that exists but cannot be written is not an error here:
 * read-only commands still work; the first write says why it cannot happen (dataDirWriteError).
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { OpsError } from '../core/errors.js';

const HINT = 'Set STORAGE_OPS_DATA_DIR (or dataDir in the config) to a directory this user can write, or fix the permissions of this one';

export interface DataDirStatus {
  path: string;
  writable: boolean;
  /** Why it is not writable (an errno code such as EROFS or EACCES), when it is not. */
  reason: string | null;
}

function explain(code: string | undefined): string {
  switch (code) {
    case 'EROFS':
      return 'it is on a read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a parent of it is a file, not a directory';
    case 'ENOENT':
      return 'a parent of it does not exist';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return code ?? 'unknown error';
  }
}

export async function prepareDataDir(path: string): Promise<DataDirStatus> {
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : err));
  if (st instanceof Error) {
    const code = (st as NodeJS.ErrnoException).code;
    throw new OpsError('config', `data directory ${path} cannot be used: ${explain(code)} (${code ?? 'error'})`, { hint: HINT });
  }
  if (st && !st.isDirectory()) {
    throw new OpsError('config', `data directory ${path} is a file, not a directory`, { hint: HINT });
  }
  if (!st) {
    try {
      await mkdir(path, { recursive: true, mode: 0o700 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new OpsError('config', `data directory ${path} does not exist and cannot be created: ${explain(code)} (${code ?? 'error'})`, { hint: HINT });
    }
  }
  try {
    await access(path, constants.W_OK | constants.X_OK);
    return { path, writable: true, reason: null };
  } catch (err) {
    return { path, writable: false, reason: (err as NodeJS.ErrnoException).code ?? 'EACCES' };
  }
}

/**
 * Turns a file-system error met while writing under the data directory into one that says so.
 * Anything else comes back unchanged.
 */
export function dataDirWriteError(err: unknown, dataDir: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || typeof e.path !== 'string') return err;
  if (!e.path.startsWith(dataDir)) return err;
  if (!['EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'ENOENT', 'EEXIST', 'ENOSPC', 'EISDIR'].includes(e.code)) return err;
  return new OpsError('unavailable', `cannot write ${e.path} in the data directory ${dataDir}: ${explain(e.code)} (${e.code})`, { hint: HINT, cause: err });
}
