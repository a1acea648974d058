/**
 * Approval requests in Slack: posted where they were asked and in the approvals channel, kept up
 * to date when someone decides (here, at the CLI or anywhere else), when the approved op runs
 * and ends, and when the request expires unanswered. Requests made outside Slack (CLI, MCP,
 * schedules) reach the approvals channel through the kernel's events.
 */
import type { ApprovalRecord } from '../core/approval-record.js';
import type { KernelEvent } from '../core/events.js';
import type { View } from '../core/view.js';
import { approvalMessage, effectiveStatus } from './blocks/approval-blocks.js';
import type { BotRuntime, MessageRef } from './bot-runtime.js';
import { postOrRespond, uploadAttachments, type Target } from './delivery.js';
import { toOpsError } from '../core/errors.js';

/** Posts a new request to `origin` (where it was asked, if in Slack) and to the approvals channel. */
export async function postApproval(rt: BotRuntime, record: ApprovalRecord, origin: Target | null): Promise<MessageRef[]> {
  if (rt.approvalMessages.has(record.id)) return rt.approvalMessages.get(record.id) ?? [];
  const refs: MessageRef[] = [];
  rt.approvalMessages.set(record.id, refs);
  const msg = approvalMessage(record, rt.deps.now());
  const targets: Target[] = [];
  if (origin) targets.push(origin);
  if (rt.approvalsChannel && rt.approvalsChannel !== origin?.channel) targets.push({ channel: rt.approvalsChannel });
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
    } catch (err) {
      rt.log.error('slack: could not post an approval request', { approval: record.id, channel: t.channel, error: toOpsError(err).message });
      if (t.channel === rt.approvalsChannel) continue;
      throw err;
    }
  }
  scheduleExpiry(rt, record);
  return refs;
}

/** Redraws every message showing the request (decision, execution, expiry). */
export async function refreshApproval(rt: BotRuntime, record: ApprovalRecord, result?: View | null): Promise<void> {
  const refs = rt.approvalMessages.get(record.id) ?? [];
  if (result) rt.approvalResults.set(record.id, result);
  const msg = approvalMessage(record, rt.deps.now(), result ?? rt.approvalResults.get(record.id) ?? null);
  for (const ref of refs) {
    await rt.client.chat.update({ channel: ref.channel, ts: ref.ts, text: msg.text, blocks: msg.blocks }).catch((err: unknown) => {
      rt.log.warn('slack: could not update an approval message', { approval: record.id, channel: ref.channel, error: toOpsError(err).message });
    });
  }
}

/** At its expiry, a request nobody decided is shown as expired. */
function scheduleExpiry(rt: BotRuntime, record: ApprovalRecord): void {
  if (record.status !== 'pending') return;
  const delay = Math.max(0, Date.parse(record.expiresAt) - rt.deps.now().getTime()) + 1000;
  const timer = setTimeout(() => {
    rt.timers.delete(timer);
    void (async () => {
      const current = await findApproval(rt, record.id);
      if (current && effectiveStatus(current, rt.deps.now()) === 'expired') await refreshApproval(rt, current);
    })().catch((err: unknown) => rt.log.warn('slack: expiry update failed', { approval: record.id, error: toOpsError(err).message }));
  }, Math.min(delay, 2 ** 31 - 1));
  timer.unref();
  rt.timers.add(timer);
}

export async function findApproval(rt: BotRuntime, id: string): Promise<ApprovalRecord | null> {
  const data = await rt.deps.state.read();
  return data.approvals?.find((a) => a.id === id) ?? null;
}

/**
 * Follows the kernel's approval events: requests from elsewhere are posted to the approvals
 * channel; decisions, executions and expiries redraw the messages that show the request.
 */
export function followApprovalEvents(rt: BotRuntime): () => void {
  return rt.deps.events.subscribe((event: KernelEvent) => {
    if (!('approval' in event)) return;
    const record = event.approval;
    const work =
      event.type === 'approval.requested'
        ? // Slack's own requests are posted by the command, where they were asked.
          record.requester.source === 'slack'
          ? Promise.resolve()
          : postApproval(rt, record, null).then(() => undefined)
        : rt.approvalMessages.has(record.id)
          ? refreshApproval(rt, record)
          : Promise.resolve();
    work.catch((err: unknown) => rt.log.warn('slack: could not show an approval event', { type: event.type, approval: record.id, error: toOpsError(err).message }));
  });
}
