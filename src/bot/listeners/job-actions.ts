/**
 * The Cancel button on a job's message: whoever started the job, or an admin, may cancel it.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { atLeast, roleOf } from '../../core/roles.js';
import { CANCEL_ACTION } from '../blocks/job-blocks.js';
import type { BotRuntime } from '../bot-runtime.js';
import { errorText, replyPrivately, type Target } from '../delivery.js';
import { findLocalJob } from '../job-messages.js';

export function registerJobActions(app: App, rt: BotRuntime): void {
  app.action<BlockAction<ButtonAction>>(CANCEL_ACTION, async ({ ack, body, action, respond, context: ctx }) => {
    await ack();
    if (ctx.retryNum || body.user.id === rt.botUserId) return;
    const target: Target = { channel: body.channel?.id ?? '', respond };
    try {
      const actor = await rt.actors.actorFor(body.user.id, body.user.name ?? body.user.username);
      const job = findLocalJob(action.value ?? '');
      if (!job) {
        await replyPrivately(target, 'That job has already finished.');
        return;
      }
      if (job.requester !== actor.id && !atLeast(roleOf(rt.deps.config, actor), 'admin')) {
        await replyPrivately(target, ':no_entry: Only the person who started this job or an admin may cancel it. Nothing was changed.');
        return;
      }
      if (job.cancelRequestedBy) return;
      job.cancelRequestedBy = actor.display ?? actor.id;
      job.controller.abort();
      job.redraw();
    } catch (err) {
      await replyPrivately(target, errorText(err)).catch(() => undefined);
    }
  });
}
