/**
 * The one lock implementation of storage-ops, for volume locks, backup holds and the state file:
 * a lock file with a lease.
 *
 * - Taking it: the holder's description (who, what, and its process identity with a random
 *   token) is written to a private file first and then hard-linked to the lock's name, which
 *   fails if the name exists. So a lock file is never seen half-written (where links are not
 *   supported it is created exclusively instead; a lock that cannot be read is judged by its age).
 * - Holding it: the holder touches the file (mtime) every HEARTBEAT_MS.
 * - Free again: when the holder releases it; at once when /proc shows the holder is dead (same
 *   boot and pid namespace); otherwise when its heartbeat is older than LEASE_MS. A holder that
 *   /proc shows alive is never taken over, however late its heartbeat.
 * - Taking over a dead holder's lock renames it away first and checks it was the very file
 *   judged dead, so two processes taking over at once cannot both win.
 *
 * proper-lockfile was weighed and not used: two processes taking over one stale lock can both
 * succeed (stat, rmdir, mkdir are separate steps), it stores no holder (so "busy" could not say
 * who), has no pid check (a paused live holder is taken over), and crashes the process by
 * default when a lock is compromised.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OpsError } from './errors.js';
import { currentProcess, HEARTBEAT_MS, isHolderAlive, LEASE_MS, localLiveness, type ProcessIdentity } from './liveness.js';

export const LOCK_FORMAT = 'storage-ops-lock/1';

export interface LockOwner {
  /** What the holder is doing, for "busy" messages: "backup", "restore of db_20260130_021500". */
  op: string;
  /** Who asked for it. */
  actor: string;
  /** When it was taken, if not now (the caller's clock). */
  since?: Date;
}

export interface LockInfo extends ProcessIdentity, Omit<LockOwner, 'since'> {
  format: typeof LOCK_FORMAT;
  /** Random per acquisition: names this holding (temporary files and records refer to it). */
  token: string;
  /** ISO time it was taken. */
  since: string;
}

export interface LockState {
  path: string;
  /** The holder's description; null when the file cannot be read as one (being written, damaged, old format). */
  info: LockInfo | null;
  /** Last heartbeat (the file's mtime). */
  heartbeatAt: Date;
  /** Whether it still counts as held. */
  alive: boolean;
  /** How that was decided: "process alive", "process gone", "heartbeat 12 s ago". */
  why: string;
  /** When a lease-judged lock becomes free if nobody refreshes it; null when /proc decided. */
  freeAt: Date | null;
  ino: number;
}

