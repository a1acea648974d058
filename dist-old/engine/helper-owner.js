/**
 * Which process owns a helper container, and whether that process still runs. Every helper is
 * labelled with its owner: the per-process id that job records use (core/process-owner.ts), pid,
 * hostname, the kernel's boot id, the pid namespace and the process's start time (clock ticks
 * since boot, from /proc), plus the job and volume it serves. Leftovers of dead processes are then removed (helper-sweep.ts).
 *
 * The rule for "dead", and why:
 * - Ours (same per-process id): alive, never swept.
 * - Same kernel boot and same pid namespace as us: we see the owner's pid, so it is exact: alive
 *   if and only if /proc/<pid> exists and started at the labelled tick. Hostnames don't matter
 *   (an `unshare -u` or a container's hostname changes nothing), and a reused pid has another
 *   start time, so it is not mistaken for the owner.
 * - Anything else (another machine, another container's pid namespace, a reboot, no /proc):
 *   we cannot see the owner, so "unknown"; the sweep removes such helpers only when they are
 *   older than any run could be (HELPER_MAX_AGE_MS), or, for a volume's backup/restore helpers,
 *   when we hold that volume's lock, which no live run of it can then hold.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { ownerStamp } from '../core/process-owner.js';
export const LABEL_HELPER = 'storage-ops.helper';
export const LABEL_OWNER = 'storage-ops.owner';
export const LABEL_OWNER_PID = 'storage-ops.owner.pid';
export const LABEL_OWNER_HOST = 'storage-ops.owner.host';
export const LABEL_OWNER_BOOT = 'storage-ops.owner.boot';
export const LABEL_OWNER_PIDNS = 'storage-ops.owner.pidns';
export const LABEL_OWNER_START = 'storage-ops.owner.start';
export const LABEL_JOB = 'storage-ops.job';
export const LABEL_VOLUME = 'storage-ops.volume';
/**
 * No helper lives this long: df runs for seconds, bench for at most an hour of fio, and archive
 * helpers for one backup or restore stream. Older helpers whose owner we cannot see are leftovers.
 */
export const HELPER_MAX_AGE_MS = 24 * 3600_000;
function readOr(fn) {
    try {
        return fn().trim();
    }
    catch {
        return '';
    }
}
/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
export function procStartTicks(pid) {
    const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? '';
}
const self = {
    // The kernel's per-process id, so a helper names the same process as the job records do.
    id: ownerStamp().processId,
    pid: process.pid,
    hostname: hostname(),
    boot: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidns: readOr(() => readlinkSync('/proc/self/ns/pid')),
    start: procStartTicks('self'),
};
export function selfIdentity() {
    return self;
}
export function ownerLabels(me = self) {
    return {
        [LABEL_OWNER]: me.id,
        [LABEL_OWNER_PID]: String(me.pid),
        [LABEL_OWNER_HOST]: me.hostname,
        [LABEL_OWNER_BOOT]: me.boot,
        [LABEL_OWNER_PIDNS]: me.pidns,
        [LABEL_OWNER_START]: me.start,
    };
}
/** Applies the rule above to a helper's labels. `startOf` reads a pid's start ticks ('' when gone). */
export function ownerState(labels, me = self, startOf = procStartTicks) {
    const id = labels[LABEL_OWNER];
    if (!id)
        return 'unknown';
    if (id === me.id)
        return 'ours';
    const pid = Number(labels[LABEL_OWNER_PID]);
    const sameView = me.boot !== '' && me.pidns !== '' && me.start !== '' && labels[LABEL_OWNER_BOOT] === me.boot && labels[LABEL_OWNER_PIDNS] === me.pidns;
    if (!sameView || !Number.isSafeInteger(pid) || pid <= 0)
        return 'unknown';
    const start = startOf(pid);
    return start !== '' && start === labels[LABEL_OWNER_START] ? 'alive' : 'dead';
}
/** Who owns a helper, for messages: "pid 123 on host-a (job 9f2c...)". */
export function describeOwner(labels) {
    const pid = labels[LABEL_OWNER_PID];
    const host = labels[LABEL_OWNER_HOST];
    const job = labels[LABEL_JOB];
    const who = pid ? `pid ${pid} on ${host ?? 'an unknown host'}` : 'a storage-ops process of an older version';
    return job ? `${who} (job ${job})` : who;
}
//# sourceMappingURL=helper-owner.js.map