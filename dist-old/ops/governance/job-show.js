/**
 * job_show: one job, with its last progress, and its result or error once it ended.
 */
import { z } from 'zod';
import { JobRecordSchema } from '../../core/job-record.js';
import { getJob } from '../../core/jobs.js';
import { defineOp } from '../../core/op.js';
import { jobId } from './job-shared.js';
import { jobView } from '../../core/views/job-view.js';
export const jobShow = defineOp({
    name: 'job_show',
    verb: 'job',
    summary: "Show one job: status, last progress (phase, percent, rate, ETA), and its result or error",
    effect: 'read',
    input: z.strictObject({
        id: jobId.describe('job id (from `storage-ops jobs`)'),
    }),
    output: z.object({ job: JobRecordSchema }),
    cli: { positional: ['id'] },
    examples: ['q7m2x9ka'],
    async run(deps, input) {
        return { job: await getJob(deps, input.id) };
    },
    view: (o) => jobView(o.job),
});
//# sourceMappingURL=job-show.js.map