export interface Lease {
  readonly path: string;
  readonly token: string;
  readonly info: LockInfo;
  /** Aborted when the lock was taken away (its file replaced or removed by someone else). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export interface LockOptions {
  leaseMs?: number;
  heartbeatMs?: number;
}

export function newToken(): string {
  return randomBytes(8).toString('hex');
}

function parseInfo(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo> | null;
    if (!v || v.format !== LOCK_FORMAT || typeof v.token !== 'string' || typeof v.pid !== 'number') return null;
    return v as LockInfo;
  } catch {
    return null;
  }
}

/** Reads a lock and judges it; null when there is no lock file. */
export async function inspectLock(path: string, opts: LockOptions = {}): Promise<LockState | null> {
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let text: string;
  let st;
  try {
    st = await fh.stat();
    text = await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
  const info = parseInfo(text);
  const now = Date.now();
  const heartbeatAt = new Date(st.mtimeMs);
  const age = Math.max(0, Math.round((now - st.mtimeMs) / 1000));
  const local = info ? localLiveness(info) : 'unknown';
  if (local !== 'unknown') {
    return { path, info, heartbeatAt, alive: local === 'alive', why: local === 'alive' ? 'its process is running' : 'its process is gone', freeAt: null, ino: st.ino };
  }
  const alive = isHolderAlive(null, st.mtimeMs, now, leaseMs);
  return {
    path,
    info,
    heartbeatAt,
    alive,
    why: `${info ? 'last heartbeat' : 'unreadable lock file, written'} ${age} s ago`,
    freeAt: new Date(st.mtimeMs + leaseMs),
    ino: st.ino,
  };
}

/** Creates the lock file complete or not at all; false when the name is taken. */
async function createLockFile(path: string, text: string): Promise<boolean> {
  const tmp = `${path}.${newToken()}.new`;
  try {
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
  }
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    // No hard links here (some network and FUSE filesystems): exclusive create; a reader that
    // catches it half-written sees an unreadable lock, which it judges by age.
    try {
      await writeFile(path, text, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Removes a dead holder's lock, but only the very file that was judged (same inode): it is
 * renamed to a private name first, so of several processes taking over at once only one does.
 */
async function removeDead(state: LockState): Promise<void> {
  const grave = `${state.path}.${newToken()}.dead`;
  try {
    await rename(state.path, grave);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await stat(grave).catch(() => null);
  if (moved && moved.ino !== state.ino) {
    // Someone took the lock between our look and our rename: give it back.
    await link(grave, state.path).catch(() => undefined);
  }
  await unlink(grave).catch(() => undefined);
}

function heldLease(path: string, info: LockInfo, ino: number, opts: LockOptions): Lease {
  const lost = new AbortController();
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  let lastBeat = Date.now();
  let released = false;
  let beating = false;
  const mine = async (): Promise<boolean> => {
    // A taker that renamed our file by mistake links it back within moments: look thrice.
    for (let i = 0; i < 3; i++) {
      const st = await stat(path).catch(() => null);
      if (st && st.ino === ino && (await readLockInfo(path))?.token === info.token) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  const beat = async (): Promise<void> => {
    if (beating || released) return;
    beating = true;
    try {
      if (!(await mine())) {
        if (!released) lose(`the lock file ${path} was removed or replaced by another process`);
        return;
      }
      const now = new Date();
      await utimes(path, now, now);
      lastBeat = now.getTime();
    } catch {
      if (Date.now() - lastBeat > leaseMs) lose(`the heartbeat of ${path} could not be written for ${Math.round(leaseMs / 1000)} s`);
    } finally {
      beating = false;
    }
  };
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();
  const lose = (why: string): void => {
    clearInterval(timer);
    if (!lost.signal.aborted) lost.abort(new OpsError('busy', `lost the lock ${path}: ${why}`, { hint: 'Another storage-ops process may be working on the same thing; check and try again' }));
  };
  return {
    path,
    token: info.token,
    info,
    lost: lost.signal,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      const st = await stat(path).catch(() => null);
      if (st && st.ino === ino && (await readLockInfo(path))?.token === info.token) await unlink(path).catch(() => undefined);
    },
  };
}

/**
 * Takes the lock if it is free (or its holder is dead); otherwise returns the state of the
 * lock as it is held. Never waits.
 */
export async function tryLock(path: string, owner: LockOwner, opts: LockOptions = {}): Promise<{ lease: Lease } | { held: LockState }> {
  const info: LockInfo = { format: LOCK_FORMAT, token: newToken(), ...currentProcess(), op: owner.op, actor: owner.actor, since: (owner.since ?? new Date()).toISOString() };
  const text = JSON.stringify(info);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createLockFile(path, text)) {
      const st = await stat(path);
      return { lease: heldLease(path, info, st.ino, opts) };
    }
    const state = await inspectLock(path, opts);
    if (!state) continue; // released meanwhile
    if (state.alive) return { held: state };
    await removeDead(state);
  }
  const state = await inspectLock(path, opts);
  if (state) return { held: state };
  throw new OpsError('busy', `could not take the lock ${path}: it kept changing hands`, { hint: 'Try again' });
}

/** One line saying who holds a lock, for "busy" errors. */
export function describeHolder(state: LockState): string {
  const i = state.info;
  if (!i) return `an unreadable lock file (${state.why}; free from ${state.freeAt?.toISOString() ?? 'never'} unless refreshed)`;
  const free = state.freeAt ? `; free from ${state.freeAt.toISOString()} if it stops` : '';
  return `${i.op} by ${i.actor} since ${i.since} (pid ${i.pid} on ${i.hostname}; ${state.why}${free})`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits up to `waitMs` for the lock, polling with jitter. Waiters touch `<path>.wait`, and a
 * holder that just released sees it and lets them in before it takes the lock again, so a
 * process with a stream of short updates cannot starve another one.
 */
export async function waitForLock(path: string, owner: LockOwner, opts: LockOptions & { waitMs: number; what: string }): Promise<Lease> {
  const deadline = Date.now() + opts.waitMs;
  const waitMark = `${path}.wait`;
  await politeness(waitMark);
  let last: LockState | null = null;
  for (;;) {
    const got = await tryLock(path, owner, opts);
    if ('lease' in got) return wrapRelease(got.lease, waitMark);
    last = got.held;
    if (Date.now() > deadline) {
      throw new OpsError('busy', `${opts.what} is locked: ${describeHolder(last)}`, {
        hint: `Retry in a moment; the lock (${path}) frees itself when its holder ends or dies`,
      });
    }
    const now = new Date();
    await utimes(waitMark, now, now).catch(() => writeFile(waitMark, '').catch(() => undefined));
    await sleep(5 + Math.random() * 20);
  }
}

// Per mark: until when this process holds back after a release, because others wait.
const holdBack = new Map<string, number>();

async function politeness(waitMark: string): Promise<void> {
  const until = holdBack.get(waitMark) ?? 0;
  const delay = until - Date.now();
  if (delay > 0) await sleep(delay);
  holdBack.delete(waitMark);
}

function wrapRelease(lease: Lease, waitMark: string): Lease {
  return {
    ...lease,
    lost: lease.lost,
    async release() {
      await lease.release();
      const st = await stat(waitMark).catch(() => null);
      // Someone was waiting a moment ago: give them a turn before taking it again ourselves.
      if (st && Date.now() - st.mtimeMs < 100) holdBack.set(waitMark, Date.now() + 40);
    },
  };
}

/** Reads a lock file's holder without judging it (null when absent or unreadable). */
export async function readLockInfo(path: string): Promise<LockInfo | null> {
  try {
    return parseInfo(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}
