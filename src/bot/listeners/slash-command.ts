/**
 * `/storage <verb> [args]`: acknowledged at once (before any engine call), then parsed with the
 * CLI's grammar and run through the kernel for the Slack user. Help and usage errors answer
 * privately; refusals say which role is needed and who can grant it; reads and writes post their
 * view; destructive verbs post their preview as an approval request with buttons.
 */
import { jobOutcome, waitForJob } from '../../core/jobs.js';
import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import { submitOp } from '../../core/approvals.js';
import { toOpsError } from '../../core/errors.js';
import { atLeast, requiredRoleFor, roleOf } from '../../core/roles.js';
import { postApproval } from '../approval-posts.js';
import { esc } from '../blocks/mrkdwn.js';
import { context } from '../blocks/view-blocks.js';
import { mention, type BotRuntime } from '../bot-runtime.js';
import { parseCommandLine, slackCommandHelp, slackGeneralHelp, visibilityFor } from '../command-line.js';
import { deliverView, errorText, replyPrivately, type Target } from '../delivery.js';
import { startLongOp } from '../job-messages.js';

export const SLASH_COMMAND = '/storage';

export function registerSlashCommand(app: App, rt: BotRuntime): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, context: ctx }) => {
    await ack();
    // A redelivery of a command already being handled: the first delivery answers.
    if (ctx.retryNum) return;
    await handleCommand(rt, command, respond).catch(async (err: unknown) => {
      rt.log.warn('slack: command failed', { user: command.user_id, error: toOpsError(err).message });
      await replyPrivately({ channel: command.channel_id, respond }, errorText(err)).catch(() => undefined);
    });
  });
}

async function handleCommand(rt: BotRuntime, command: SlashCommand, respond: RespondFn): Promise<void> {
  const target: Target = { channel: command.channel_id, respond };
  const line = parseCommandLine(rt.deps.ops, command.text);
  if (line.kind === 'help') {
    const intro = line.unknown
      ? `Unknown command \`${esc(line.unknown)}\`${line.guess ? ` (did you mean \`/storage ${esc(line.guess)}\`?)` : ''}. These are the commands:`
      : line.op ? `Help for \`/storage ${line.op.verb}\`:` : 'Commands:';
    await replyPrivately(target, intro, line.op ? slackCommandHelp(line.op) : slackGeneralHelp(rt.deps.ops.all()));
    return;
  }
  if (line.kind === 'usage') {
    await replyPrivately(target, `${errorText(line.error)}\nNothing was changed.`, slackCommandHelp(line.op));
    return;
  }
  const { op, input } = line;
  const actor = await rt.actors.actorFor(command.user_id, command.user_name);
  const needed = op.effect === 'destructive' ? 'operator' : requiredRoleFor(op);
  const role = roleOf(rt.deps.config, actor);
  if (!atLeast(role, needed)) {
    const what = op.effect === 'destructive' ? `request \`${op.verb}\`` : `run \`${op.verb}\``;
    const admins = rt.deps.config.access.admins.map(mention).join(', ') || 'an admin (no one is configured in access.admins yet)';
    await replyPrivately(
      target,
      `:no_entry: You (${role}) may not ${what}: it needs the *${needed}* role. ${admins} can grant it in the config (\`access.${needed}s\`). Nothing was changed.`,
    );
    return;
  }
  const askedText = `${mention(actor.id)} ran \`/storage ${esc(command.text.trim()).slice(0, 2500)}\``;
  const asked = context(askedText);

  if (op.effect === 'destructive') {
    const submitted = await submitOp(rt.deps, op, input, { actor });
    if (submitted.kind === 'pending') {
      await postApproval(rt, submitted.approval, target);
      return;
    }
    const output = submitted.kind === 'job' ? jobOutcome(await waitForJob(rt.deps, submitted.job.id)) : submitted.output;
    await deliverView(rt, target, op.view(output), 'here', { before: [asked] });
    return;
  }
  if (op.long) {
    await startLongOp(rt, op, input, actor, target, askedText);
    return;
  }
  const submitted = await submitOp(rt.deps, op, input, { actor });
  if (submitted.kind !== 'done') return;
  await deliverView(rt, target, op.view(submitted.output), visibilityFor(op, line.visibility), { before: [asked] });
}
