import { appendAudit } from './audit.js';
import { isFinished, jobsOf } from './jobs.js';
import { isOwnerAlive } from './process-owner.js';
/** An approval approved but never claimed for this long is taken as abandoned by a dead process. */
const UNCLAIMED_MS = 5 * 60_000;
function findAbandoned(data, now) {
    const jobs = jobsOf(data).filter((j) => !isFinished(j) && !isOwnerAlive(data, j.owner, now));
    const jobIds = new Set(jobs.map((j) => j.id));
    const approvals = (data.approvals ?? []).filter((a) => {
        if (a.status === 'running') {
            const jobId = a.execution?.jobId;
            if (jobId) {
                const job = jobsOf(data).find((j) => j.id === jobId);
                return !job || jobIds.has(jobId) || isFinished(job);
            }
            return !isOwnerAlive(data, a.execution?.owner ?? null, now);
        }
        return a.status === 'approved' && a.decidedAt !== null && now.getTime() - Date.parse(a.decidedAt) > UNCLAIMED_MS;
    });
    return { jobs, approvals };
}
export async function recoverInterrupted(deps) {
    const now = deps.now();
    const first = findAbandoned(await deps.state.read(), now);
    if (first.jobs.length === 0 && first.approvals.length === 0)
        return first;
    const found = await deps.state.update((data) => {
        const f = findAbandoned(data, now);
        const at = now.toISOString();
        for (const j of f.jobs) {
            const who = j.owner ? `pid ${j.owner.pid} on ${j.owner.hostname}` : 'an unknown process';
            j.status = 'interrupted';
            j.finishedAt = at;
            j.error = { code: 'unavailable', message: `the process running it (${who}) stopped before the job ended`, hint: `Check what it left (storage-ops ${j.verb} ...) and run it again` };
            j.summary = j.error.message;
        }
        for (const a of f.approvals) {
            const wasRunning = a.status === 'running';
            a.status = 'interrupted';
            a.execution = {
                startedAt: a.execution?.startedAt ?? at,
                finishedAt: at,
                outcome: 'interrupted',
                summary: null,
                error: wasRunning ? 'the process executing it stopped before it ended' : 'approved, but the process that was to execute it stopped first',
                jobId: a.execution?.jobId ?? null,
                owner: a.execution?.owner ?? null,
            };
        }
        return structuredClone(f);
    });
    for (const j of found.jobs) {
        await appendAudit(deps, { actor: 'system', source: 'system', op: j.op, host: j.host, input: j.input, phase: 'finished', outcome: 'error', error: { code: 'interrupted', message: j.error?.message ?? 'interrupted' }, durationMs: null, approvalId: j.approvalId, detail: { job: j.id } });
        deps.events.emit({ type: 'job.finished', job: j });
    }
    for (const a of found.approvals) {
        await appendAudit(deps, { actor: 'system', source: 'system', op: a.op, host: a.host, input: a.input, phase: 'finished', outcome: 'error', error: { code: 'interrupted', message: a.execution?.error ?? 'interrupted' }, durationMs: null, approvalId: a.id });
        deps.events.emit({ type: 'approval.failed', approval: a });
    }
    if (found.jobs.length || found.approvals.length) {
        deps.log.warn('marked work of stopped processes as interrupted', { jobs: found.jobs.map((j) => j.id), approvals: found.approvals.map((a) => a.id) });
    }
    return found;
}
//# sourceMappingURL=recovery.js.map