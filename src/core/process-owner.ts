/**
 * Who is running a job or an approval's execution, and whether they still are. Each process that
 * runs work writes a heartbeat into the state file (`processes`); records name the process by id
 * and by what liveness.ts needs to ask /proc (boot id, pid namespace, pid and its start time).
 * A holder is dead at once when it ran in this boot and pid namespace and /proc says so, and
 * otherwise when its heartbeat is older than the lease. Hostname and pid alone are not enough: a
 * recreated container has a new hostname and often the same pid, and two containers sharing a
 * data dir (even with the same hostname) see different pid namespaces.
 */
import { randomUUID } from 'node:crypto';
import { currentProcess, HEARTBEAT_MS, LEASE_MS, localLiveness } from './liveness.js';
import type { StateData, StatePort } from './ports.js';

export { HEARTBEAT_MS, LEASE_MS };

export interface OwnerStamp {
  processId: string;
  pid: number;
  hostname: string;
  /** 'unknown' where there is no /proc. */
  bootId: string;
  startedAt: string;
  /** Absent in records written by older versions: their holders live by their lease alone. */
  pidNs?: string | null;
  startTicks?: number | null;
}

export interface ProcessEntry extends OwnerStamp {
  heartbeatAt: string;
}

/** Entries of processes gone for this long are dropped from the state file. */
const FORGET_MS = 24 * 3600_000;

const me = currentProcess();
const self: OwnerStamp = {
  processId: randomUUID(),
  pid: me.pid,
  hostname: me.hostname,
  bootId: me.bootId ?? 'unknown',
  startedAt: new Date().toISOString(),
  pidNs: me.pidNs,
  startTicks: me.startTicks,
};

export function ownerStamp(): OwnerStamp {
  return self;
}

export function processesOf(data: StateData): Record<string, ProcessEntry> {
  const p = data.processes;
  if (p && typeof p === 'object' && !Array.isArray(p)) return p as Record<string, ProcessEntry>;
  const fresh: Record<string, ProcessEntry> = {};
  data.processes = fresh;
  return fresh;
}

/** Records this process's heartbeat (inside a state update) and forgets long-dead processes. */
export function beat(data: StateData, now: Date): void {
  const procs = processesOf(data);
  procs[self.processId] = { ...self, heartbeatAt: now.toISOString() };
  for (const [id, p] of Object.entries(procs)) {
    if (now.getTime() - Date.parse(p.heartbeatAt) > FORGET_MS) delete procs[id];
  }
}

/** Whether the process `owner` names is still alive, judged from /proc where it can tell, else from the state file at `now`. */
export function isOwnerAlive(data: StateData, owner: Pick<OwnerStamp, 'processId' | 'pid' | 'hostname' | 'bootId' | 'pidNs' | 'startTicks'> | null, now: Date): boolean {
  if (!owner) return false;
  if (owner.processId === self.processId) return true;
  const local = localLiveness({ pid: owner.pid, bootId: owner.bootId, pidNs: owner.pidNs ?? null, startTicks: owner.startTicks ?? null });
  if (local !== 'unknown') return local === 'alive';
  const entry = processesOf(data)[owner.processId];
  if (!entry) return false;
  return now.getTime() - Date.parse(entry.heartbeatAt) <= LEASE_MS;
}

interface Lease {
  count: number;
  timer: NodeJS.Timeout;
}

const leases = new Map<StatePort, Lease>();

/**
 * Keeps this process's heartbeat fresh while it has work in flight (a job, an approval's
 * execution); returns the release function. The first beat is written before it returns, so a
 * record claimed right after is never judged ownerless.
 */
export async function holdLease(state: StatePort, now: () => Date, onError: (err: unknown) => void): Promise<() => void> {
  await state.update((data) => beat(data, now()));
  let lease = leases.get(state);
  if (!lease) {
    const timer = setInterval(() => {
      state.update((data) => beat(data, now())).catch(onError);
    }, HEARTBEAT_MS);
    timer.unref();
    lease = { count: 0, timer };
    leases.set(state, lease);
  }
  lease.count++;
  let released = false;
  return () => {
    if (released || !lease) return;
    released = true;
    lease.count--;
    if (lease.count === 0) {
      clearInterval(lease.timer);
      leases.delete(state);
    }
  };
}
