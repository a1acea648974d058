/**
 * The kernel's view helpers: cell formatting, the CLI text layout, cutting long tables, and the
 * views of previews, approval requests and jobs.
 */
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../src/core/approval-record.js';
import type { JobRecord } from '../../src/core/job-record.js';
import type { Preview } from '../../src/core/op.js';
import type { View } from '../../src/core/view.js';
import { approvalView } from '../../src/core/views/approval-view.js';
import { cutTables } from '../../src/core/views/cut-tables.js';
import { formatCell, formatDuration } from '../../src/core/views/format-cell.js';
import { jobView } from '../../src/core/views/job-view.js';
import { previewView } from '../../src/core/views/preview-view.js';
import { renderViewText } from '../../src/core/views/render-text.js';
import { ViewSchema } from '../../src/core/views/view-schema.js';

const preview: Preview = {
  summary: 'Remove 1 of 2 volume(s) on prod-1',
  items: [
    { kind: 'volume', id: 'old', name: 'old', sizeBytes: 1_500_000, action: 'remove' },
    { kind: 'volume', id: 'db', name: 'db', sizeBytes: null, action: 'skip', reason: 'in use by pg (running)' },
  ],
  totalBytes: 1_500_000,
  notes: ['Protected volumes never go.'],
};

function approval(over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: 'k3m9x2qa',
    op: 'volume_remove',
    verb: 'rm',
    host: 'prod-1',
    input: { names: ['old', 'db'], host: 'prod-1', force: false },
    preview,
    requester: { id: 'slack:UALICE', source: 'slack', display: 'alice' },
    createdAt: '2026-11-30T12:00:00.000Z',
    expiresAt: '2026-11-30T13:00:00.000Z',
    twoPerson: true,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    execution: null,
    ...over,
  };
}

function job(over: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'j0b5x7ab',
    op: 'volume_backup',
    verb: 'backup',
    host: 'prod-1',
    actor: { id: 'slack:UALICE', source: 'slack', display: 'alice' },
    input: { volumes: ['db'] },
    approvalId: null,
    status: 'running',
    progress: { phase: 'compressing', done: 250_000_000, total: 1_000_000_000, unit: 'bytes', rate: 50_000_000, etaSeconds: 15, at: '2026-11-30T12:00:05.000Z' },
    result: null,
    summary: null,
    error: null,
    createdAt: '2026-11-30T12:00:00.000Z',
    startedAt: '2026-11-30T12:00:01.000Z',
    finishedAt: null,
    cancelRequestedBy: null,
    owner: { processId: 'p1', pid: 1, hostname: 'h', bootId: 'b', startedAt: '2026-11-30T12:00:00.000Z' },
    ...over,
  };
}

describe('formatCell', () => {
  it('formats each column type the way the CLI always printed it', () => {
    expect(formatCell(1_234_567, 'bytes')).toBe('1.235MB');
    expect(formatCell(null, 'bytes')).toBe('n/a');
    expect(formatCell(null, 'text')).toBe('-');
    expect(formatCell(42, 'count')).toBe('42');
    expect(formatCell(85, 'percent')).toBe('85.0%');
    expect(formatCell('2026-11-30T12:00:05.123Z', 'time')).toBe('2026-11-30 12:00:05Z');
    expect(formatCell(50_000_000, 'bytes', true)).toBe('50MB/s');
    expect(formatCell(true)).toBe('yes');
    expect([0.25, 12, 4200, 185_000, 7_800_000].map(formatDuration)).toEqual(['250µs', '12 ms', '4.2s', '3m 05s', '2h 10m']);
  });
});

