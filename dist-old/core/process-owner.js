/**
 * Who is running a job or an approval's execution, and whether they still are. Each process that
 * runs work writes a heartbeat into the state file (`processes`); records name the process by id.
 * A holder is dead when its heartbeat is older than the lease, or sooner when it ran on this very
 * machine and boot and its pid is gone. Hostname and pid alone are not enough: a recreated
 * container has a new hostname and often the same pid.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
/** Heartbeats are written this often while a process has work in flight... */
export const HEARTBEAT_MS = 5_000;
/** ...and a holder silent for this long is dead (well inside the 60 s the issue allows). */
export const LEASE_MS = 30_000;
/** Entries of processes gone for this long are dropped from the state file. */
const FORGET_MS = 24 * 3600_000;
function readBootId() {
    try {
        return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    }
    catch {
        return 'unknown';
    }
}
const self = {
    processId: randomUUID(),
    pid: process.pid,
    hostname: hostname(),
    bootId: readBootId(),
    startedAt: new Date().toISOString(),
};
export function ownerStamp() {
    return self;
}
export function processesOf(data) {
    const p = data.processes;
    if (p && typeof p === 'object' && !Array.isArray(p))
        return p;
    const fresh = {};
    data.processes = fresh;
    return fresh;
}
/** Records this process's heartbeat (inside a state update) and forgets long-dead processes. */
export function beat(data, now) {
    const procs = processesOf(data);
    procs[self.processId] = { ...self, heartbeatAt: now.toISOString() };
    for (const [id, p] of Object.entries(procs)) {
        if (now.getTime() - Date.parse(p.heartbeatAt) > FORGET_MS)
            delete procs[id];
    }
}
function pidAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        // EPERM: it exists but belongs to someone else.
        return err.code === 'EPERM';
    }
}
/** Whether the process `owner` names is still alive, judged from the state file at `now`. */
export function isOwnerAlive(data, owner, now) {
    if (!owner)
        return false;
    if (owner.processId === self.processId)
        return true;
    const sameMachine = owner.hostname === self.hostname && owner.bootId === self.bootId && self.bootId !== 'unknown';
    if (sameMachine && !pidAlive(owner.pid))
        return false;
    const entry = processesOf(data)[owner.processId];
    if (!entry)
        return false;
    return now.getTime() - Date.parse(entry.heartbeatAt) <= LEASE_MS;
}
const leases = new Map();
/**
 * Keeps this process's heartbeat fresh while it has work in flight (a job, an approval's
 * execution); returns the release function. The first beat is written before it returns, so a
 * record claimed right after is never judged ownerless.
 */
export async function holdLease(state, now, onError) {
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
        if (released || !lease)
            return;
        released = true;
        lease.count--;
        if (lease.count === 0) {
            clearInterval(lease.timer);
            leases.delete(state);
        }
    };
}
//# sourceMappingURL=process-owner.js.map