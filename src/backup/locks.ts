/**
 * Who may work on what, across processes, with the lease locks of src/core/file-lock.ts under
 * <dataDir>/locks:
 * - one backup or restore per volume at a time: `volumes/<host>/<volume>.lock`, exclusive; a
 *   second caller fails at once with a "busy" error that says who holds it and until when;
 * - holds on a stored backup while it is read (restore from verify to extract, verify):
 *   `backups/<id>/<reader>.lock`, several at once;
 * - deleting a stored backup (retention): `backups/<id>/delete.lock`, taken only while nobody
 *   holds the backup, and a reader backs off while it exists. Each side announces itself first
 *   and then looks for the other, so a prune and a restore can never both go ahead.
 * Temporary files and records of stopped containers carry the token of the lock their run held;
 * liveTokens() tells which runs are still alive.
 */
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OpsError } from '../core/errors.js';
import { describeHolder, inspectLock, newToken, tryLock, type Lease, type LockState } from '../core/file-lock.js';
import type { Deps } from '../core/ports.js';

export type { Lease, LockState };

export type LockKey = { kind: 'volume'; host: string; volume: string } | { kind: 'backup'; id: string; host: string; target: string };

const DELETE_LOCK = 'delete.lock';

function locksDir(deps: Pick<Deps, 'dataDir'>): string {
  return join(deps.dataDir, 'locks');
}

export function volumeLockPath(deps: Pick<Deps, 'dataDir'>, host: string, volume: string): string {
  // Host, volume and backup names are validated ([a-zA-Z0-9_.-]) before they get here.
  return join(locksDir(deps), 'volumes', host, `${volume}.lock`);
}

function backupDir(deps: Pick<Deps, 'dataDir'>, id: string): string {
  return join(locksDir(deps), 'backups', id);
}

function lockPath(deps: Pick<Deps, 'dataDir'>, key: LockKey): string {
  return key.kind === 'volume' ? volumeLockPath(deps, key.host, key.volume) : join(backupDir(deps, key.id), `${key.host}__${key.target}.lock`);
}

function describe(key: LockKey): string {
  return key.kind === 'volume' ? `volume "${key.volume}" on host "${key.host}"` : `backup ${key.id} (restore onto ${key.target} on ${key.host})`;
}

/** Who holds the lock (a live holder), or null. */
export async function lockHolder(deps: Pick<Deps, 'dataDir'>, key: LockKey): Promise<LockState | null> {
  const state = await inspectLock(lockPath(deps, key));
  return state?.alive ? state : null;
}

/** Takes the lock or fails with `busy`, saying who holds it. */
export async function acquireLock(deps: Pick<Deps, 'dataDir'> & Partial<Pick<Deps, 'now'>>, key: LockKey, holder: { op: string; actor: string }): Promise<Lease> {
  const path = lockPath(deps, key);
  const got = await tryLock(path, { ...holder, ...(deps.now ? { since: deps.now() } : {}) });
  if ('lease' in got) return got.lease;
  throw new OpsError('busy', `${describe(key)} is busy: ${describeHolder(got.held)}`, {
    hint: 'Wait for it to finish and try again; a lock whose process died frees itself (at once on this machine, within 30 s elsewhere)',
  });
}

async function liveReaders(deps: Pick<Deps, 'dataDir'>, id: string): Promise<LockState[]> {
  const dir = backupDir(deps, id);
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: LockState[] = [];
  for (const n of names) {
    if (!n.endsWith('.lock') || n === DELETE_LOCK) continue;
    const state = await inspectLock(join(dir, n)).catch(() => null);
    if (state?.alive) out.push(state);
  }
  return out;
}

/** Whether any live process holds this backup (a restore or verify reading it). */
export async function backupInUse(deps: Pick<Deps, 'dataDir'>, id: string): Promise<boolean> {
  return (await liveReaders(deps, id)).length > 0;
}

function tidy(deps: Pick<Deps, 'dataDir'>, id: string, lease: Lease): Lease {
  return {
    ...lease,
    async release() {
      await lease.release();
      // The per-backup directory goes when it is empty; another holder keeps it.
      await rmdir(backupDir(deps, id)).catch(() => undefined);
    },
  };
}

/**
 * Holds a stored backup while it is read, so retention cannot delete it meanwhile. `reader`
 * names the holding (e.g. the restore target); fails with `busy` while the backup is being deleted.
 */
export async function holdBackup(deps: Pick<Deps, 'dataDir'>, id: string, reader: { host: string; target: string } | 'verify', holder: { op: string; actor: string }): Promise<Lease> {
  const name = reader === 'verify' ? `verify.${newToken()}.lock` : `${reader.host}__${reader.target}.lock`;
  const got = await tryLock(join(backupDir(deps, id), name), holder);
  if (!('lease' in got)) {
    throw new OpsError('busy', `backup ${id} is already being read for the same target: ${describeHolder(got.held)}`, { hint: 'Wait for it to finish and try again' });
  }
  const lease = tidy(deps, id, got.lease);
  const deleting = await inspectLock(join(backupDir(deps, id), DELETE_LOCK)).catch(() => null);
  if (deleting?.alive) {
    await lease.release();
    throw new OpsError('busy', `backup ${id} is being deleted right now (${describeHolder(deleting)}), so it cannot be read`, {
      hint: '`storage-ops backups` shows what is left; pick another backup',
    });
  }
  return lease;
}

/**
 * Takes the right to delete a stored backup: null (and nothing held) when a live process reads
 * it or another deletion runs, with the reason.
 */
export async function lockBackupForDelete(deps: Pick<Deps, 'dataDir'>, id: string, actor: string): Promise<{ lease: Lease } | { busy: string }> {
  const got = await tryLock(join(backupDir(deps, id), DELETE_LOCK), { op: 'deleting the backup', actor });
  if (!('lease' in got)) return { busy: `being deleted by another process: ${describeHolder(got.held)}` };
  const lease = tidy(deps, id, got.lease);
  const readers = await liveReaders(deps, id);
  if (readers.length) {
    await lease.release();
    return { busy: `in use right now: ${readers.map(describeHolder).join('; ')}` };
  }
  return { lease };
}

/** Tokens of every live lock under the data dir: the runs still alive. */
export async function liveTokens(deps: Pick<Deps, 'dataDir'>): Promise<Set<string>> {
  const out = new Set<string>();
  const root = locksDir(deps);
  const dirs: string[] = [];
  for (const host of await readdir(join(root, 'volumes')).catch(() => [] as string[])) dirs.push(join(root, 'volumes', host));
  for (const id of await readdir(join(root, 'backups')).catch(() => [] as string[])) dirs.push(join(root, 'backups', id));
  for (const dir of dirs) {
    for (const n of await readdir(dir).catch(() => [] as string[])) {
      if (!n.endsWith('.lock')) continue;
      const state = await inspectLock(join(dir, n)).catch(() => null);
      if (state?.alive && state.info) out.add(state.info.token);
    }
  }
  return out;
}
