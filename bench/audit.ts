/**
 * Audit log benchmark (`npm run bench:audit`): shows that writing one audit entry, and running
 * `volumes` (a read op, which runOp audits with one "finished" entry), cost the same whether the
 * log on disk holds 100 entries or 200,000, and that `audit --limit 50` does not grow either.
 *
 * For each size a data directory gets an audit log of that many realistic entries (written in
 * bulk as the log's own segments, within the default rotation limits), and the ops run through
 * runOp against an in-memory engine (so the figures are the kernel's and the state's, not the
 * Docker engine's). Sizes are measured interleaved, in rounds, and the median per operation counts;
 * every ratio is against the 100-entry log in the same run. Prints a table (and with --markdown
 * the README's), writes .bench/audit-results.json, exits 1 when a ratio exceeds its target.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendAudit } from '../src/core/audit.js';
import type { AuditEntry } from '../src/core/audit-entry.js';
import type { Deps } from '../src/core/ports.js';
import { runOp } from '../src/core/run-op.js';
import { auditLog } from '../src/ops/governance/audit-log.js';
import { volumeList } from '../src/ops/volumes/volume-list.js';
import { auditLine, segmentName } from '../src/state/audit-log-file.js';
import { AUDIT_DIR } from '../src/state/state-store.js';
import { fakeContainer, FakeEngine, fakeDeps, fakeVolume } from '../test/unit/fakes.js';

const SIZES = [100, 1_000, 10_000, 100_000, 200_000];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const PER_ROUND = { append: 40, volumes: 20, audit: 10 };
// This file runs from .bench/build/bench/: the repository root is three levels up.
const ROOT = new URL('../../../', import.meta.url).pathname;
const actor = { id: 'cli:bench', source: 'cli' as const };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** An entry like the ones runOp writes for everyday ops. */
function sampleEntry(i: number): AuditEntry {
  const ops = ['volume_list', 'volume_inspect', 'volume_backup', 'disk_report', 'volume_create'];
  const op = ops[i % ops.length] as string;
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    actor: i % 7 ? 'slack:U0123ABCD' : 'cli:alice',
    source: i % 7 ? 'slack' : 'cli',
    op,
    host: 'prod-1',
    phase: 'finished',
    input: op === 'volume_backup' ? { volumes: ['db_data', 'app_data'], stop: true, host: 'prod-1' } : { name: `vol_${i % 50}`, label: ['environment=production'] },
    outcome: i % 23 ? 'ok' : 'error',
    error: i % 23 ? null : { code: 'not_found', message: `volume "vol_${i % 50}" does not exist on host "prod-1"` },
    durationMs: 10 + (i % 400),
    approvalId: null,
  };
}

/** Writes `n` entries as the log's own segments, as full as the default rotation makes them. */
function fillLog(dataDir: string, n: number, maxBytes: number): { bytes: number; files: number } {
  const dir = join(dataDir, AUDIT_DIR);
  mkdirSync(dir, { recursive: true });
  let seg = 1;
  let parts: Buffer[] = [];
  let size = 0;
  let bytes = 0;
  const flush = (): void => {
    writeFileSync(join(dir, segmentName(seg)), Buffer.concat(parts), { mode: 0o600 });
    seg++;
    parts = [];
    size = 0;
  };
  for (let i = 0; i < n; i++) {
    const line = auditLine(sampleEntry(i));
    parts.push(line);
    size += line.length;
    bytes += line.length;
    if (size >= maxBytes) flush();
  }
  flush();
  return { bytes, files: seg - 1 };
}

async function timeEach(times: number[], count: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
}

interface Subject {
  n: number;
  deps: Deps;
  bytes: number;
  files: number;
  append: number[];
  volumes: number[];
  audit: number[];
}

