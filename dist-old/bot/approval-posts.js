import { expireApprovals } from '../core/approvals.js';
import { getJob } from '../core/jobs.js';
import { approvalMessage, effectiveStatus } from './blocks/approval-blocks.js';
import { postOrRespond, uploadAttachments } from './delivery.js';
import { finishedView, followJobInMessages, resumeJobMessages } from './job-messages.js';
import { rememberMessages, settleMessages, storedMessages } from './message-store.js';
import { toOpsError } from '../core/errors.js';
/** Statuses after which nothing more happens to a request (but a running job may still end). */
const SETTLED = new Set(['denied', 'expired', 'withdrawn', 'executed', 'failed', 'interrupted']);
/** Posts a new request to `origin` (where it was asked, if in Slack) and to the approvals channel. */
export async function postApproval(rt, record, origin) {
    if (rt.approvalMessages.has(record.id))
        return rt.approvalMessages.get(record.id) ?? [];
    const refs = [];
    rt.approvalMessages.set(record.id, refs);
    const msg = approvalMessage(record, rt.deps.now());
    const targets = [];
    if (origin)
        targets.push(origin);
    if (rt.approvalsChannel && rt.approvalsChannel !== origin?.channel)
        targets.push({ channel: rt.approvalsChannel });
    if (targets.length === 0) {
        rt.log.warn('slack: an approval request was made outside Slack, but no approvals channel is configured (slack.approvalsChannel)', { approval: record.id });
    }
    for (const t of targets) {
        try {
            const ref = await postOrRespond(rt, t, msg.text, msg.blocks);
            if (ref) {
                refs.push(ref);
                await uploadAttachments(rt, ref, { ...msg.rendered, charts: [] });
            }
        }
        catch (err) {
            rt.log.error('slack: could not post an approval request', { approval: record.id, channel: t.channel, error: toOpsError(err).message });
            if (t.channel === rt.approvalsChannel)
                continue;
            throw err;
        }
    }
    await rememberMessages(rt.deps, { kind: 'approval', id: record.id, refs });
    scheduleExpiry(rt, record);
    return refs;
}
/** Redraws every message showing the request (decision, execution, expiry). */
export async function refreshApproval(rt, record, result) {
    const refs = rt.approvalMessages.get(record.id) ?? [];
    if (result)
        rt.approvalResults.set(record.id, result);
    const msg = approvalMessage(record, rt.deps.now(), result ?? rt.approvalResults.get(record.id) ?? null);
    for (const ref of refs) {
        await rt.client.chat.update({ channel: ref.channel, ts: ref.ts, text: msg.text, blocks: msg.blocks }).catch((err) => {
            rt.log.warn('slack: could not update an approval message', { approval: record.id, channel: ref.channel, error: toOpsError(err).message });
        });
    }
}
/**
 * At its expiry, a request nobody decided is marked expired by the kernel (which emits
 * approval.expired, redrawing its messages); serve's event relay does the same every second, so
 * this timer only matters for a bot running without it.
 */
function scheduleExpiry(rt, record) {
    if (record.status !== 'pending')
        return;
    const delay = Math.max(0, Date.parse(record.expiresAt) - rt.deps.now().getTime()) + 1000;
    const timer = setTimeout(() => {
        rt.timers.delete(timer);
        void expireApprovals(rt.deps).catch((err) => rt.log.warn('slack: expiry update failed', { approval: record.id, error: toOpsError(err).message }));
    }, Math.min(delay, 2 ** 31 - 1));
    timer.unref();
    rt.timers.add(timer);
}
export async function findApproval(rt, id) {
    const data = await rt.deps.state.read();
    return data.approvals?.find((a) => a.id === id) ?? null;
}
/**
 * An approved long op runs as a job: the request's messages show its progress, then the result
 * under the decision. `actor` is given when this process started the job (a click here).
 */
export function followApprovalJob(rt, record, job, actor) {
    const refs = rt.approvalMessages.get(record.id) ?? [];
    return followJobInMessages(rt, job, refs, {
        title: `${record.verb}: job ${job.id}`,
        before: () => approvalMessage(record, rt.deps.now()).blocks.slice(0, 44),
        onFinished: async (final) => {
            const current = (await findApproval(rt, record.id)) ?? record;
            await refreshApproval(rt, current, finishedView(rt, final));
            await settleMessages(rt.deps, 'approval', record.id);
        },
    }, actor ? { actor } : {});
}
/** Redraws a request after a change; follows its job if it has one; remembers when it is settled. */
async function track(rt, record) {
    await refreshApproval(rt, record);
    const jobId = record.execution?.jobId;
    if (jobId) {
        const job = await getJob(rt.deps, jobId).catch(() => null);
        if (job) {
            void followApprovalJob(rt, record, job);
            return;
        }
    }
    if (SETTLED.has(effectiveStatus(record, rt.deps.now())))
        await settleMessages(rt.deps, 'approval', record.id);
}
/**
 * Follows the kernel's events: requests from elsewhere are posted to the approvals channel;
 * decisions, withdrawals, executions and expiries redraw the messages that show the request; a
 * job executing a shown request (started here or by another process) is drawn in them.
 */
export function followApprovalEvents(rt) {
    return rt.deps.events.subscribe((event) => {
        let work = Promise.resolve();
        if (event.type === 'job.started') {
            const approvalId = event.job.approvalId;
            if (approvalId && rt.approvalMessages.has(approvalId) && !rt.following.has(event.job.id)) {
                const job = event.job;
                work = findApproval(rt, approvalId).then((record) => (record ? followApprovalJob(rt, record, job) : undefined));
            }
        }
        else if ('approval' in event) {
            const record = event.approval;
            if (event.type === 'approval.requested') {
                // Slack's own requests are posted by the command, where they were asked.
                if (record.requester.source !== 'slack')
                    work = postApproval(rt, record, null);
            }
            else if (rt.approvalMessages.has(record.id)) {
                work = track(rt, record);
            }
        }
        work.catch((err) => rt.log.warn('slack: could not show a kernel event', { type: event.type, error: toOpsError(err).message }));
    });
}
/**
 * After a restart: the requests and jobs posted before it are shown as they are now (decided,
 * expired or withdrawn meanwhile; a job's result), and those still open are followed again.
 */
export async function resumeMessages(rt) {
    const entries = await storedMessages(rt.deps);
    for (const e of entries)
        if (e.kind === 'approval')
            rt.approvalMessages.set(e.id, e.refs);
    for (const e of entries.filter((x) => x.active)) {
        try {
            if (e.kind === 'job') {
                void resumeJobMessages(rt, e);
                continue;
            }
            const record = await findApproval(rt, e.id);
            if (!record) {
                await settleMessages(rt.deps, 'approval', e.id);
                continue;
            }
            if (record.status === 'pending')
                scheduleExpiry(rt, record);
            await track(rt, record);
        }
        catch (err) {
            rt.log.warn('slack: could not resume a message', { kind: e.kind, id: e.id, error: toOpsError(err).message });
        }
    }
}
//# sourceMappingURL=approval-posts.js.map