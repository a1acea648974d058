import { decideApproval, submitOp, withdrawApproval } from '../../core/approvals.js';
import { OpsError } from '../../core/errors.js';
import { roleOf } from '../../core/roles.js';
import { askToConfirm } from './elicit-confirmation.js';
import { followIfAsked } from './long-call.js';
import { approvalText, jobText, opText } from './readable-text.js';
import { jobBrief } from './tool-envelopes.js';
import { successResult } from './tool-results.js';
async function latest(deps, record) {
    return ((await deps.state.read()).approvals ?? []).find((a) => a.id === record.id) ?? record;
}
function envelope(op, outcome, message, approval, job, result) {
    const parts = [message, '', approvalText(approval)];
    if (job)
        parts.push('', jobText(job));
    if (result !== null && result !== undefined)
        parts.push('', opText(op, result));
    return successResult(op, parts.join('\n'), { outcome, message, approval, job: job ? jobBrief(job) : null, result: result ?? null }, approval.host);
}
export async function runDestructive(ctx, op, input, extra) {
    const submitted = await submitOp(ctx.deps, op, input, { actor: ctx.actor, signal: extra.signal });
    if (submitted.kind !== 'pending')
        throw new OpsError('internal', `${op.name} ran without a confirmation; the kernel should have left it pending`);
    const record = submitted.approval;
    const waiting = (why, r = record) => envelope(op, 'awaiting_approval', `${why} Nothing has been changed. A human admin can approve it in Slack or with \`storage-ops approve ${r.id}\` before ${r.expiresAt}; approval_list shows its status, and you cannot approve it yourself.`, r, null, null);
    const answer = await askToConfirm(ctx, record, extra);
    if (answer === 'unsupported')
        return waiting(`Request ${record.id} is pending approval.`);
    if (answer === 'no_answer')
        return waiting(`Request ${record.id} is pending approval; the user gave no answer to the confirmation.`);
    if (answer === 'declined') {
        const withdrawn = await withdrawApproval(ctx.deps, record.id, ctx.actor);
        return envelope(op, 'withdrawn', `The user declined, so request ${record.id} was withdrawn. Nothing was changed.`, withdrawn, null, null);
    }
    // Confirmed by the user: the requester's own confirmation, under the rules of the CLI's --yes.
    const canSelfApprove = roleOf(ctx.deps.config, ctx.actor) === 'admin' && !record.twoPerson;
    if (!canSelfApprove) {
        const why = record.twoPerson ? 'the two-person rule applies to MCP requests' : `${ctx.actor.id} is not an admin`;
        return waiting(`The user confirmed request ${record.id}, but ${why}, so it waits for an admin.`);
    }
    const decided = await decideApproval(ctx.deps, record.id, 'approve', {
        actor: ctx.actor,
        humanConfirmed: true,
        idempotencyKey: `mcp-confirm:${record.id}`,
        note: 'confirmed by the user in the MCP client',
        signal: extra.signal,
    });
    if (!decided.job)
        return envelope(op, 'executed', decided.message, await latest(ctx.deps, decided.record), null, decided.output);
    const job = await followIfAsked(ctx, decided.job, extra);
    const approval = await latest(ctx.deps, decided.record);
    if (job.status === 'succeeded')
        return envelope(op, 'executed', `${decided.message}; the job succeeded`, approval, job, job.result);
    if (job.status === 'queued' || job.status === 'running')
        return envelope(op, 'running', decided.message, approval, job, null);
    return envelope(op, 'failed', `${decided.message}; the job ended ${job.status}${job.error ? `: ${job.error.message}` : ''}`, approval, job, null);
}
//# sourceMappingURL=destructive-call.js.map