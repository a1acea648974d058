/**
 * What schedules keep in the state file (collection `schedules`): schedules added at runtime,
 * per schedule its next due time, the run in progress (so runs never overlap, across processes)
 * and a bounded run history, the monitor's last level, requests to run now (`schedule run`
 * from another process, picked up by serve) and which serve process is running them.
 */
import { randomBytes } from 'node:crypto';
import { OpsError } from '../../core/errors.js';
import { FINISHED_JOB_STATUSES } from '../../core/job-record.js';
import { jobsOf } from '../../core/jobs.js';
import { beat, isOwnerAlive, ownerStamp } from '../../core/process-owner.js';
const MAX_REQUESTS = 50;
export function scheduleData(data) {
    const raw = data.schedules;
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        raw.added ??= [];
        raw.status ??= {};
        raw.requests ??= [];
        raw.service ??= null;
        return raw;
    }
    const fresh = { added: [], status: {}, requests: [], service: null };
    data.schedules = fresh;
    return fresh;
}
export function statusOf(sd, name) {
    sd.status[name] ??= { nextDueAt: null, current: null, runs: [] };
    return sd.status[name];
}
/** Config schedules first, then runtime additions (a runtime name never shadows a config one). */
export function knownSchedules(deps, data) {
    const fromConfig = deps.config.schedules.map((spec) => ({ spec, source: 'config' }));
    const names = new Set(fromConfig.map((s) => s.spec.name));
    const added = scheduleData(data)
        .added.filter((s) => !names.has(s.name))
        .map((spec) => ({ spec, source: 'runtime' }));
    return [...fromConfig, ...added];
}
export async function listSchedules(deps) {
    return knownSchedules(deps, await deps.state.read());
}
export async function findSchedule(deps, name) {
    const all = await listSchedules(deps);
    const hit = all.find((s) => s.spec.name === name);
    if (!hit) {
        throw new OpsError('not_found', `no schedule "${name}"`, {
            hint: all.length ? `Schedules: ${all.map((s) => s.spec.name).join(', ')}` : 'None is configured: add one to the config\'s "schedules" or with `storage-ops schedule add`',
        });
    }
    return hit;
}
/** Whether a claimed run is still going (its job unfinished, its process alive). */
function stillRunning(data, current, now) {
    if (!isOwnerAlive(data, current.owner, now))
        return false;
    if (current.jobId === null)
        return true;
    const job = jobsOf(data).find((j) => j.id === current.jobId);
    return job !== undefined && !FINISHED_JOB_STATUSES.includes(job.status);
}
/** Claims the schedule's one run slot atomically: a run still going means this one is skipped. */
export async function claimRun(deps, name, trigger) {
    return deps.state.update((data) => {
        const now = deps.now();
        const st = statusOf(scheduleData(data), name);
        if (st.current && stillRunning(data, st.current, now))
            return { kind: 'busy', jobId: st.current.jobId, since: st.current.claimedAt };
        // Our heartbeat goes in with the claim, so other processes see the claim as alive.
        beat(data, now);
        st.current = { claimedAt: now.toISOString(), jobId: null, trigger, owner: ownerStamp() };
        return { kind: 'claimed' };
    });
}
export async function setCurrentJob(deps, name, jobId) {
    await deps.state.update((data) => {
        const st = statusOf(scheduleData(data), name);
        if (st.current)
            st.current.jobId = jobId;
    });
}
/** Ends the claimed run (if it is ours) and appends it to the bounded history. */
export async function recordRun(deps, name, run, keep, release) {
    await deps.state.update((data) => {
        const st = statusOf(scheduleData(data), name);
        if (release && st.current?.owner.processId === ownerStamp().processId)
            st.current = null;
        st.runs.push(run);
        if (st.runs.length > keep)
            st.runs.splice(0, st.runs.length - keep);
    });
}
export async function setNextDue(deps, name, nextDueAt) {
    await deps.state.update((data) => {
        statusOf(scheduleData(data), name).nextDueAt = nextDueAt ? nextDueAt.toISOString() : null;
    });
}
/** The serve process running schedules, if it is alive. */
export function liveService(data, now) {
    const svc = scheduleData(data).service;
    return svc && isOwnerAlive(data, svc.owner, now) ? svc : null;
}
export async function addRequest(deps, schedule, requestedBy) {
    const req = {
        id: randomBytes(6).toString('hex'),
        schedule,
        requestedBy,
        requestedAt: deps.now().toISOString(),
        status: 'queued',
        jobId: null,
        message: null,
    };
    await deps.state.update((data) => {
        const sd = scheduleData(data);
        sd.requests.push(req);
        if (sd.requests.length > MAX_REQUESTS)
            sd.requests.splice(0, sd.requests.length - MAX_REQUESTS);
    });
    return req;
}
export async function getRequest(deps, id) {
    return scheduleData(await deps.state.read()).requests.find((r) => r.id === id) ?? null;
}
//# sourceMappingURL=schedule-store.js.map