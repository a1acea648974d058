/**
 * Jobs: long ops run in the background of the process that starts them, recorded in the state
 * file so that any process sharing the data dir can list them, follow them and cancel them.
 * startJob returns at once; the job waits for a free slot on its host (config
 * jobs.perHostConcurrency, counted across processes), runs through runOp, reports progress
 * (persisted and emitted at most once a second) and ends succeeded, failed or cancelled. A
 * cancel written by another process is seen within a second; a job whose process died is marked
 * interrupted by the next process that starts (src/core/recovery.ts).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { OpsError, toOpsError } from './errors.js';
import { FINISHED_JOB_STATUSES } from './job-record.js';
import { holdLease, isOwnerAlive, ownerStamp } from './process-owner.js';
import { redactValue } from './redact.js';
import { requiredRoleFor, requireRole, roleOf } from './roles.js';
import { hostOf, parseInput, runOp } from './run-op.js';
import { summaryOf } from './summary.js';
export const JOB_ID_PATTERN = /^[a-z0-9]{8}$/;
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const POLL_MS = 1_000;
const PROGRESS_PERSIST_MS = 1_000;
/** Results larger than this are not kept in the state file (the job's summary still is). */
const MAX_RESULT_BYTES = 512 * 1024;
/** Jobs running in this process, by id. */
const local = new Map();
export function isFinished(job) {
    return FINISHED_JOB_STATUSES.includes(job.status);
}
export function jobsOf(data) {
    if (!Array.isArray(data.jobs))
        data.jobs = [];
    return data.jobs;
}
function newId() {
    return [...randomBytes(8)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}
function checkId(id) {
    if (!JOB_ID_PATTERN.test(id)) {
        throw new OpsError('invalid_input', `"${id}" is not a job id (8 lowercase letters and digits)`, { hint: '`storage-ops jobs` lists them' });
    }
}
function notFound(id) {
    return new OpsError('not_found', `no job "${id}"`, { hint: '`storage-ops jobs` lists recent jobs; old ones are dropped from the history' });
}
/** Keeps every unfinished job and the newest `keep` finished ones. */
function trim(data, keep) {
    const jobs = jobsOf(data);
    const finished = jobs.filter(isFinished);
    if (finished.length <= keep)
        return;
    const drop = new Set(finished.slice(0, finished.length - keep).map((j) => j.id));
    data.jobs = jobs.filter((j) => !drop.has(j.id));
}
async function mutate(deps, id, change) {
    return deps.state.update((data) => {
        const job = jobsOf(data).find((j) => j.id === id);
        if (!job)
            throw notFound(id);
        change(job, data);
        return structuredClone(job);
    });
}
/** Starts `op` as a job and returns its record at once (queued or running). */
export async function startJob(deps, op, rawInput, opts) {
    requireRole(deps.config, opts.actor, requiredRoleFor(op), `run ${op.verb}`);
    let input;
    if (opts.approvalId) {
        const approval = ((await deps.state.read()).approvals ?? []).find((a) => a.id === opts.approvalId);
        if (!approval)
            throw new OpsError('not_found', `no approval request "${opts.approvalId}"`, { hint: '`storage-ops approvals --all` lists them' });
        input = approval.input;
    }
    else {
        input = parseInput(op, rawInput);
    }
    const now = deps.now().toISOString();
    const record = {
        id: newId(),
        op: op.name,
        verb: op.verb,
        host: op.allHostsWhenOmitted && typeof input.host !== 'string' ? null : hostOf(deps, op, input),
        actor: { id: opts.actor.id, source: opts.actor.source, ...(opts.actor.display ? { display: opts.actor.display } : {}) },
        input: redactValue(input),
        approvalId: opts.approvalId ?? null,
        status: 'queued',
        progress: null,
        result: null,
        summary: null,
        error: null,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        cancelRequestedBy: null,
        owner: ownerStamp(),
        parentJobId: opts.parentJobId ?? null,
    };
    // Alive before the record names us as its owner, so no other process takes it for abandoned.
    const release = await holdLease(deps.state, deps.now, (err) => deps.log.warn('heartbeat not written', { error: String(err) }));
    try {
        await deps.state.update((data) => {
            jobsOf(data).push(record);
            trim(data, deps.config.jobs.keepFinished);
        });
    }
    catch (err) {
        release();
        throw err;
    }
    deps.events.emit({ type: 'job.started', job: structuredClone(record) });
    const controller = new AbortController();
    const done = execute(deps, op, record, opts.approvalId ? undefined : input, opts, controller).finally(release);
    local.set(record.id, { deps, controller, done });
    ensureWatcher(deps);
    void done.finally(() => local.delete(record.id));
    return record;
}
async function execute(deps, op, record, input, opts, controller) {
    const id = record.id;
    try {
        if (!(await waitForSlot(deps, record, controller.signal)))
            return await finish(deps, op, id, { cancelled: true });
        let lastPersist = 0;
        let pending = null;
        let persisting = Promise.resolve();
        const onProgress = (p) => {
            const progress = toJobProgress(p, deps.now());
            opts.onProgress?.(progress);
            pending = progress;
            const t = Date.now();
            if (t - lastPersist < PROGRESS_PERSIST_MS)
                return;
            lastPersist = t;
            const snapshot = pending;
            persisting = persisting
                .then(() => mutate(deps, id, (j) => void (j.progress = snapshot)))
                .then((j) => deps.events.emit({ type: 'job.progress', job: j }))
                .catch((err) => deps.log.warn('job progress not saved', { job: id, error: String(err) }));
        };
        let output;
        try {
            output = await runOp(deps, op, input, { actor: opts.actor, approvalId: opts.approvalId, jobId: id, onProgress, signal: controller.signal });
        }
        finally {
            await persisting;
        }
        return await finish(deps, op, id, { output, progress: pending });
    }
    catch (err) {
        const e = toOpsError(err, op.verb);
        return finish(deps, op, id, { error: e, cancelled: e.code === 'cancelled' || controller.signal.aborted });
    }
}
/** Claims a slot on the job's host, queued until one is free; false when cancelled meanwhile. */
async function waitForSlot(deps, record, signal) {
    const limit = deps.config.jobs.perHostConcurrency;
    let announced = false;
    for (;;) {
        if (signal.aborted)
            return false;
        const claimed = await deps.state.update((data) => {
            const now = deps.now();
            const jobs = jobsOf(data);
            const job = jobs.find((j) => j.id === record.id);
            if (!job)
                throw notFound(record.id);
            if (job.cancelRequestedBy)
                return 'cancelled';
            const busy = jobs.filter((j) => j.status === 'running' && j.host === record.host && j.id !== record.id && isOwnerAlive(data, j.owner, now)).length;
            if (record.parentJobId || record.host === null || busy < limit) {
                job.status = 'running';
                job.startedAt = now.toISOString();
                return structuredClone(job);
            }
            if (!announced) {
                job.progress = { phase: 'queued', message: `waiting: ${busy} job(s) already run on ${record.host} (jobs.perHostConcurrency ${limit})`, at: now.toISOString() };
            }
            return 'wait';
        });
        if (claimed === 'cancelled')
            return false;
        if (claimed !== 'wait') {
            deps.events.emit({ type: 'job.progress', job: claimed });
            return true;
        }
        announced = true;
        await sleep(POLL_MS, signal);
    }
}
function toJobProgress(p, now) {
    const out = { phase: p.phase, at: now.toISOString() };
    if (p.done !== undefined)
        out.done = p.done;
    if (p.total !== undefined)
        out.total = p.total;
    if (p.unit !== undefined)
        out.unit = p.unit;
    if (p.rate !== undefined)
        out.rate = p.rate;
    if (p.message !== undefined)
        out.message = p.message;
    if (p.rate && p.rate > 0 && p.total !== undefined && p.done !== undefined && p.total >= p.done) {
        out.etaSeconds = Math.round((p.total - p.done) / p.rate);
    }
    return out;
}
async function finish(deps, op, id, end) {
    const now = deps.now().toISOString();
    const job = await deps.state.update((data) => {
        const j = jobsOf(data).find((x) => x.id === id);
        if (!j)
            throw notFound(id);
        j.finishedAt = now;
        if (end.progress)
            j.progress = end.progress;
        if (end.error || end.cancelled) {
            const e = end.error ?? new OpsError('cancelled', `${op.verb} was cancelled before it started`);
            j.status = end.cancelled ? 'cancelled' : 'failed';
            j.error = { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
            j.summary = end.cancelled ? `cancelled${j.cancelRequestedBy ? ` by ${j.cancelRequestedBy}` : ''}` : e.message;
        }
        else {
            j.status = 'succeeded';
            const result = redactValue(end.output);
            j.result = JSON.stringify(result ?? null).length <= MAX_RESULT_BYTES ? (result ?? null) : null;
            j.summary = summaryOf(op, end.output);
        }
        trim(data, deps.config.jobs.keepFinished);
        return structuredClone(j);
    });
    deps.events.emit({ type: 'job.finished', job });
    return job;
}
export async function getJob(deps, id) {
    checkId(id);
    const job = jobsOf(await deps.state.read()).find((j) => j.id === id);
    if (!job)
        throw notFound(id);
    return job;
}
export async function listJobs(deps, filter = {}) {
    const jobs = jobsOf(await deps.state.read()).filter((j) => !filter.status || filter.status.includes(j.status));
    return jobs.slice(-(filter.limit ?? 50)).reverse();
}
/**
 * Asks a job to stop. The process running it aborts it within a second (at once when that is this
 * process); the job ends "cancelled". Cancelling someone else's job needs an admin.
 */
export async function cancelJob(deps, id, actor) {
    checkId(id);
    const job = await deps.state.update((data) => {
        const j = jobsOf(data).find((x) => x.id === id);
        if (!j)
            throw notFound(id);
        if (isFinished(j)) {
            throw new OpsError('conflict', `job ${id} (${j.verb}) already ended ${j.status} at ${j.finishedAt ?? '?'}; there is nothing to cancel`);
        }
        if (j.actor.id !== actor.id && roleOf(deps.config, actor) !== 'admin') {
            throw new OpsError('forbidden', `job ${id} was started by ${j.actor.display ?? j.actor.id}; only they or an admin may cancel it`);
        }
        j.cancelRequestedBy ??= actor.id;
        return structuredClone(j);
    });
    local.get(id)?.controller.abort();
    return job;
}
/** Resolves with the finished job: at once for this process's jobs, by polling the state file for others'. */
export async function waitForJob(deps, id, signal) {
    const mine = local.get(id);
    if (mine)
        return mine.done;
    for (;;) {
        const job = await getJob(deps, id);
        if (isFinished(job))
            return job;
        await sleep(500, signal);
        if (signal?.aborted)
            throw new OpsError('cancelled', `stopped waiting for job ${id}; it goes on`, { hint: `storage-ops job ${id}` });
    }
}
/** The job's output, or its error thrown as the OpsError it ended with. */
export function jobOutcome(job) {
    if (job.status === 'succeeded')
        return job.result;
    const e = job.error ?? { code: 'internal', message: `job ${job.id} ended ${job.status}` };
    throw new OpsError(errorCode(e.code), e.message, e.hint ? { hint: e.hint } : {});
}
const ErrorCodeSchema = z.enum(['invalid_input', 'not_found', 'conflict', 'busy', 'forbidden', 'approval_required', 'unavailable', 'config', 'cancelled', 'corrupt', 'internal']);
function errorCode(code) {
    const parsed = ErrorCodeSchema.safeParse(code);
    return parsed.success ? parsed.data : 'internal';
}
// --- The per-process watcher: cancels asked for by other processes reach the job within a second. ---
const watchers = new WeakMap();
function ensureWatcher(deps) {
    if (watchers.has(deps))
        return;
    const timer = setInterval(() => {
        if (![...local.values()].some((l) => l.deps === deps)) {
            clearInterval(timer);
            watchers.delete(deps);
            return;
        }
        deps.state
            .read()
            .then((data) => {
            for (const j of jobsOf(data))
                if (j.cancelRequestedBy)
                    local.get(j.id)?.controller.abort();
        })
            .catch((err) => deps.log.warn('job watcher could not read the state file', { error: String(err) }));
    }, POLL_MS);
    timer.unref();
    watchers.set(deps, timer);
}
function sleep(ms, signal) {
    return new Promise((resolve) => {
        const t = setTimeout(done, ms);
        function done() {
            clearTimeout(t);
            signal?.removeEventListener('abort', done);
            resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
    });
}
//# sourceMappingURL=jobs.js.map