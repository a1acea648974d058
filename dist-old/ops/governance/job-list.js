/**
 * job_list: recent jobs (long ops: backups, restores, verifies, benchmarks, clean-ups), newest
 * first, from every process sharing the data dir.
 */
import { z } from 'zod';
import { JobRecordSchema, JobStatusSchema } from '../../core/job-record.js';
import { listJobs } from '../../core/jobs.js';
import { defineOp } from '../../core/op.js';
import { jobsTable } from './job-shared.js';
export const jobList = defineOp({
    name: 'job_list',
    verb: 'jobs',
    summary: 'List recent jobs (backups, restores, verifies, benchmarks, clean-ups) with their status and progress',
    description: 'Running and queued jobs first come from any process that shares the data dir (the CLI, serve, an MCP server). Finished jobs are kept up to jobs.keepFinished.',
    effect: 'read',
    input: z.strictObject({
        status: z.array(JobStatusSchema).optional().describe('only jobs in these states (queued, running, succeeded, failed, cancelled, interrupted)'),
        limit: z.number().int().min(1).max(500).default(20).describe('how many, newest first'),
    }),
    output: z.object({ jobs: z.array(JobRecordSchema) }),
    examples: ['', '--status running --status queued', '--limit 5'],
    async run(deps, input) {
        return { jobs: await listJobs(deps, { ...(input.status ? { status: input.status } : {}), limit: input.limit }) };
    },
    view(o) {
        if (o.jobs.length === 0)
            return { title: 'Jobs', summary: 'No jobs.' };
        const count = (s) => o.jobs.filter((j) => j.status === s).length;
        return {
            title: 'Jobs',
            summary: `${o.jobs.length} job(s), newest first: ${count('running')} running, ${count('queued')} queued`,
            tables: [jobsTable(o.jobs)],
        };
    },
});
//# sourceMappingURL=job-list.js.map