describe('renderViewText', () => {
  const view: View = {
    title: 'Volumes on prod-1',
    summary: '2 volume(s) on prod-1',
    fields: [
      { label: 'Size', value: 2_000, type: 'bytes' },
      { label: 'Checked', value: '2026-11-30T12:00:00.000Z', type: 'time' },
    ],
    tables: [
      {
        id: 'volumes',
        columns: [
          { key: 'name', label: 'NAME', type: 'text' },
          { key: 'size', label: 'SIZE', type: 'bytes' },
          { key: 'links', label: 'LINKS', type: 'count' },
        ],
        rows: [
          { name: 'a', size: 1_000, links: 0 },
          { name: 'bb', size: null, links: 2 },
        ],
      },
      { id: 'users', title: 'Users', columns: [{ key: 'c', label: 'C', type: 'text' }], rows: [], empty: 'Nobody uses them.' },
    ],
    findings: [{ severity: 'warning', message: 'volume a is unused', advice: 'Remove it with `storage-ops rm a`' }],
    code: [{ label: 'Proposal', language: 'json', text: '{\n  "a": 1\n}\n' }],
    notes: ['sizes from system df'],
    charts: [{ id: 'sizes', title: 'Sizes', kind: 'bar', unit: 'bytes', points: [{ x: 'a', value: 1000 }] }],
  };

  it('prints summary, fields, code, tables, findings and notes in blocks; charts are left to the tables', () => {
    expect(renderViewText(view)).toBe(
      [
        '2 volume(s) on prod-1',
        '',
        'Size     2kB',
        'Checked  2026-11-30 12:00:00Z',
        '',
        'Proposal:',
        '{\n  "a": 1\n}',
        '',
        'NAME  SIZE  LINKS',
        'a     1kB   0',
        'bb    n/a   2',
        '',
        'Users:',
        'Nobody uses them.',
        '',
        'Findings:',
        '  [warning] volume a is unused. Remove it with `storage-ops rm a`',
        '',
        'note: sizes from system df',
      ].join('\n'),
    );
  });

  it('leads with the title when asked (MCP), and a bare view is its summary', () => {
    expect(renderViewText(view, { title: true }).split('\n').slice(0, 2)).toEqual(['Volumes on prod-1', '2 volume(s) on prod-1']);
    expect(renderViewText({ title: 't', summary: 'Nothing to do.' })).toBe('Nothing to do.');
  });
});

describe('cutTables', () => {
  const rows = Array.from({ length: 25 }, (_, i) => ({ name: `v${i}`, size: i }));
  const view: View = {
    title: 't',
    summary: 's',
    tables: [
      { id: 'volumes', title: 'Volumes', columns: [{ key: 'name', label: 'NAME', type: 'text' }, { key: 'size', label: 'SIZE', type: 'bytes' }], rows },
      { id: 'small', columns: [{ key: 'name', label: 'NAME', type: 'text' }], rows: [{ name: 'x' }] },
    ],
    notes: ['first'],
  };

  it('keeps the first rows of long tables and says how many more there are, leaving the input alone', () => {
    const cut = cutTables(view, 10);
    expect(cut.tables?.[0]?.rows.map((r) => r.name)).toEqual(rows.slice(0, 10).map((r) => r.name));
    expect(cut.tables?.[1]).toBe(view.tables?.[1]);
    expect(cut.notes).toEqual(['first', '15 more rows of Volumes not shown (10 of 25); the full table is in the JSON output.']);
    expect(view.tables?.[0]?.rows).toHaveLength(25);
    expect(renderViewText(cut)).toMatch(/v9\s+9B\n\nNAME\nx\n\nnote: first\nnote: 15 more rows of Volumes/);
  });

  it('names where the rest is, and returns short views unchanged', () => {
    expect(cutTables(view, 1, { fullAt: 'the full table is attached' }).notes?.[1]).toBe('24 more rows of Volumes not shown (1 of 25); the full table is attached.');
    expect(cutTables(view, 25)).toBe(view);
  });
});

describe('previewView', () => {
  it('shows what would go, with sizes, why the rest stays, and the total', () => {
    const v = previewView(preview);
    expect(v.summary).toBe('Remove 1 of 2 volume(s) on prod-1 — 1.5MB in total.');
    expect(v.tables?.[0]?.columns.map((c) => [c.label, c.type])).toEqual([['ACTION', 'text'], ['KIND', 'text'], ['NAME', 'text'], ['SIZE', 'bytes'], ['WHY', 'text']]);
    expect(v.tables?.[0]?.rows[1]).toEqual({ action: 'skip', kind: 'volume', name: 'db', size: null, why: 'in use by pg (running)' });
    expect(renderViewText(v)).toMatch(/^remove\s+volume\s+old\s+1\.5MB\s*$/m);
    expect(renderViewText(v)).toMatch(/note: Protected volumes never go\.$/);
    expect(previewView({ ...preview, items: [] }).tables).toEqual([]);
  });
});

