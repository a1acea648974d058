/**
 * The audit log on disk: JSON Lines segments rotated by size and pruned by count, read newest
 * first; concurrent appends from several processes (lines far above PIPE_BUF) neither interleave
 * nor get lost; a torn line is skipped without losing the entry glued after it; an older
 * state.json's audit array moves into the log once; and the `audit` op reads it newest first.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { appendAudit, readAudit } from '../../src/core/audit.js';
import type { AuditEntry } from '../../src/core/audit-entry.js';
import { runOp } from '../../src/core/run-op.js';
import { auditLog } from '../../src/ops/governance/audit-log.js';
import { AuditLogFile, auditLine, segmentName } from '../../src/state/audit-log-file.js';
import { StateStore } from '../../src/state/state-store.js';
import { auditTrail } from '../harness/audit-trail.js';
import { fakeDeps, testActor } from './fakes.js';

const run = promisify(execFile);

function entry(id: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { id, at: '2026-11-30T12:00:00.000Z', actor: 'cli:alice', source: 'cli', op: 'volume_list', host: 'local', phase: 'finished', input: {}, outcome: 'ok', error: null, durationMs: 3, ...extra };
}

async function all(log: AuditLogFile): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of log.newestFirst()) out.push(e);
  return out;
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'so-audit-'));

describe('audit log file', () => {
  it('rotates by size, keeps maxFiles segments and reads newest first across them', async () => {
    const dir = tmp();
    const log = new AuditLogFile(dir);
    const limits = { maxBytes: 4096, maxFiles: 3 };
    for (let i = 0; i < 200; i++) await log.append(entry(`e${i}`, { input: { pad: 'x'.repeat(200) } }), limits);
    const segments = await log.segments();
    expect(segments).toHaveLength(3);
    // Numbered in order, the newest last; each full one about maxBytes.
    expect(segments).toEqual([segments[0], segments[0]! + 1, segments[0]! + 2]);
    for (const n of segments.slice(0, -1)) {
      const size = readFileSync(join(dir, segmentName(n))).length;
      expect(size).toBeGreaterThanOrEqual(4096);
      expect(size).toBeLessThan(4096 + 400);
    }
    const ids = (await all(log)).map((e) => Number(e.id.slice(1)));
    // Newest first, no gaps: exactly the newest entries that fit in the kept segments.
    expect(ids[0]).toBe(199);
    expect(ids).toEqual(ids.map((_, i) => 199 - i));
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.length).toBeLessThan(200);
  });

  it('reads lines that span its 64 KiB reads, with multi-byte characters', async () => {
    const log = new AuditLogFile(tmp());
    const limits = { maxBytes: 1 << 20, maxFiles: 2 };
    const text = 'é€😀'.repeat(6000); // 54 KB of UTF-8 per entry: the read boundaries fall inside lines
    await log.append(entry('small'), limits);
    for (const id of ['big1', 'big2', 'big3']) await log.append(entry(id, { input: { text } }), limits);
    await log.append(entry('last'), limits);
    const got = await all(log);
    expect(got.map((e) => e.id)).toEqual(['last', 'big3', 'big2', 'big1', 'small']);
    expect(got.slice(1, 4).every((e) => e.input.text === text)).toBe(true);
  });

  it('cuts an entry too big for one line, saying so', () => {
    const line = auditLine(entry('huge', { input: { blob: 'a'.repeat(200_000) }, error: { code: 'internal', message: 'm'.repeat(100_000) } }));
    expect(line.length).toBeLessThan(64 * 1024);
    const parsed = JSON.parse(line.toString()) as AuditEntry;
    expect(Object.keys(parsed)[0]).toBe('id');
    expect(String(parsed.input.truncated)).toMatch(/the input was cut/);
    expect(parsed.error?.message).toHaveLength(4096);
  });

  it('skips a torn line and still finds the entry appended after it', async () => {
    const dir = tmp();
    const log = new AuditLogFile(dir);
    const limits = { maxBytes: 1 << 20, maxFiles: 2 };
    await log.append(entry('before'), limits);
    // A writer died halfway through its line: no newline, cut JSON.
    appendFileSync(join(dir, segmentName(1)), auditLine(entry('torn')).subarray(0, 40));
    await log.append(entry('after'), limits);
    expect((await all(log)).map((e) => e.id)).toEqual(['after', 'before']);
  });

  it('loses and mixes nothing when several processes append at once, with lines far above PIPE_BUF', async () => {
    const dir = tmp();
    // The built module (npm test builds first): real separate Node processes.
    const url = new URL('../../dist/state/audit-log-file.js', import.meta.url).pathname;
    const script = `
      import { AuditLogFile } from ${JSON.stringify(url)};
      const [dir, tag, maxFiles] = process.argv.slice(2);
      const log = new AuditLogFile(dir);
      for (let i = 0; i < 150; i++) {
        const pad = 'p'.repeat(i % 3 === 0 ? 20000 : 100);
        await log.append({ id: tag + '-' + i, at: new Date().toISOString(), actor: 'cli:' + tag, source: 'cli', op: 'x', host: null, phase: 'finished', input: { pad }, outcome: 'ok', error: null, durationMs: 1 }, { maxBytes: 65536, maxFiles: Number(maxFiles) });
      }`;
    const file = join(dir, 'writer.mjs');
    writeFileSync(file, script);
    const logDir = join(dir, 'audit');
    await Promise.all(['a', 'b', 'c', 'd'].map((tag) => run(process.execPath, [file, logDir, tag, '1000'])));
    const names = readdirSync(logDir).filter((f) => f.endsWith('.jsonl'));
    expect(names.length).toBeGreaterThan(10);
    const lines = names.flatMap((n) => readFileSync(join(logDir, n), 'utf8').split('\n').filter(Boolean));
    // Every line is one whole entry: nothing interleaved, nothing torn.
    const ids = lines.map((l) => (JSON.parse(l) as AuditEntry).id);
    expect(ids).toHaveLength(600);
    expect(new Set(ids).size).toBe(600);
    // Within one writer, entries are in order when read newest first.
    const read = await all(new AuditLogFile(logDir));
    for (const tag of ['a', 'b', 'c', 'd']) {
      const mine = read.filter((e) => e.id.startsWith(`${tag}-`)).map((e) => Number(e.id.split('-')[1]));
      expect(mine).toEqual(mine.map((_, i) => 149 - i));
    }

    // With pruning, at most maxFiles segments stay, and what stays of each writer is the end of
    // what it wrote (a writer never goes back to an older segment), without gaps.
    const pruned = join(dir, 'pruned');
    await Promise.all(['a', 'b', 'c'].map((tag) => run(process.execPath, [file, pruned, tag, '3'])));
    expect(readdirSync(pruned).filter((f) => f.endsWith('.jsonl')).length).toBeLessThanOrEqual(3);
    const kept = await all(new AuditLogFile(pruned));
    expect(kept.length).toBeGreaterThan(0);
    for (const tag of ['a', 'b', 'c']) {
      const mine = kept.filter((e) => e.id.startsWith(`${tag}-`)).map((e) => Number(e.id.split('-')[1]));
      expect(mine).toEqual(mine.map((_, i) => 149 - i));
    }
  });
});

describe('audit trail in the state store', () => {
  it('moves the audit array of an older state.json into the log, once', async () => {
    const dir = tmp();
    const old = [entry('old-1'), entry('old-2', { op: 'volume_create' }), entry('old-3')];
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 1, audit: old, backups: [{ id: 'b1' }] }));
    const store = new StateStore(dir);
    await store.open();
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
    expect(state).toEqual({ version: 1, backups: [{ id: 'b1' }] });
    await store.appendAudit(entry('new-1'), { maxBytes: 1 << 20, maxFiles: 4 });
    expect((await auditTrail(store)).map((e) => e.id)).toEqual(['old-1', 'old-2', 'old-3', 'new-1']);
    expect(readdirSync(join(dir, 'audit')).sort()).toEqual([segmentName(0), segmentName(1)]);

    // Opening again changes nothing.
    const again = new StateStore(dir);
    await again.open();
    expect((await auditTrail(again)).map((e) => e.id)).toEqual(['old-1', 'old-2', 'old-3', 'new-1']);

    // A start that stopped after moving the entries but before rewriting state.json: no duplicates.
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 1, audit: old, backups: [{ id: 'b1' }] }));
    const resumed = new StateStore(dir);
    await resumed.open();
    expect((await auditTrail(resumed)).map((e) => e.id)).toEqual(['old-1', 'old-2', 'old-3', 'new-1']);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))).toEqual({ version: 1, backups: [{ id: 'b1' }] });
  });

  it('the audit op reads newest first, filters, and says when older entries exist', async () => {
    const deps = await fakeDeps();
    for (let i = 0; i < 30; i++) await appendAudit(deps, { actor: i % 2 ? 'cli:bob' : 'cli:alice', source: 'cli', op: i % 3 ? 'volume_list' : 'volume_create', host: 'fake', phase: 'finished', input: { i }, outcome: 'ok', error: null, durationMs: i });
    const last5 = await runOp(deps, auditLog, { limit: 5 }, { actor: testActor });
    expect(last5.entries.map((e) => e.input.i)).toEqual([29, 28, 27, 26, 25]);
    expect(last5.more).toBe(true);
    const creates = await runOp(deps, auditLog, { limit: 100, op: 'volume_create', actor: 'cli:bob' }, { actor: testActor });
    expect(creates.entries.map((e) => e.input.i)).toEqual([27, 21, 15, 9, 3]);
    expect(creates.more).toBe(false);
    // runOp wrote a finished entry for each audit read too (reads are audited).
    const { entries } = await readAudit(deps, { limit: 2 });
    expect(entries.map((e) => e.op)).toEqual(['audit_log', 'audit_log']);
  });
});
