/**
 * Where the bot posted each approval request and each job message, kept in the state file
 * (collection `slackMessages`) so a restarted `serve` still updates them: a decision made at the
 * CLI, an expiry, a job's result. Small and bounded: settled entries (nothing more will change
 * them) are dropped first, and never more than MAX_ENTRIES are kept.
 */
import { collectionOf } from '../core/state-collection.js';
import { z } from 'zod';
import type { Deps, StateData } from '../core/ports.js';
import type { MessageRef } from './bot-runtime.js';

const COLLECTION = 'slackMessages';
export const MAX_ENTRIES = 200;

const StoredMessagesSchema = z.object({
  kind: z.enum(['approval', 'job']),
  id: z.string(),
  refs: z.array(z.object({ channel: z.string(), ts: z.string() })),
  /** Job messages: the "who ran what" line above the progress, as mrkdwn. */
  asked: z.string().optional(),
  /** False once the message shows its final state. */
  active: z.boolean(),
  at: z.string(),
});
export type StoredMessages = z.output<typeof StoredMessagesSchema>;

function entriesOf(data: StateData): StoredMessages[] {
  return collectionOf(data, COLLECTION, StoredMessagesSchema);
}

function bounded(entries: StoredMessages[]): StoredMessages[] {
  let out = entries;
  while (out.length > MAX_ENTRIES) {
    const settled = out.findIndex((e) => !e.active);
    out = out.filter((_, i) => i !== (settled >= 0 ? settled : 0));
  }
  return out;
}

/** Records (or replaces) where an approval or job is shown. */
export async function rememberMessages(deps: Deps, entry: { kind: StoredMessages['kind']; id: string; refs: MessageRef[]; asked?: string }): Promise<void> {
  if (entry.refs.length === 0) return;
  await deps.state.update((data) => {
    const rest = entriesOf(data).filter((e) => !(e.kind === entry.kind && e.id === entry.id));
    const refs = entry.refs.map((r) => ({ channel: r.channel, ts: r.ts }));
    data[COLLECTION] = bounded([...rest, { kind: entry.kind, id: entry.id, refs, ...(entry.asked ? { asked: entry.asked } : {}), active: true, at: deps.now().toISOString() }]);
  });
}

/** The message shows its final state: a restart need not look at it again. */
export async function settleMessages(deps: Deps, kind: StoredMessages['kind'], id: string): Promise<void> {
  await deps.state.update((data) => {
    const entries = entriesOf(data);
    const e = entries.find((x) => x.kind === kind && x.id === id);
    if (!e || !e.active) return;
    e.active = false;
    data[COLLECTION] = entries;
  });
}

export async function storedMessages(deps: Deps): Promise<StoredMessages[]> {
  return entriesOf(await deps.state.read());
}
