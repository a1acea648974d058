/**
 * schedule_run: runs a schedule now. When a `storage-ops serve` is running schedules, the run
 * is handed to it (a request record in the state file its loop picks up within seconds), so
 * it posts to Slack and never overlaps the cron's run; the answer names the job. With no serve,
 * it runs in this process and waits for the result. Either way the answer says where it ran.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineOp } from '../../core/op.js';
import { presentFields } from '../shared/view-parts.js';
import { runSchedule } from './schedule-job.js';
import { addRequest, findSchedule, getRequest, liveService } from './schedule-store.js';
/** How long to wait for serve to take the request before answering "queued". */
const PICKUP_WAIT_MS = 20_000;
const Output = z.object({
    schedule: z.string(),
    ranIn: z.enum(['serve', 'this process']).describe('where the run happens'),
    servePid: z.number().nullable(),
    status: z.string().describe('serve: queued, started or refused; this process: the run outcome'),
    jobId: z.string().nullable().describe('the run\'s kernel job (`storage-ops job <id>`)'),
    summary: z.string().nullable(),
    report: z.string().nullable().describe('report file under the data dir (in-process runs)'),
});
export const scheduleRun = defineOp({
    name: 'schedule_run',
    verb: 'schedule run',
    summary: 'Run a schedule now: in the running serve when there is one, else here; says which',
    description: 'A run still in progress is never overlapped: the new one is skipped and says so. The run is a job (`storage-ops jobs`) and lands in the schedule\'s history (`storage-ops schedules NAME`).',
    effect: 'write',
    input: z.strictObject({ name: z.string().min(1).describe('schedule to run') }),
    output: Output,
    cli: { positional: ['name'] },
    examples: ['nightly-db'],
    async run(deps, input, ctx) {
        const { spec } = await findSchedule(deps, input.name);
        const svc = liveService(await deps.state.read(), deps.now());
        if (svc) {
            const req = await addRequest(deps, spec.name, ctx.actor.id);
            const deadline = Date.now() + PICKUP_WAIT_MS;
            let seen = req;
            while (Date.now() < deadline && !ctx.signal.aborted) {
                seen = (await getRequest(deps, req.id)) ?? seen;
                if (seen.status !== 'queued')
                    break;
                await sleep(200);
            }
            return {
                schedule: spec.name,
                ranIn: 'serve',
                servePid: svc.owner.pid,
                status: seen.status,
                jobId: seen.jobId,
                summary: seen.message ?? (seen.status === 'queued' ? 'serve has not picked the request up yet; it will' : null),
                report: null,
            };
        }
        const run = await runSchedule(deps, spec, 'manual', ctx.actor.id);
        return { schedule: spec.name, ranIn: 'this process', servePid: null, status: run.outcome, jobId: run.jobId, summary: run.summary, report: run.report };
    },
    view(o) {
        const where = o.ranIn === 'serve'
            ? `handed to the running serve (pid ${o.servePid}), ${o.status}`
            : `no serve is running, so it ran in this process: ${o.status}`;
        return {
            title: `Schedule ${o.schedule}`,
            summary: `Schedule ${o.schedule}: ${where}${o.jobId ? ` (job ${o.jobId})` : ''}.`,
            fields: presentFields([
                { label: 'Ran in', value: o.ranIn },
                { label: 'Status', value: o.status },
                o.jobId !== null && { label: 'Job', value: o.jobId },
                o.report !== null && { label: 'Report', value: o.report },
            ]),
            notes: [...(o.summary ? [o.summary] : []), ...(o.ranIn === 'serve' && o.jobId ? [`Follow it with \`storage-ops job ${o.jobId}\`.`] : [])],
        };
    },
    shortfall(o) {
        if (o.status === 'failed' || o.status === 'refused' || o.status === 'cancelled' || o.status === 'interrupted')
            return `schedule ${o.schedule} ${o.status}: ${o.summary ?? ''}`;
        return null;
    },
});
//# sourceMappingURL=schedule-run.js.map