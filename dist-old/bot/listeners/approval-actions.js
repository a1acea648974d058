import { decideApproval, withdrawApproval } from '../../core/approvals.js';
import { toOpsError } from '../../core/errors.js';
import { findApproval, followApprovalJob, refreshApproval } from '../approval-posts.js';
import { APPROVE_ACTION, DENY_ACTION, WITHDRAW_ACTION } from '../blocks/approval-blocks.js';
import { esc } from '../blocks/mrkdwn.js';
import { errorText, replyPrivately } from '../delivery.js';
import { outputView } from '../op-view.js';
import { settleMessages } from '../message-store.js';
import { publishHome } from './app-home.js';
import { whoCanDecide } from '../slack-actors.js';
export function registerApprovalActions(app, rt) {
    for (const [actionId, decision] of [
        [APPROVE_ACTION, 'approve'],
        [DENY_ACTION, 'deny'],
    ]) {
        app.action(actionId, async ({ ack, body, action, respond, context: ctx }) => {
            await ack();
            if (ctx.retryNum)
                return;
            if (body.user.id === rt.botUserId)
                return;
            const target = { channel: body.channel?.id ?? '', respond };
            // A click on the Home tab has no thread to answer in: the tab is published again with the answer on top.
            const fromHome = body.container?.type === 'view';
            const tell = (text) => (fromHome ? publishHome(rt, body.user.id, text) : replyPrivately(target, text));
            await decide(rt, action.value ?? '', decision, body, tell).catch(async (err) => {
                await tell(errorText(err)).catch(() => undefined);
            });
        });
    }
    app.action(WITHDRAW_ACTION, async ({ ack, body, action, respond, context: ctx }) => {
        await ack();
        if (ctx.retryNum || body.user.id === rt.botUserId)
            return;
        const fromHome = body.container?.type === 'view';
        const target = { channel: body.channel?.id ?? '', respond };
        const tell = (text) => (fromHome ? publishHome(rt, body.user.id, text) : replyPrivately(target, text));
        await withdraw(rt, action.value ?? '', body, tell).catch(async (err) => {
            await tell(errorText(err)).catch(() => undefined);
        });
    });
}
async function withdraw(rt, id, body, tell) {
    const actor = await rt.actors.actorFor(body.user.id, body.user.name ?? body.user.username);
    try {
        const record = await withdrawApproval(rt.deps, id, actor);
        await refreshApproval(rt, record);
        await settleMessages(rt.deps, 'approval', id);
        if (body.container?.type === 'view')
            await tell(`:leftwards_arrow_with_hook: Withdrew request \`${esc(id)}\`; nothing was changed.`);
    }
    catch (err) {
        const e = toOpsError(err);
        const record = await findApproval(rt, id);
        if (record)
            await refreshApproval(rt, record);
        if (e.code === 'forbidden' || e.code === 'conflict') {
            await tell(`:no_entry: ${esc(e.message)}. ${e.hint ? `${esc(e.hint)}. ` : ''}Nothing was changed.`);
            return;
        }
        throw e;
    }
}
async function decide(rt, id, decision, body, tell) {
    const fromHome = body.container?.type === 'view';
    const actor = await rt.actors.actorFor(body.user.id, body.user.name ?? body.user.username);
    try {
        // Slack redelivers the same click with the same action_ts: the kernel makes that a no-op.
        const action = body.actions[0];
        const result = await decideApproval(rt.deps, id, decision, { actor, idempotencyKey: `slack:${body.user.id}:${action?.action_ts ?? body.trigger_id}` });
        if (result.alreadyDecided) {
            await tell(`:information_source: ${esc(result.message)}. Nothing more was done.`);
            await refreshApproval(rt, result.record);
            return;
        }
        if (result.job) {
            // A long op executes as a job: the approval messages show its progress, then the result.
            await refreshApproval(rt, result.record);
            void followApprovalJob(rt, result.record, result.job, actor);
            if (fromHome)
                await publishHome(rt, body.user.id, `:white_check_mark: Approved request \`${esc(id)}\`; it runs as job \`${esc(result.job.id)}\`.`);
            return;
        }
        const op = rt.deps.ops.find(result.record.op);
        const view = op && result.output !== null && result.output !== undefined ? outputView(op, result.output) : null;
        await refreshApproval(rt, result.record, view);
        await settleMessages(rt.deps, 'approval', id);
        if (fromHome)
            await publishHome(rt, body.user.id, `${decision === 'approve' ? ':white_check_mark: Approved' : ':no_entry_sign: Denied'} request \`${esc(id)}\`.`);
    }
    catch (err) {
        const e = toOpsError(err);
        const record = await findApproval(rt, id);
        if (record)
            await refreshApproval(rt, record);
        if (e.code === 'forbidden') {
            const except = record?.twoPerson ? record.requester.id : undefined;
            await tell(`:no_entry: ${esc(e.message)}. Who can decide: ${whoCanDecide(rt.deps.config, except)}. Nothing was changed.`);
            return;
        }
        throw e;
    }
}
//# sourceMappingURL=approval-actions.js.map