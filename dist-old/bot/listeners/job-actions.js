import { toOpsError } from '../../core/errors.js';
import { cancelJob } from '../../core/jobs.js';
import { esc } from '../blocks/mrkdwn.js';
import { CANCEL_ACTION } from '../blocks/job-blocks.js';
import { errorText, replyPrivately } from '../delivery.js';
export function registerJobActions(app, rt) {
    app.action(CANCEL_ACTION, async ({ ack, body, action, respond, context: ctx }) => {
        await ack();
        if (ctx.retryNum || body.user.id === rt.botUserId)
            return;
        const target = { channel: body.channel?.id ?? '', respond };
        try {
            const actor = await rt.actors.actorFor(body.user.id, body.user.name ?? body.user.username);
            await cancelJob(rt.deps, action.value ?? '', actor);
        }
        catch (err) {
            const e = toOpsError(err);
            const text = e.code === 'forbidden' ? `:no_entry: ${esc(e.message)}. Nothing was changed.` : errorText(e);
            await replyPrivately(target, text).catch(() => undefined);
        }
    });
}
//# sourceMappingURL=job-actions.js.map