describe('approvalView', () => {
  it('says who asked for what and until when, with the preview', () => {
    const v = approvalView(approval());
    expect(v.title).toBe('Approval request k3m9x2qa');
    expect(v.summary).toBe('Request k3m9x2qa: rm on prod-1 by alice — pending (expires 2026-11-30 13:00:00Z)');
    expect(v.fields).toContainEqual({ label: 'Expires', value: '2026-11-30T13:00:00.000Z', type: 'time' });
    expect(v.tables?.[0]?.rows).toHaveLength(2);
    expect(v.notes).toEqual(['Protected volumes never go.']);
    expect(v.findings).toEqual([]);
  });

  it('shows the decision and a failed execution as a critical finding', () => {
    const v = approvalView(
      approval({
        status: 'failed',
        decidedBy: 'slack:UBOB',
        decidedAt: '2026-11-30T12:10:00.000Z',
        decisionNote: 'approved',
        execution: { startedAt: '2026-11-30T12:10:00.000Z', finishedAt: '2026-11-30T12:10:01.000Z', outcome: 'error', summary: null, error: 'unavailable: engine gone' },
      }),
    );
    expect(v.summary).toBe('Request k3m9x2qa: rm on prod-1 by alice — failed (slack:UBOB: approved)');
    expect(v.fields?.map((f) => f.label)).not.toContain('Expires');
    expect(v.findings).toEqual([expect.objectContaining({ severity: 'critical', message: 'execution failed: unavailable: engine gone' })]);
  });
});

describe('jobView', () => {
  it('a running job: phase, percent, amounts, rate and time left', () => {
    const v = jobView(job());
    expect(v.title).toBe('Job j0b5x7ab: backup');
    expect(v.summary).toBe('Job j0b5x7ab: backup on prod-1 by alice — running: compressing 25% 250MB/1GB 50MB/s ETA 15s');
    const byLabel = Object.fromEntries((v.fields ?? []).map((f) => [f.label, f]));
    expect(byLabel.Progress).toEqual({ label: 'Progress', value: 25, type: 'percent' });
    expect(byLabel.Rate).toEqual({ label: 'Rate', value: 50_000_000, type: 'bytes', perSecond: true });
    expect(byLabel['Time left']).toEqual({ label: 'Time left', value: 15_000, type: 'duration' });
    expect(v.charts?.[0]).toMatchObject({ kind: 'gauge', unit: 'percent', points: [{ x: 'done', value: 25 }] });
    expect(renderViewText(v)).toMatch(/^Rate\s+50MB\/s$/m);
  });

  it('a finished job: result summary or the error with its hint', () => {
    const done = jobView(job({ status: 'succeeded', summary: 'Backed up db on prod-1: db_20261130_120000', finishedAt: '2026-11-30T12:01:01.000Z' }));
    expect(done.summary).toBe('Job j0b5x7ab: backup on prod-1 by alice — succeeded: Backed up db on prod-1: db_20261130_120000');
    expect(done.fields).toContainEqual({ label: 'Took', value: 60_000, type: 'duration' });
    expect(done.fields?.map((f) => f.label)).not.toContain('Time left');
    expect(done.charts).toEqual([]);
    const failed = jobView(job({ status: 'failed', error: { code: 'unavailable', message: 'engine prod-1 went away', hint: 'Check dockerd' }, finishedAt: '2026-11-30T12:00:09.000Z' }));
    expect(failed.summary).toBe('Job j0b5x7ab: backup on prod-1 by alice — failed: engine prod-1 went away');
    expect(failed.findings).toEqual([{ severity: 'critical', message: 'unavailable: engine prod-1 went away', advice: 'Check dockerd' }]);
    expect(jobView(job({ status: 'cancelled', cancelRequestedBy: 'cli:bob' })).summary).toBe('Job j0b5x7ab: backup on prod-1 by alice — cancelled (by cli:bob)');
    expect(jobView(job({ status: 'interrupted' })).findings?.[0]?.severity).toBe('warning');
    expect(jobView(job({ status: 'queued', progress: null, startedAt: null })).summary).toBe('Job j0b5x7ab: backup on prod-1 by alice — queued');
  });

  it('every kernel view fits the View schema', () => {
    for (const v of [previewView(preview), approvalView(approval()), jobView(job())]) expect(ViewSchema.parse(v)).toEqual(v);
  });
});
