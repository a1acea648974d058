/**
 * job_cancel: asks a running or queued job to stop, from any process sharing the data dir. The
 * job stops within seconds and cleans up (a cancelled backup leaves no file and no catalog entry;
 * containers it stopped are started again).
 */
import { z } from 'zod';
import { JobRecordSchema } from '../../core/job-record.js';
import { cancelJob } from '../../core/jobs.js';
import { defineOp } from '../../core/op.js';
import { jobId } from './job-shared.js';
import { jobView } from '../../core/views/job-view.js';
export const jobCancel = defineOp({
    name: 'job_cancel',
    verb: 'cancel',
    summary: 'Cancel a running or queued job; it stops within seconds and cleans up after itself',
    description: 'Anyone may cancel their own jobs; cancelling somebody else’s needs an admin. A finished job cannot be cancelled.',
    effect: 'write',
    input: z.strictObject({
        id: jobId.describe('job id (from `storage-ops jobs`)'),
    }),
    output: z.object({ job: JobRecordSchema }),
    cli: { positional: ['id'] },
    examples: ['q7m2x9ka'],
    async run(deps, input, ctx) {
        return { job: await cancelJob(deps, input.id, ctx.actor) };
    },
    view(o) {
        const job = jobView(o.job);
        return { ...job, title: `Cancel job ${o.job.id}`, summary: `Cancel requested for job ${o.job.id}; it stops within seconds.`, fields: [{ label: 'Job', value: job.summary }, ...(job.fields ?? [])] };
    },
});
//# sourceMappingURL=job-cancel.js.map