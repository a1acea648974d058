/**
 * Long ops (op.long) in Slack: the kernel runs them as jobs; the bot posts one message that shows
 * the job's progress (phase, percent, rate, ETA), updated from the job's events at most once every
 * 3 seconds, with a Cancel button, and replaces it with the result view (or the error) when the
 * job ends. Messages are posted with the bot token, so they can be updated long after the
 * command's response_url has expired. Approved destructive jobs follow the same way inside the
 * approval message.
 */
import { followJob, submitOp } from '../core/approvals.js';
import { toOpsError } from '../core/errors.js';
import { getJob, waitForJob } from '../core/jobs.js';
import { runningBlocks } from './blocks/job-blocks.js';
import { context, viewBlocks } from './blocks/view-blocks.js';
import { composeBlocks, deliverView, postOrRespond, uploadAttachments } from './delivery.js';
import { rememberMessages, settleMessages } from './message-store.js';
import { outputView } from './op-view.js';
/** Slack allows about one update a second per message; every 3 s keeps a channel readable. */
export const PROGRESS_INTERVAL_MS = 3000;
export function errorView(title, job) {
    const e = job.error ?? { code: 'internal', message: `the job ended ${job.status}` };
    if (job.status === 'cancelled') {
        return { title, summary: `Cancelled${job.cancelRequestedBy ? ` by ${job.cancelRequestedBy}` : ''}; nothing was kept from the partial run.` };
    }
    return { title, summary: `Failed: ${e.message}`, findings: [{ severity: 'critical', message: e.message, ...(e.hint ? { advice: e.hint } : {}) }] };
}
/** The result view of a finished job. */
export function finishedView(rt, job) {
    const op = rt.deps.ops.find(job.op);
    if (job.status === 'succeeded' && op && job.result !== null && job.result !== undefined)
        return outputView(op, job.result);
    if (job.status === 'succeeded')
        return { title: `${job.verb}: job ${job.id}`, summary: job.summary ?? 'Done.' };
    return errorView(`${job.verb}: job ${job.id}`, job);
}
/**
 * Keeps `refs` showing the job: progress at most every 3 s, then the result. Resolves when the
 * job has ended and the messages show it (or the bot stopped). A job already followed is not
 * followed twice.
 */
export function followJobInMessages(rt, job, refs, frame, opts = {}) {
    if (rt.following.has(job.id))
        return Promise.resolve();
    rt.following.add(job.id);
    let latest = job;
    let lastDraw = Date.now();
    let timer = null;
    let finished = false;
    let drawing = Promise.resolve();
    const draw = async () => {
        // A timer set while the previous update was still on its way fires early: wait the rest.
        if (Date.now() < lastDraw + PROGRESS_INTERVAL_MS) {
            schedule();
            return;
        }
        // The last report may be older than a cancel request made since (here or at the CLI).
        latest = await getJob(rt.deps, job.id).catch(() => latest);
        if (finished || rt.stopSignal.aborted)
            return;
        const blocks = [...frame.before(latest), ...runningBlocks(frame.title, latest.id, latest.progress, latest.cancelRequestedBy)];
        for (const ref of refs) {
            await rt.client.chat
                .update({ channel: ref.channel, ts: ref.ts, text: `${frame.title}: running`, blocks })
                .catch((err) => rt.log.warn('slack: progress update failed', { job: job.id, error: toOpsError(err).message }));
        }
        // Counted from when Slack has the update, so two updates are never less than 3 s apart.
        lastDraw = Date.now();
    };
    const schedule = () => {
        if (finished || timer)
            return;
        const t = setTimeout(() => {
            timer = null;
            rt.timers.delete(t);
            drawing = drawing.then(draw);
        }, Math.max(0, lastDraw + PROGRESS_INTERVAL_MS - Date.now()));
        timer = t;
        rt.timers.add(t);
    };
    const finish = async (final) => {
        if (frame.onFinished) {
            await frame.onFinished(final);
            return;
        }
        const rendered = viewBlocks(finishedView(rt, final), { reserveBlocks: frame.before(final).length });
        const blocks = composeBlocks(rendered, { before: frame.before(final) });
        for (const ref of refs) {
            await rt.client.chat.update({ channel: ref.channel, ts: ref.ts, text: rendered.text, blocks });
            await uploadAttachments(rt, ref, rendered);
        }
        if (refs.length === 0 && opts.fallback)
            await postOrRespond(rt, opts.fallback, rendered.text, blocks);
        await settleMessages(rt.deps, 'job', job.id);
    };
    let waited;
    if (opts.actor) {
        waited = followJob(rt.deps, job, { actor: opts.actor, onProgress: schedule });
    }
    else {
        const off = rt.deps.events.subscribe((e) => {
            if (e.type === 'job.progress' && e.job.id === job.id)
                schedule();
        });
        waited = waitForJob(rt.deps, job.id, rt.stopSignal).finally(off);
    }
    return waited
        .then(async (final) => {
        finished = true;
        if (timer) {
            clearTimeout(timer);
            rt.timers.delete(timer);
        }
        await drawing;
        if (!rt.stopSignal.aborted)
            await finish(final);
    })
        .catch((err) => {
        if (!rt.stopSignal.aborted)
            rt.log.warn('slack: could not show a job result', { job: job.id, error: toOpsError(err).message });
    })
        .finally(() => rt.following.delete(job.id));
}
/** `/storage <long verb>`: start the job, post its message, follow it. */
export async function startLongOp(rt, op, input, actor, target, askedText) {
    const asked = context(askedText);
    const submitted = await submitOp(rt.deps, op, input, { actor });
    if (submitted.kind === 'done') {
        await deliverView(rt, target, outputView(op, submitted.output), 'here', { before: [asked] });
        return;
    }
    if (submitted.kind !== 'job')
        return;
    const job = submitted.job;
    const title = `${op.verb}: job ${job.id}`;
    const ref = await postOrRespond(rt, target, `${title}: starting`, [asked, ...runningBlocks(title, job.id, job.progress, null)]);
    if (ref)
        await rememberMessages(rt.deps, { kind: 'job', id: job.id, refs: [ref], asked: askedText });
    await followJobInMessages(rt, job, ref ? [ref] : [], { title, before: () => [asked] }, { actor, fallback: target });
}
/** After a restart: a job message posted before it shows the job again (or its result). */
export async function resumeJobMessages(rt, entry) {
    const job = await getJob(rt.deps, entry.id).catch(() => null);
    if (!job) {
        await settleMessages(rt.deps, 'job', entry.id);
        return;
    }
    const asked = entry.asked ? [context(entry.asked)] : [];
    await followJobInMessages(rt, job, entry.refs, { title: `${job.verb}: job ${job.id}`, before: () => asked });
}
//# sourceMappingURL=job-messages.js.map