async function main(): Promise<void> {
  const markdown = process.argv.includes('--markdown');
  const subjects: Subject[] = [];
  try {
    const engine = new FakeEngine({ name: 'prod-1', url: 'unix:///fake.sock' });
    engine.volumes = Array.from({ length: 40 }, (_, i) => fakeVolume(`vol_${i}`, { environment: 'production' }));
    engine.containers = Array.from({ length: 20 }, (_, i) => fakeContainer(`app_${i}`, [`vol_${i}`]));
    for (const n of SIZES) {
      const deps = await fakeDeps([engine]);
      deps.now = () => new Date();
      const { bytes, files } = fillLog(deps.dataDir, n, deps.config.audit.maxBytes);
      subjects.push({ n, deps, bytes, files, append: [], volumes: [], audit: [] });
      console.log(`bench: audit log of ${n} entries: ${(bytes / 1e6).toFixed(1)} MB in ${files} file(s)`);
    }
    const entry = { actor: 'cli:bench', source: 'cli', op: 'volume_list', host: 'prod-1', phase: 'finished' as const, input: { label: ['environment=production'] }, outcome: 'ok' as const, error: null, durationMs: 12 };
    // Warm-up: JIT, page cache, each log's segment discovered once.
    for (const s of subjects) {
      await timeEach([], 5, () => appendAudit(s.deps, entry));
      await timeEach([], 3, () => runOp(s.deps, volumeList, {}, { actor }));
      await timeEach([], 2, () => runOp(s.deps, auditLog, { limit: 50 }, { actor }));
    }
    for (let r = 0; r < ROUNDS; r++) {
      console.log(`bench: round ${r + 1}/${ROUNDS}`);
      for (const s of subjects) {
        await timeEach(s.append, PER_ROUND.append, () => appendAudit(s.deps, entry));
        await timeEach(s.volumes, PER_ROUND.volumes, () => runOp(s.deps, volumeList, {}, { actor }));
        await timeEach(s.audit, PER_ROUND.audit, () => runOp(s.deps, auditLog, { limit: 50 }, { actor }));
      }
    }

    const base = subjects[0] as Subject;
    const rows = subjects.map((s) => ({
      entries: s.n,
      logMB: s.bytes / 1e6,
      files: s.files,
      appendMs: median(s.append),
      volumesMs: median(s.volumes),
      auditMs: median(s.audit),
      appendRatio: median(s.append) / median(base.append),
      volumesRatio: median(s.volumes) / median(base.volumes),
      auditRatio: median(s.audit) / median(base.audit),
    }));
    const top = rows.at(-1)!;
    const checks = [
      { what: `one audit write, ${top.entries} vs ${base.n} entries on disk`, value: top.appendRatio, target: '<= 1.5', ok: top.appendRatio <= 1.5 },
      { what: `\`volumes\` (audited), ${top.entries} vs ${base.n} entries`, value: top.volumesRatio, target: '<= 1.5', ok: top.volumesRatio <= 1.5 },
      { what: `\`audit --limit 50\`, ${top.entries} vs ${base.n} entries`, value: top.auditRatio, target: '<= 1.5', ok: top.auditRatio <= 1.5 },
    ];
    console.log('');
    console.log(`medians of ${ROUNDS} interleaved rounds (${PER_ROUND.append} writes, ${PER_ROUND.volumes} volumes, ${PER_ROUND.audit} audit reads per round and size)`);
    console.log('entries    log MB  files  audit write ms (ratio)  volumes ms (ratio)  audit --limit 50 ms (ratio)');
    for (const r of rows) {
      console.log(
        `${String(r.entries).padStart(7)}  ${r.logMB.toFixed(1).padStart(8)}  ${String(r.files).padStart(5)}  ${r.appendMs.toFixed(3).padStart(14)} (${r.appendRatio.toFixed(2)})  ${r.volumesMs.toFixed(3).padStart(10)} (${r.volumesRatio.toFixed(2)})  ${r.auditMs.toFixed(3).padStart(19)} (${r.auditRatio.toFixed(2)})`,
      );
    }
    console.log('');
    for (const c of checks) console.log(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.what}: ${c.value.toFixed(2)} (target ${c.target})`);
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    const machine = { cpus: (await import('node:os')).cpus().length, node: process.version, loadAverageAtEnd: (await import('node:os')).loadavg() };
    writeFileSync(join(ROOT, '.bench/audit-results.json'), JSON.stringify({ rounds: ROUNDS, perRound: PER_ROUND, rows, checks, machine }, null, 2) + '\n');
    if (markdown) {
      console.log('');
      console.log('| entries on disk | log size | one audit write | `volumes` | `audit --limit 50` |');
      console.log('|---|---|---|---|---|');
      for (const r of rows) {
        console.log(`| ${r.entries.toLocaleString('en')} | ${r.logMB.toFixed(1)} MB, ${r.files} file${r.files === 1 ? '' : 's'} | ${r.appendMs.toFixed(2)} ms (${r.appendRatio.toFixed(2)}x) | ${r.volumesMs.toFixed(2)} ms (${r.volumesRatio.toFixed(2)}x) | ${r.auditMs.toFixed(2)} ms (${r.auditRatio.toFixed(2)}x) |`);
      }
    }
    process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    for (const s of subjects) rmSync(s.deps.dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
