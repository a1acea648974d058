import { followJob, submitOp } from '../../core/approvals.js';
import { OpsError } from '../../core/errors.js';
import { progressFor } from './tool-context.js';
import { jobText, opText } from './readable-text.js';
import { jobBrief } from './tool-envelopes.js';
import { errorResult, successResult } from './tool-results.js';
/** Follows the job when the client asked for progress; otherwise returns it as it is now. */
export async function followIfAsked(ctx, job, extra) {
    const onProgress = progressFor(ctx, extra);
    if (!onProgress)
        return job;
    return followJob(ctx.deps, job, { actor: ctx.actor, onProgress, signal: extra.signal });
}
/** The job's outcome as a tool result: running (with its id), succeeded (with the output), or an error. */
export function jobResult(op, job) {
    if (job.status === 'queued' || job.status === 'running') {
        return successResult(op, `${jobText(job)}\n\nIt runs in the background: follow it with the job tools or storage://jobs/${job.id}.`, { job: jobBrief(job), result: null }, job.host);
    }
    if (job.status === 'succeeded')
        return successResult(op, opText(op, job.result), { job: jobBrief(job), result: job.result }, job.host);
    const e = job.error ?? { code: 'internal', message: `the job ended ${job.status}` };
    return errorResult(new OpsError(e.code === 'cancelled' ? 'cancelled' : 'internal', `job ${job.id} (${op.name}) ended ${job.status}: ${e.message}`, e.hint ? { hint: e.hint } : {}));
}
export async function runLong(ctx, op, input, extra) {
    const submitted = await submitOp(ctx.deps, op, input, { actor: ctx.actor });
    if (submitted.kind !== 'job')
        throw new OpsError('internal', `${op.name} is a long op, yet the kernel did not start a job for it`);
    return jobResult(op, await followIfAsked(ctx, submitted.job, extra));
}
//# sourceMappingURL=long-call.js.map