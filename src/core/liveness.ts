/**
 * Is the process that holds something (a lock, a job, containers it stopped) still alive?
 *
 * A hostname and a pid are not enough to tell: a recreated container has a new hostname and
 * often the same pid, and two containers sharing a data dir see different pid namespaces. So a
 * process is named by its boot id, its pid namespace, its pid and that pid's start time. When
 * the holder ran in this very boot and pid namespace, /proc answers for certain (alive or dead,
 * at once). Anywhere else the answer comes from a lease: the holder refreshes a heartbeat every
 * few seconds, and a heartbeat older than LEASE_MS means it is gone.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** A holder refreshes its heartbeat this often... */
export const HEARTBEAT_MS = 5_000;
/** ...and one silent for this long is taken for dead (a dead holder's things are free within 60 s). */
export const LEASE_MS = 30_000;

export interface ProcessIdentity {
  pid: number;
  /** For people reading a "busy" message; never used to decide liveness. */
  hostname: string;
  /** /proc/sys/kernel/random/boot_id; null where there is no Linux /proc. */
  bootId: string | null;
  /** The pid namespace, as /proc/self/ns/pid names it ("pid:[4026531836]"); null when unknown. */
  pidNs: string | null;
  /** Start time of the pid in clock ticks since boot (/proc/<pid>/stat field 22); tells a reused pid apart. */
  startTicks: number | null;
}

export type Liveness = 'alive' | 'dead' | 'unknown';

function readOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
export function parseStartTicks(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat.slice(close + 2).split(' ');
  const v = Number(fields[19]);
  return Number.isFinite(v) ? v : null;
}

function startTicksOf(pid: number | 'self'): number | null {
  return parseStartTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

let self: ProcessIdentity | null = null;

/** This process. */
export function currentProcess(): ProcessIdentity {
  self ??= {
    pid: process.pid,
    hostname: hostname(),
    bootId: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null, null),
    pidNs: readOr(() => readlinkSync('/proc/self/ns/pid'), null),
    startTicks: readOr(() => startTicksOf('self'), null),
  };
  return self;
}

/**
 * What /proc says about a holder: alive or dead when it ran in this boot and pid namespace,
 * unknown otherwise (another machine, container, boot, or no /proc to ask).
 */
export function localLiveness(holder: Pick<ProcessIdentity, 'pid' | 'bootId' | 'pidNs' | 'startTicks'>): Liveness {
  const me = currentProcess();
  if (!me.bootId || !me.pidNs || holder.bootId !== me.bootId || holder.pidNs !== me.pidNs) return 'unknown';
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return 'unknown';
  if (holder.pid === me.pid) return holder.startTicks === me.startTicks ? 'alive' : 'dead';
  let ticks: number | null;
  try {
    ticks = startTicksOf(holder.pid);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return 'unknown';
    // Not in /proc: gone, unless /proc hides other users' processes (hidepid); kill(0) still sees them.
    try {
      process.kill(holder.pid, 0);
      return 'unknown';
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH' ? 'dead' : 'unknown';
    }
  }
  if (ticks === null || holder.startTicks === null) return 'unknown';
  // Same pid, started at another time: the pid was reused by a different process.
  return ticks === holder.startTicks ? 'alive' : 'dead';
}

/**
 * Whether a holder is alive: certain when /proc can tell, else by its lease (the last heartbeat
 * no older than `leaseMs`). A holder nobody can identify (null) lives only by its lease too.
 */
export function isHolderAlive(holder: Pick<ProcessIdentity, 'pid' | 'bootId' | 'pidNs' | 'startTicks'> | null, lastHeartbeatMs: number, nowMs: number, leaseMs = LEASE_MS): boolean {
  const local = holder ? localLiveness(holder) : 'unknown';
  if (local !== 'unknown') return local === 'alive';
  return nowMs - lastHeartbeatMs < leaseMs;
}
