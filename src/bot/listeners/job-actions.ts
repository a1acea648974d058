/**
 * The Cancel button on a job's message: the kernel lets whoever started the job, or an admin,
 * cancel it (from any process); others are told why, privately. The job's end redraws the message.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { toOpsError } from '../../core/errors.js';
import { cancelJob } from '../../core/jobs.js';
import { esc } from '../blocks/mrkdwn.js';
import { CANCEL_ACTION } from '../blocks/job-blocks.js';
import type { BotRuntime } from '../bot-runtime.js';
import { errorText, replyPrivately, type Target } from '../delivery.js';

export function registerJobActions(app: App, rt: BotRuntime): void {
  app.action<BlockAction<ButtonAction>>(CANCEL_ACTION, async ({ ack, body, action, respond, context: ctx }) => {
    await ack();
    if (ctx.retryNum || body.user.id === rt.botUserId) return;
    const target: Target = { channel: body.channel?.id ?? '', respond };
    try {
      const actor = await rt.actors.actorFor(body.user.id, body.user.name ?? body.user.username);
      await cancelJob(rt.deps, action.value ?? '', actor);
    } catch (err) {
      const e = toOpsError(err);
      const text = e.code === 'forbidden' ? `:no_entry: ${esc(e.message)}. Nothing was changed.` : errorText(e);
      await replyPrivately(target, text).catch(() => undefined);
    }
  });
}
