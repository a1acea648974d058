/**
 * Where the Slack bot posted approvals and jobs, kept in the state file: replaced per id, settled
 * entries dropped first when over the bound, entries that do not parse ignored.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES, rememberMessages, settleMessages, storedMessages } from '../../src/bot/message-store.js';
import { fakeDeps } from './fakes.js';

describe('Slack message store', () => {
  it('keeps one entry per approval or job, marks it settled, and survives a reread', async () => {
    const deps = await fakeDeps();
    await rememberMessages(deps, { kind: 'approval', id: 'aaaa1111', refs: [{ channel: 'C1', ts: '1.1' }] });
    await rememberMessages(deps, { kind: 'approval', id: 'aaaa1111', refs: [{ channel: 'C1', ts: '1.1' }, { channel: 'C2', ts: '2.2' }] });
    await rememberMessages(deps, { kind: 'job', id: 'aaaa1111', refs: [{ channel: 'C1', ts: '3.3' }], asked: 'who ran it' });
    await rememberMessages(deps, { kind: 'job', id: 'nothing0', refs: [] });
    await settleMessages(deps, 'approval', 'aaaa1111');
    const entries = await storedMessages(deps);
    expect(entries.map((e) => [e.kind, e.id, e.refs.length, e.active, e.asked ?? null])).toEqual([
      ['approval', 'aaaa1111', 2, false, null],
      ['job', 'aaaa1111', 1, true, 'who ran it'],
    ]);
  });

  it(`never keeps more than ${MAX_ENTRIES}: settled entries go first, then the oldest`, async () => {
    const deps = await fakeDeps();
    await rememberMessages(deps, { kind: 'job', id: 'keepme00', refs: [{ channel: 'C', ts: '0' }] });
    await rememberMessages(deps, { kind: 'job', id: 'settled0', refs: [{ channel: 'C', ts: '1' }] });
    await settleMessages(deps, 'job', 'settled0');
    for (let i = 0; i < MAX_ENTRIES; i++) await rememberMessages(deps, { kind: 'approval', id: `id${String(i).padStart(6, '0')}`, refs: [{ channel: 'C', ts: String(i) }] });
    const entries = await storedMessages(deps);
    expect(entries).toHaveLength(MAX_ENTRIES);
    expect(entries.some((e) => e.id === 'settled0')).toBe(false);
    // Then the oldest active one: the first job went before any later request.
    expect(entries.some((e) => e.id === 'keepme00')).toBe(false);
    expect(entries.at(-1)?.id).toBe(`id${String(MAX_ENTRIES - 1).padStart(6, '0')}`);
  });

  it('ignores entries it cannot read (another version wrote them)', async () => {
    const deps = await fakeDeps();
    await deps.state.update((data) => {
      data.slackMessages = [{ kind: 'message', id: 1 }, 'junk', { kind: 'job', id: 'okjob000', refs: [{ channel: 'C', ts: '1' }], active: true, at: '2026-01-01T00:00:00Z' }];
    });
    expect((await storedMessages(deps)).map((e) => e.id)).toEqual(['okjob000']);
  });
});
