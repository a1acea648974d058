/**
 * Long ops (op.long) in Slack: one message that shows the job's progress, updated at most once
 * every 3 seconds, with a Cancel button, and replaced by the result view (or the error) when the
 * job ends. The message is posted with the bot token, so it can be updated long after the
 * command's response_url has expired.
 */
import { followJob } from '../core/approvals.js';
import { jobOutcome } from '../core/jobs.js';
import { randomBytes } from 'node:crypto';
import type { types } from '@slack/bolt';
import { submitOp } from '../core/approvals.js';
import { toOpsError } from '../core/errors.js';
import type { Actor, Op, Progress } from '../core/op.js';
import type { View } from '../core/view.js';
import { runningBlocks, type ProgressLike } from './blocks/job-blocks.js';
import { viewBlocks } from './blocks/view-blocks.js';
import type { BotRuntime, MessageRef } from './bot-runtime.js';
import { composeBlocks, postOrRespond, uploadAttachments, type Target } from './delivery.js';
import { outputView } from './op-view.js';

/** Slack allows about one update a second per message; every 3 s keeps a channel readable. */
export const PROGRESS_INTERVAL_MS = 3000;

interface LocalJob {
  id: string;
  requester: string;
  controller: AbortController;
  cancelRequestedBy: string | null;
  redraw(): void;
}

const jobs = new Map<string, LocalJob>();

export function findLocalJob(id: string): LocalJob | undefined {
  return jobs.get(id);
}

export function errorView(title: string, err: unknown): View {
  const e = toOpsError(err);
  return {
    title,
    summary: e.code === 'cancelled' ? 'Cancelled; nothing was kept from the partial run.' : `Failed: ${e.message}`,
    findings: e.code === 'cancelled' ? [] : [{ severity: 'critical', message: e.message, ...(e.hint ? { advice: e.hint } : {}) }],
  };
}

export async function startLongOp(rt: BotRuntime, op: Op, input: Record<string, unknown>, actor: Actor, target: Target, asked: types.KnownBlock): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const title = `${op.verb}: job ${id}`;
  const controller = new AbortController();
  let latest: ProgressLike | null = null;
  let lastDraw = 0;
  let timer: NodeJS.Timeout | null = null;
  let done = false;
  let ref: MessageRef | null = null;
  let drawing = Promise.resolve();

  const draw = (): void => {
    if (done || !ref) return;
    lastDraw = Date.now();
    const r = ref;
    const blocks = [asked, ...runningBlocks(title, id, latest, job.cancelRequestedBy)];
    drawing = drawing
      .then(() => rt.client.chat.update({ channel: r.channel, ts: r.ts, text: `${title}: running`, blocks }))
      .then(() => undefined, (err: unknown) => rt.log.warn('slack: progress update failed', { job: id, error: toOpsError(err).message }));
  };
  const schedule = (): void => {
    if (done || timer) return;
    const wait = Math.max(0, lastDraw + PROGRESS_INTERVAL_MS - Date.now());
    timer = setTimeout(() => {
      timer = null;
      rt.timers.delete(t);
      draw();
    }, wait);
    const t = timer;
    rt.timers.add(t);
  };
  const job: LocalJob = { id, requester: actor.id, controller, cancelRequestedBy: null, redraw: () => draw() };
  jobs.set(id, job);

  ref = await postOrRespond(rt, target, `${title}: starting`, [asked, ...runningBlocks(title, id, null, null)]);
  lastDraw = Date.now();
  const onProgress = (p: Progress): void => {
    latest = p;
    schedule();
  };

  let view: View;
  try {
    const submitted = await submitOp(rt.deps, op, input, { actor, onProgress, signal: controller.signal });
    if (submitted.kind === 'job') view = outputView(op, jobOutcome(await followJob(rt.deps, submitted.job, { actor, onProgress, signal: controller.signal })));
    else view = submitted.kind === 'done' ? outputView(op, submitted.output) : errorView(title, new Error('the job is waiting for an approval'));
  } catch (err) {
    view = errorView(title, err);
  } finally {
    done = true;
    if (timer) clearTimeout(timer);
    jobs.delete(id);
  }
  await drawing;
  const rendered = viewBlocks(view, { reserveBlocks: 1 });
  const blocks = composeBlocks(rendered, { before: [asked] });
  if (ref) {
    await rt.client.chat.update({ channel: ref.channel, ts: ref.ts, text: rendered.text, blocks });
    await uploadAttachments(rt, ref, rendered);
  } else {
    // Not in the channel: the result goes through the response_url while it lasts.
    await postOrRespond(rt, target, rendered.text, blocks);
  }
}
