/**
 * The Approve, Deny and Withdraw buttons. Acknowledged at once; a click by the bot itself or a
 * redelivery never counts; the kernel's decision is atomic and keyed by the click (user and
 * action_ts), so a double click or two admins at once run the request once (the second click is
 * told who already decided). A refusal (wrong role, the requester under the two-person rule,
 * expired; a withdraw by someone other than the requester) answers privately with why and who
 * can decide.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { decideApproval, withdrawApproval } from '../../core/approvals.js';
import { toOpsError } from '../../core/errors.js';
import { findApproval, followApprovalJob, refreshApproval } from '../approval-posts.js';
import { APPROVE_ACTION, DENY_ACTION, WITHDRAW_ACTION } from '../blocks/approval-blocks.js';
import { esc } from '../blocks/mrkdwn.js';
import type { BotRuntime } from '../bot-runtime.js';
import { errorText, replyPrivately, type Target } from '../delivery.js';
import { outputView } from '../op-view.js';
import { settleMessages } from '../message-store.js';
import { publishHome } from './app-home.js';
import { whoCanDecide } from '../slack-actors.js';

export function registerApprovalActions(app: App, rt: BotRuntime): void {
  for (const [actionId, decision] of [
    [APPROVE_ACTION, 'approve'],
    [DENY_ACTION, 'deny'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond, context: ctx }) => {
      await ack();
      if (ctx.retryNum) return;
      if (body.user.id === rt.botUserId) return;
      const target: Target = { channel: body.channel?.id ?? '', respond };
      // A click on the Home tab has no thread to answer in: the tab is published again with the answer on top.
      const fromHome = body.container?.type === 'view';
      const tell = (text: string): Promise<void> => (fromHome ? publishHome(rt, body.user.id, text) : replyPrivately(target, text));
      await decide(rt, action.value ?? '', decision, body, tell).catch(async (err: unknown) => {
        await tell(errorText(err)).catch(() => undefined);
      });
    });
  }
  app.action<BlockAction<ButtonAction>>(WITHDRAW_ACTION, async ({ ack, body, action, respond, context: ctx }) => {
    await ack();
    if (ctx.retryNum || body.user.id === rt.botUserId) return;
    const fromHome = body.container?.type === 'view';
    const target: Target = { channel: body.channel?.id ?? '', respond };
    const tell = (text: string): Promise<void> => (fromHome ? publishHome(rt, body.user.id, text) : replyPrivately(target, text));
    await withdraw(rt, action.value ?? '', body, tell).catch(async (err: unknown) => {
      await tell(errorText(err)).catch(() => undefined);
    });
  });
}

async function withdraw(rt: BotRuntime, id: string, body: BlockAction, tell: (text: string) => Promise<void>): Promise<void> {
  const actor = await rt.actors.actorFor(body.user.id, body.user.name ?? body.user.username);
  try {
    const record = await withdrawApproval(rt.deps, id, actor);
    await refreshApproval(rt, record);
    await settleMessages(rt.deps, 'approval', id);
    if (body.container?.type === 'view') await tell(`:leftwards_arrow_with_hook: Withdrew request \`${esc(id)}\`; nothing was changed.`);
  } catch (err) {
    const e = toOpsError(err);
    const record = await findApproval(rt, id);
    if (record) await refreshApproval(rt, record);
    if (e.code === 'forbidden' || e.code === 'conflict') {
      await tell(`:no_entry: ${esc(e.message)}. ${e.hint ? `${esc(e.hint)}. ` : ''}Nothing was changed.`);
      return;
    }
    throw e;
  }
}

async function decide(rt: BotRuntime, id: string, decision: 'approve' | 'deny', body: BlockAction, tell: (text: string) => Promise<void>): Promise<void> {
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
      if (fromHome) await publishHome(rt, body.user.id, `:white_check_mark: Approved request \`${esc(id)}\`; it runs as job \`${esc(result.job.id)}\`.`);
      return;
    }
    const op = rt.deps.ops.find(result.record.op);
    const view = op && result.output !== null && result.output !== undefined ? outputView(op, result.output) : null;
    await refreshApproval(rt, result.record, view);
    await settleMessages(rt.deps, 'approval', id);
    if (fromHome) await publishHome(rt, body.user.id, `${decision === 'approve' ? ':white_check_mark: Approved' : ':no_entry_sign: Denied'} request \`${esc(id)}\`.`);
  } catch (err) {
    const e = toOpsError(err);
    const record = await findApproval(rt, id);
    if (record) await refreshApproval(rt, record);
    if (e.code === 'forbidden') {
      const except = record?.twoPerson ? record.requester.id : undefined;
      await tell(`:no_entry: ${esc(e.message)}. Who can decide: ${whoCanDecide(rt.deps.config, except)}. Nothing was changed.`);
      return;
    }
    throw e;
  }
}
