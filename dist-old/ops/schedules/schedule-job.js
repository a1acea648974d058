/**
 * One run of a schedule, as a kernel job. `scheduleJob` is the op the job runs (kept out of the
 * public catalog: people start runs with `schedule run`); runSchedule claims the schedule's run
 * slot (a run still going means this one is skipped: no overlap, across processes), starts the
 * job, waits for it, appends the run to the schedule's bounded history and publishes the result
 * (log, reports/, Slack through the schedule.posted event). Failures are published too.
 */
import { z } from 'zod';
import { toOpsError } from '../../core/errors.js';
import { startJob, waitForJob } from '../../core/jobs.js';
import { defineOp } from '../../core/op.js';
import { runBackup } from './kind-backup.js';
import { runMonitor } from './kind-monitor.js';
import { runReport } from './kind-report.js';
import { publish } from './schedule-post.js';
import { claimRun, findSchedule, recordRun, setCurrentJob } from './schedule-store.js';
const Output = z.object({
    schedule: z.string(),
    kind: z.string(),
    trigger: z.string(),
    post: z.boolean().describe('whether the result was worth posting (a monitor at an unchanged level is not)'),
    view: z.custom((v) => typeof v === 'object' && v !== null).describe('the result as people see it'),
    details: z.record(z.string(), z.unknown()),
});
function runKind(deps, spec, ctx) {
    switch (spec.kind) {
        case 'report':
            return runReport(deps, spec, ctx);
        case 'backup':
            return runBackup(deps, spec, ctx);
        case 'monitor':
            return runMonitor(deps, spec, ctx);
    }
}
export const scheduleJob = defineOp({
    name: 'schedule_job',
    verb: 'schedule job',
    summary: "One run of a schedule (the job behind `schedule run` and serve's cron)",
    effect: 'write',
    long: true,
    // The run coordinates; the ops it starts take their own slots on their engines.
    allHostsWhenOmitted: true,
    input: z.strictObject({
        name: z.string().min(1).describe('schedule name'),
        trigger: z.enum(['cron', 'catch-up', 'manual']).default('manual').describe('what started the run'),
    }),
    output: Output,
    async run(deps, input, ctx) {
        const { spec } = await findSchedule(deps, input.name);
        const result = await runKind(deps, spec, ctx);
        return { schedule: spec.name, kind: spec.kind, trigger: input.trigger, post: result.post ?? true, view: result.view, details: result.details };
    },
    // The run's own view is the answer: a report, a backup's outcome, a monitor's level.
    view: (o) => o.view,
});
export function scheduleActor(name) {
    return { id: `schedule:${name}`, source: 'schedule', display: `schedule ${name}` };
}
function failureView(spec, message, jobId) {
    return {
        title: `Schedule ${spec.name} (${spec.kind}) failed`,
        summary: message,
        findings: [{ severity: 'critical', message, ...(jobId ? { advice: `storage-ops job ${jobId} shows the details` } : {}) }],
    };
}
/** Runs a schedule now (claim, job, history, publish); resolves when the run has ended or was skipped. */
export async function runSchedule(deps, spec, trigger, requestedBy, hooks = {}) {
    const startedAt = deps.now().toISOString();
    const claim = await claimRun(deps, spec.name, trigger);
    if (claim.kind === 'busy') {
        const run = {
            jobId: null,
            trigger,
            requestedBy,
            startedAt,
            finishedAt: startedAt,
            outcome: 'skipped',
            summary: `skipped: the previous run (since ${claim.since}${claim.jobId ? `, job ${claim.jobId}` : ''}) is still going`,
            report: null,
        };
        deps.log.warn(`schedule ${spec.name}: ${run.summary}`);
        await recordRun(deps, spec.name, run, spec.keepRuns, false);
        return run;
    }
    let jobId = null;
    let run;
    try {
        const job = await startJob(deps, scheduleJob, { name: spec.name, trigger }, { actor: scheduleActor(spec.name) });
        jobId = job.id;
        await setCurrentJob(deps, spec.name, job.id);
        await hooks.onStarted?.(job.id);
        deps.log.info(`schedule ${spec.name}: run started`, { trigger, job: job.id, requestedBy });
        const ended = await waitForJob(deps, job.id);
        const out = ended.status === 'succeeded' ? ended.result : null;
        let report = null;
        if (out) {
            if (out.post)
                report = await publish(deps, { schedule: spec.name, kind: spec.kind, channel: spec.channel ?? null, view: out.view, jobId });
            else
                deps.log.info(`schedule ${spec.name}: ${out.view.summary}`, { job: jobId });
        }
        else {
            const why = ended.error ? `${ended.error.message}${ended.error.hint ? ` (${ended.error.hint})` : ''}` : `run ${ended.status}`;
            report = await publish(deps, { schedule: spec.name, kind: spec.kind, channel: spec.channel ?? null, view: failureView(spec, why, jobId), jobId });
        }
        run = {
            jobId,
            trigger,
            requestedBy,
            startedAt,
            finishedAt: ended.finishedAt ?? deps.now().toISOString(),
            outcome: ended.status === 'queued' ? 'running' : ended.status,
            summary: out ? out.view.summary : (ended.error?.message ?? ended.status),
            report,
        };
    }
    catch (err) {
        const e = toOpsError(err);
        run = { jobId, trigger, requestedBy, startedAt, finishedAt: deps.now().toISOString(), outcome: 'failed', summary: e.message, report: null };
        deps.log.error(`schedule ${spec.name}: run failed to start`, { error: e.toLine() });
    }
    await recordRun(deps, spec.name, run, spec.keepRuns, true);
    return run;
}
//# sourceMappingURL=schedule-job.js.map