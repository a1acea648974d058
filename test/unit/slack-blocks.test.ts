/**
 * Block Kit rendering of views, without Slack: Slack's limits (50 blocks, 3000 characters a
 * text, 10 fields a section), escaping, long tables cut with "N more" and handed back whole as
 * CSV, progress lines, the command grammar, and that src/bot names no op (it loops over the
 * catalog instead).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { approvalMessage } from '../../src/bot/blocks/approval-blocks.js';
import { progressLine } from '../../src/bot/blocks/job-blocks.js';
import { codeBlocks, cut, esc } from '../../src/bot/blocks/mrkdwn.js';
import { viewBlocks } from '../../src/bot/blocks/view-blocks.js';
import { chartPng } from '../../src/core/views/chart-png.js';
import { parseCommandLine, visibilityFor } from '../../src/bot/command-line.js';
import type { ApprovalRecord } from '../../src/core/approval-record.js';
import type { View } from '../../src/core/view.js';
import { opRegistry } from '../../src/ops/catalog.js';

const allTexts = (v: unknown): string[] => {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(allTexts);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => (k === 'text' && typeof x === 'string' ? [x] : allTexts(x)));
  return [];
};

describe('view → Block Kit', () => {
  it('stays within Slack limits for a huge view, cutting tables with "N more" and returning the full CSV', () => {
    const view: View = {
      title: 'x'.repeat(400),
      summary: 's'.repeat(5000),
      fields: Array.from({ length: 25 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(3000) })),
      tables: Array.from({ length: 30 }, (_, t) => ({
        id: `t${t}`,
        columns: [
          { key: 'name', label: 'NAME', type: 'text' as const },
          { key: 'size', label: 'SIZE', type: 'bytes' as const },
        ],
        rows: Array.from({ length: 200 }, (_, i) => ({ name: `vol_${i}_${'n'.repeat(40)}`, size: i * 1e6 })),
      })),
      notes: Array.from({ length: 30 }, (_, i) => `note ${i}`),
    };
    const r = viewBlocks(view);
    expect(r.blocks.length).toBeLessThanOrEqual(50);
    for (const t of allTexts(r.blocks)) expect(t.length).toBeLessThanOrEqual(3000);
    const header = r.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    for (const b of r.blocks) if ('fields' in b && b.fields) expect(b.fields.length).toBeLessThanOrEqual(10);
    expect(JSON.stringify(r.blocks)).toContain('more rows not shown; the full table is attached as t0.csv');
    const csv = r.files.find((f) => f.filename === 't0.csv')?.content ?? '';
    expect(csv.trim().split('\n')).toHaveLength(201);
    expect(csv.split('\n')[0]).toBe('NAME,SIZE,SIZE (bytes)');
    expect(csv).toContain('vol_199_');
    expect(JSON.stringify(r.blocks.at(-1))).toContain('did not fit in one message');
  });

  it('escapes &, < and > everywhere and never cuts inside an escape', () => {
    const r = viewBlocks({
      title: '<!channel>',
      summary: '<@U1> & <https://evil|click>',
      findings: [{ severity: 'warning', message: '<!here>', advice: '<#C1>' }],
      tables: [{ id: 't', columns: [{ key: 'a', label: '<A>', type: 'text' }], rows: [{ a: '<!everyone>' }] }],
      notes: ['a > b'],
    });
    // Header text is plain_text, which Slack never parses; everything else is mrkdwn.
    const raw = allTexts(r.blocks.slice(1)).join('\n');
    expect(raw).not.toMatch(/<[!@#h]/);
    expect(raw).toContain('&lt;@U1&gt; &amp; &lt;https://evil|click&gt;');
    expect(cut(esc('a&b'.repeat(10)), 7)).toBe('a&amp;…');
    expect(cut(esc('a&b'.repeat(10)), 6)).toBe('a…');
  });

  it('shows typed cells as people read them', () => {
    const r = viewBlocks({
      title: 't',
      summary: '',
      tables: [
        {
          id: 'v',
          columns: [
            { key: 's', label: 'SIZE', type: 'bytes' },
            { key: 'p', label: 'USED', type: 'percent' },
            { key: 'n', label: 'N', type: 'count' },
            { key: 'd', label: 'TOOK', type: 'duration' },
          ],
          rows: [{ s: 1_234_567_890, p: 83.25, n: 12345, d: 125_000 }],
        },
      ],
    });
    const raw = JSON.stringify(r.blocks);
    expect(raw).toContain('1.235GB');
    expect(raw).toContain('83.3%');
    expect(raw).toContain('12,345');
    expect(raw).toContain('2m 05s');
  });

  it('renders a chart to a PNG with a kept library', async () => {
    const png = await chartPng({ id: 'c', title: 'Volume sizes', kind: 'bar', unit: 'bytes', points: [{ x: 'a', value: 3e9 }, { x: 'b', value: 1e9 }], thresholds: [{ label: 'warn', value: 2e9 }] });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(2000);
  });
});

describe('approval and job messages', () => {
  const record: ApprovalRecord = {
    id: 'abcd2345',
    op: 'volume_remove',
    verb: 'rm',
    host: 'prod-1',
    input: { names: ['db'] },
    preview: { summary: 'Remove 1 volume', items: [{ kind: 'volume', id: 'db', name: '<db>', sizeBytes: 1000, action: 'remove' }], totalBytes: 1000, notes: [] },
    requester: { id: 'slack:UALICE', source: 'slack' },
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:15:00.000Z',
    twoPerson: true,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    execution: null,
  };

  it('a pending request has a danger Approve button behind a confirm dialog, Deny, and Withdraw for the requester', () => {
    const m = approvalMessage(record, new Date('2026-01-01T00:01:00Z'));
    const actions = m.blocks.find((b) => b.type === 'actions') as { elements: Array<Record<string, unknown>> } | undefined;
    expect(actions?.elements.map((e) => [e.action_id, e.value, e.style])).toEqual([
      ['storage_approve_request', 'abcd2345', 'danger'],
      ['storage_deny_request', 'abcd2345', undefined],
      ['storage_withdraw_request', 'abcd2345', undefined],
    ]);
    expect(actions?.elements[0]?.confirm).toMatchObject({ style: 'danger' });
    expect(JSON.stringify(m.blocks)).toContain('&lt;db&gt;');
  });

  it('past its expiry a pending request shows as expired, without buttons', () => {
    const m = approvalMessage(record, new Date('2026-01-01T00:16:00Z'));
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(m.blocks)).toContain('Expired');
    expect(JSON.stringify(m.blocks)).toContain('nobody decided in time');
  });

  it('progress lines say phase, percent, rate and ETA', () => {
    expect(progressLine({ phase: 'reading', done: 250e6, total: 1e9, unit: 'bytes', rate: 50e6 })).toBe('reading · 25% (250MB of 1GB) · 50MB/s · about 15s left');
    expect(progressLine({ phase: 'verifying' })).toBe('verifying');
  });
});

describe('the /storage grammar', () => {
  it('is the CLI grammar, with --here/--private and --yes dropped', () => {
    const line = parseCommandLine(opRegistry, 'volumes --label env=test --private');
    expect(line).toMatchObject({ kind: 'run', input: { label: ['env=test'] }, visibility: 'private' });
    expect(parseCommandLine(opRegistry, '')).toEqual({ kind: 'help', op: null });
    expect(parseCommandLine(opRegistry, 'nope')).toMatchObject({ kind: 'help', unknown: 'nope' });
    // A misspelt verb gets a "did you mean", two-word verbs judged with their second word.
    expect(parseCommandLine(opRegistry, 'bakcup db_data')).toMatchObject({ kind: 'help', unknown: 'bakcup', guess: 'backup' });
    expect(parseCommandLine(opRegistry, 'schedule ad nightly')).toMatchObject({ kind: 'help', unknown: 'schedule ad', guess: 'schedule add' });
    expect(parseCommandLine(opRegistry, 'frobnicate')).toMatchObject({ kind: 'help', unknown: 'frobnicate', guess: null });
    expect(parseCommandLine(opRegistry, 'volumes --bogus')).toMatchObject({ kind: 'usage' });
    const rm = parseCommandLine(opRegistry, 'rm x --yes');
    expect(rm).toMatchObject({ kind: 'run', input: { names: ['x'] } });
    // Writes are always shown to the channel.
    const create = opRegistry.find('create');
    if (!create) throw new Error('no create op');
    expect(visibilityFor(create, 'private')).toBe('here');
  });

  it('src/bot names no op: every verb, its help and its output come from the catalog', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    for (const file of files('src/bot')) {
      const src = readFileSync(file, 'utf8').replace(/^\s*(\*|\/\/|\/\*\*).*$/gm, '');
      for (const op of opRegistry.all()) {
        expect(src.includes(op.name), `${file} names ${op.name}`).toBe(false);
        expect(src.includes(`/storage ${op.verb}`), `${file} names /storage ${op.verb}`).toBe(false);
        expect(src.match(new RegExp(`find\\(['"\`]${op.verb}['"\`]\\)`)), `${file} looks up ${op.verb}`).toBeNull();
      }
    }
  });
});

describe('the Slack app manifest', () => {
  it('slack/manifest.json is what the catalog generates (run `npm run build && npm run slack-manifest` after changing ops)', async () => {
    const { slackManifestJson, MANIFEST_PATH } = await import('../../src/bot/manifest.js');
    expect(readFileSync(MANIFEST_PATH, 'utf8')).toBe(slackManifestJson(opRegistry.all()));
    const m = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as { features: { slash_commands: Array<{ usage_hint: string }> } };
    for (const op of opRegistry.all()) expect(m.features.slash_commands[0]?.usage_hint).toContain(op.verb);
  });
});

describe('long preformatted text', () => {
  it('splits between lines into code blocks that each fit a text field, losing nothing', () => {
    const lines = Array.from({ length: 150 }, (_, i) => `  verb-${String(i).padStart(3, '0')}  does <this> & that, at length`);
    const blocks = codeBlocks(lines.join('\n'));
    expect(blocks.length).toBeGreaterThan(1);
    for (const b of blocks) {
      expect(b.length).toBeLessThanOrEqual(3000);
      expect(b).toMatch(/^```\n[\s\S]*\n```$/);
    }
    const back = blocks.map((b) => b.slice(4, -4)).join('\n');
    expect(back).toBe(esc(lines.join('\n')));
  });
});
