import { expireApprovals } from './approvals.js';
import { jobsOf } from './jobs.js';
const approvalKey = (a) => `${a.status}|${a.execution?.outcome ?? ''}`;
const jobKey = (j) => `${j.status}|${j.progress?.at ?? ''}`;
/** The events that take an approval from one status to another (none for a status seen already). */
function approvalEvents(before, a) {
    const was = before?.split('|')[0];
    const out = [];
    if (was === undefined && a.status === 'pending')
        return ['approval.requested'];
    const decided = ['approved', 'denied', 'running', 'executed', 'failed'];
    if ((was === undefined || was === 'pending') && decided.includes(a.status))
        out.push('approval.decided');
    if (a.status === 'executed')
        out.push('approval.executed');
    if (a.status === 'failed' || a.status === 'interrupted')
        out.push('approval.failed');
    if (a.status === 'expired')
        out.push('approval.expired');
    if (a.status === 'withdrawn')
        out.push('approval.withdrawn');
    return out;
}
export async function startEventRelay(deps, intervalMs = 1000) {
    const approvals = new Map();
    const jobs = new Map();
    // What this process emits itself is already known to subscribers.
    const off = deps.events.subscribe((e) => {
        if ('approval' in e)
            approvals.set(e.approval.id, approvalKey(e.approval));
        else if ('job' in e)
            jobs.set(e.job.id, jobKey(e.job));
    });
    const baseline = await deps.state.read();
    for (const a of baseline.approvals ?? [])
        approvals.set(a.id, approvalKey(a));
    for (const j of jobsOf(baseline))
        jobs.set(j.id, jobKey(j));
    let busy = false;
    const poll = async () => {
        if (busy)
            return;
        busy = true;
        try {
            await expireApprovals(deps);
            const data = await deps.state.read();
            for (const a of data.approvals ?? []) {
                const key = approvalKey(a);
                const before = approvals.get(a.id);
                if (before === key)
                    continue;
                approvals.set(a.id, key);
                for (const type of approvalEvents(before, a))
                    deps.events.emit({ type, approval: a });
            }
            for (const j of jobsOf(data)) {
                const key = jobKey(j);
                const before = jobs.get(j.id);
                if (before === key)
                    continue;
                jobs.set(j.id, key);
                if (before === undefined)
                    deps.events.emit({ type: 'job.started', job: j });
                if (['succeeded', 'failed', 'cancelled', 'interrupted'].includes(j.status))
                    deps.events.emit({ type: 'job.finished', job: j });
                else if (before !== undefined)
                    deps.events.emit({ type: 'job.progress', job: j });
            }
        }
        catch (err) {
            deps.log.warn('event relay could not read the state file', { error: String(err) });
        }
        finally {
            busy = false;
        }
    };
    const timer = setInterval(() => void poll(), intervalMs);
    timer.unref();
    return {
        stop() {
            clearInterval(timer);
            off();
        },
        poll,
    };
}
//# sourceMappingURL=event-relay.js.map