/**
 * Backup/restore benchmark (`npm run bench:backup`). Starts private engines of its own, fills one
 * volume per content mix (mostly incompressible, mostly compressible, tens of thousands of small
 * files; backup-mixes.ts) and measures, interleaved in rounds, medians per mix:
 *   - the raw read: the volume's tar stream from the engine's archive API read by curl over the
 *     engine's unix socket into /dev/null (a plain HTTP client; the helper container it reads
 *     through is created beforehand, never started);
 *   - a native pipeline for reference: that curl piped into `zstd` into a file;
 *   - the seed's method: docker run --rm -v VOL:/volume -v DIR:/backup HELPER tar czf ... -C /volume .
 *   - `storage-ops backup` and `backup --encrypt` (the built CLI as a child process: wall time
 *     including its start-up, peak RSS from GNU time);
 *   - `storage-ops restore --create` (verifies the archive first) against the seed's `tar xzf`
 *     restore into a new volume.
 * Then the peak RSS of one backup of a volume larger than the machine's memory (mostly a sparse
 * file: streamed in full, no disk used), and `storage-ops report` against `docker system df -v`
 * on an engine with 1,000 volumes. Prints every ratio of issue 13 per mix against its target,
 * writes .bench/backup-results.json, and with --markdown the README tables.
 *
 * Environment: BENCH_RUNS (default 5), BENCH_MIXES (comma-separated names), BENCH_BIG_GB (size of
 * the large volume; default 1.5 x total memory; 0 skips it), BENCH_SKIP_REPORT=1,
 * BENCH_ZSTD_LEVEL (passed to storage-ops as backup.compressionLevel).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, totalmem, cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateIdentity } from '../src/backup/age.js';
import { DEFAULT_LEVEL } from '../src/backup/compression.js';
import { startPrivateEngine, type PrivateEngine } from '../test/harness/private-engine.js';
import { MB, median, timedRun } from './bench-util.js';
import { bigVolumeScript, MIXES, type Mix } from './backup-mixes.js';
import { measureReport, type ReportFigures } from './report-vs-df.js';

const run = promisify(execFile);
const HELPER = 'storage-ops-helper:bench';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// This file runs from .bench/build/bench/: the repository root is three levels up.
const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const LEVEL = process.env.BENCH_ZSTD_LEVEL ? Number(process.env.BENCH_ZSTD_LEVEL) : DEFAULT_LEVEL.zstd;

interface MixRun {
  mix: Mix;
  volume: string;
  volumeBytes: number;
  /** Container the raw reads go through (created, never started). */
  reader: string;
  raw: number[];
  native: number[];
  seed: number[];
  ours: number[];
  enc: number[];
  rss: number[];
  seedRestore: number[];
  ourRestore: number[];
  seedBytes: number;
  ourBytes: number;
  encBytes: number;
  nativeBytes: number;
  lastId: string;
}

interface Check {
  mix: string;
  what: string;
  value: number;
  target: string;
  ok: boolean;
}

const log = (s: string): void => console.log(s);

async function main(): Promise<void> {
  const markdown = process.argv.includes('--markdown');
  const wanted = process.env.BENCH_MIXES?.split(',').map((s) => s.trim());
  const mixes = MIXES.filter((m) => !wanted || wanted.includes(m.name));
  const bigBytes = Math.round((process.env.BENCH_BIG_GB !== undefined ? Number(process.env.BENCH_BIG_GB) * 1e9 : totalmem() * 1.5) / 4096) * 4096;
  const withReport = process.env.BENCH_SKIP_REPORT !== '1';
  log(`bench: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${RUNS} runs per measurement; zstd level ${LEVEL}`);
  const engines: PrivateEngine[] = [];
  const work = mkdtempSync('/tmp/so-bench-');
  try {
    const engine = await startPrivateEngine('bench', 'overlay2');
    engines.push(engine);
    const dfEngine = withReport ? await startPrivateEngine('bench-df', 'overlay2') : null;
    if (dfEngine) engines.push(dfEngine);
    for (const e of engines) await run('bash', [join(ROOT, 'scripts/import-helper-image.sh'), HELPER, e.url]);
    const docker = (...args: string[]): Promise<{ stdout: string }> => run('docker', ['-H', engine.url, ...args], { maxBuffer: 64 << 20 });

    const key = generateIdentity();
    const keyFile = join(work, 'key.txt');
    writeFileSync(keyFile, `${key.identity}\n`, { mode: 0o600 });
    const dataDir = join(work, 'data');
    mkdirSync(dataDir);
    const configFile = join(work, 'config.json');
    const level = process.env.BENCH_ZSTD_LEVEL ? { compressionLevel: LEVEL } : {};
    const hosts = [{ name: 'bench', url: engine.url }, ...(dfEngine ? [{ name: 'bench-df', url: dfEngine.url }] : [])];
    writeFileSync(configFile, JSON.stringify({ hosts, helperImage: HELPER, backup: { recipients: [key.recipient], identityFile: keyFile, retention: { days: null }, ...level } }));
    const env = { ...process.env, STORAGE_OPS_CONFIG: configFile, STORAGE_OPS_DATA_DIR: dataDir };
    const cli = (args: string[]) => timedRun(process.execPath, [CLI, ...args], env);
    const seedDir = join(work, 'seed');
    mkdirSync(seedDir);
    const nativeFile = join(work, 'native.tar.zst');

    const runs: MixRun[] = [];
    for (const mix of mixes) {
      const volume = `bench_${mix.name.replace(/-/g, '_')}`;
      await docker('volume', 'create', volume);
      log(`bench: filling ${volume} with ${mix.what}...`);
      const { stdout } = await docker('run', '--rm', '--network', 'none', '-v', `${volume}:/v`, HELPER, 'sh', '-c', mix.script);
      const volumeBytes = Number(stdout.trim().split('\n').at(-1)) * 1024;
      const { stdout: id } = await docker('create', '--network', 'none', '-v', `${volume}:/volume:ro`, HELPER);
      runs.push({ mix, volume, volumeBytes, reader: id.trim(), raw: [], native: [], seed: [], ours: [], enc: [], rss: [], seedRestore: [], ourRestore: [], seedBytes: 0, ourBytes: 0, encBytes: 0, nativeBytes: 0, lastId: '' });
      log(`bench: ${volume} holds ${(volumeBytes / MB).toFixed(0)} MB`);
    }

    const archiveUrl = (r: MixRun): string => `http://docker/containers/${r.reader}/archive?path=${encodeURIComponent('/volume/.')}`;
    const rawRead = (r: MixRun) => timedRun('curl', ['-sSf', '--unix-socket', engine.socket, '-o', '/dev/null', archiveUrl(r)]);
    const nativePipe = (r: MixRun) =>
      timedRun('bash', ['-c', `set -o pipefail; curl -sSf --unix-socket '${engine.socket}' '${archiveUrl(r)}' | zstd -q -c -${LEVEL} > '${nativeFile}'`]);
    const seedBackup = (r: MixRun) =>
      timedRun('docker', ['-H', engine.url, 'run', '--rm', '--network', 'none', '-v', `${r.volume}:/volume`, '-v', `${seedDir}:/backup`, HELPER, 'tar', 'czf', `/backup/${r.volume}.tar.gz`, '-C', '/volume', '.']);

    for (const r of runs) await rawRead(r); // warms the page cache for every method alike
    for (let i = 0; i < RUNS; i++) {
      for (const r of runs) {
        log(`bench: backup round ${i + 1}/${RUNS}, ${r.mix.name}`);
        r.raw.push((await rawRead(r)).seconds);
        const o = await cli(['backup', r.volume, '--no-prune', '--json']);
        r.ours.push(o.seconds);
        r.rss.push(o.rssMb);
        const ob = (JSON.parse(o.stdout) as { backups: Array<{ id: string; bytes: number }> }).backups[0]!;
        r.ourBytes = ob.bytes;
        r.lastId = ob.id;
        r.native.push((await nativePipe(r)).seconds);
        r.nativeBytes = statSync(nativeFile).size;
        r.seed.push((await seedBackup(r)).seconds);
        r.seedBytes = statSync(join(seedDir, `${r.volume}.tar.gz`)).size;
        const e = await cli(['backup', r.volume, '--no-prune', '--encrypt', '--json']);
        r.enc.push(e.seconds);
        r.rss.push(e.rssMb);
        r.encBytes = (JSON.parse(e.stdout) as { backups: Array<{ bytes: number }> }).backups[0]!.bytes;
      }
    }
    rmSync(nativeFile, { force: true });

    for (let i = 0; i < RUNS; i++) {
      for (const r of runs) {
        log(`bench: restore round ${i + 1}/${RUNS}, ${r.mix.name}`);
        const seedTarget = `${r.volume}_seed_restore_${i}`;
        await docker('volume', 'create', seedTarget);
        r.seedRestore.push(
          (await timedRun('docker', ['-H', engine.url, 'run', '--rm', '--network', 'none', '-v', `${seedTarget}:/volume`, '-v', `${seedDir}:/backup:ro`, HELPER, 'tar', 'xzf', `/backup/${r.volume}.tar.gz`, '-C', '/volume'])).seconds,
        );
        await docker('volume', 'rm', seedTarget);
        const target = `${r.volume}_restore_${i}`;
        r.ourRestore.push((await cli(['restore', r.lastId, target, '--create', '--yes', '--json'])).seconds);
        await docker('volume', 'rm', target);
      }
    }
    for (const r of runs) await docker('rm', r.reader);

    let big: { volumeBytes: number; seconds: number; rssMb: number } | null = null;
    if (bigBytes > 0) {
      log(`bench: large volume for the memory check: a ${(bigBytes / 1e9).toFixed(1)} GB sparse file and 512 MiB of random data (machine memory ${(totalmem() / 1e9).toFixed(1)} GB)`);
      await docker('volume', 'create', 'bench_large');
      const { stdout } = await docker('run', '--rm', '--network', 'none', '-v', 'bench_large:/v', HELPER, 'sh', '-c', bigVolumeScript(bigBytes));
      const o = await cli(['backup', 'bench_large', '--no-prune', '--json']);
      const file = (JSON.parse(o.stdout) as { storeDir: string; backups: Array<{ file: string }> });
      rmSync(join(file.storeDir, file.backups[0]!.file), { force: true });
      big = { volumeBytes: Number(stdout.trim().split('\n').at(-1)) * 1024, seconds: o.seconds, rssMb: o.rssMb };
      await docker('volume', 'rm', 'bench_large');
    }

    let report: ReportFigures | null = null;
    if (dfEngine) report = await measureReport({ engineUrl: dfEngine.url, socket: dfEngine.socket, helper: HELPER, hostName: 'bench-df', cli: CLI, env, runs: RUNS, log });

    const checks: Check[] = [];
    const figures = runs.map((r) => {
      const f = {
        mix: r.mix.name,
        what: r.mix.what,
        volumeMB: r.volumeBytes / MB,
        seconds: { raw: median(r.raw), native: median(r.native), seedBackup: median(r.seed), backup: median(r.ours), encryptedBackup: median(r.enc), seedRestore: median(r.seedRestore), restore: median(r.ourRestore) },
        bytes: { seed: r.seedBytes, backup: r.ourBytes, encrypted: r.encBytes, native: r.nativeBytes },
        peakRssMB: Math.max(...r.rss),
      };
      const s = f.seconds;
      checks.push(
        { mix: f.mix, what: 'backup time vs raw stream read (ours / raw)', value: s.backup / s.raw, target: '<= 1.3', ok: s.backup / s.raw <= 1.3 },
        { mix: f.mix, what: 'backup speed vs seed (seed time / ours)', value: s.seedBackup / s.backup, target: '>= 5', ok: s.seedBackup / s.backup >= 5 },
        { mix: f.mix, what: 'archive size vs seed (ours / seed)', value: r.ourBytes / r.seedBytes, target: '<= 1.05', ok: r.ourBytes / r.seedBytes <= 1.05 },
        { mix: f.mix, what: 'restore incl. verify vs seed restore (ours / seed)', value: s.restore / s.seedRestore, target: '<= 0.7', ok: s.restore / s.seedRestore <= 0.7 },
        { mix: f.mix, what: 'peak RSS of the backing-up process (MB)', value: f.peakRssMB, target: '<= 150', ok: f.peakRssMB <= 150 },
        { mix: f.mix, what: 'encrypted vs plain throughput (plain time / encrypted)', value: s.backup / s.encryptedBackup, target: '>= 0.8', ok: s.backup / s.encryptedBackup >= 0.8 },
      );
      return f;
    });
    if (big) checks.push({ mix: 'large', what: `peak RSS backing up ${(big.volumeBytes / 1e9).toFixed(0)} GB (MB)`, value: big.rssMb, target: '<= 150', ok: big.rssMb <= 150 });
    if (report) checks.push({ mix: '1,000 volumes', what: 'report vs docker system df -v (ours / df)', value: report.ratio, target: '<= 1.2', ok: report.ratio <= 1.2 });

    log('');
    for (const f of figures) {
      const s = f.seconds;
      log(`${f.mix}: ${f.what}; ${f.volumeMB.toFixed(0)} MB; medians of ${RUNS} runs`);
      log(`  raw tar stream read (curl)   ${s.raw.toFixed(2)} s (${(f.volumeMB / s.raw).toFixed(0)} MB/s)`);
      log(`  curl | zstd -${LEVEL} > file       ${s.native.toFixed(2)} s, ${(f.bytes.native / MB).toFixed(1)} MB`);
      log(`  seed tar czf                 ${s.seedBackup.toFixed(2)} s, ${(f.bytes.seed / MB).toFixed(1)} MB`);
      log(`  storage-ops backup           ${s.backup.toFixed(2)} s, ${(f.bytes.backup / MB).toFixed(1)} MB`);
      log(`  storage-ops backup --encrypt ${s.encryptedBackup.toFixed(2)} s, ${(f.bytes.encrypted / MB).toFixed(1)} MB`);
      log(`  seed tar xzf restore         ${s.seedRestore.toFixed(2)} s`);
      log(`  storage-ops restore          ${s.restore.toFixed(2)} s (into a new volume: verified as it is extracted)`);
    }
    if (big) log(`large: ${(big.volumeBytes / 1e9).toFixed(1)} GB backed up in ${big.seconds.toFixed(1)} s, peak RSS ${big.rssMb.toFixed(1)} MB`);
    if (report) log(`1,000 volumes: docker system df -v ${report.dockerDfSeconds.toFixed(2)} s, storage-ops report ${report.reportSeconds.toFixed(2)} s`);
    log('');
    for (const c of checks) log(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.mix.padEnd(14)} ${c.what}: ${c.value.toFixed(2)} (target ${c.target})`);
    log('');
    log('Floors measured in this run (what no implementation of the same design can beat here):');
    for (const b of floors(figures, report)) log(`  ${b.mix.padEnd(14)} ${b.what}: ${b.value.toFixed(2)} (target ${b.target})`);

    const results = { runs: RUNS, zstdLevel: LEVEL, mixes: figures, large: big, report, checks, floors: floors(figures, report), machine: { cpus: cpus().length, node: process.version, memoryGB: totalmem() / 1e9, loadAverageAtEnd: loadavg() } };
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    writeFileSync(join(ROOT, '.bench/backup-results.json'), JSON.stringify(results, null, 2) + '\n');
    if (markdown) printMarkdown(figures, checks, big, report);
    process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    for (const e of engines) await e.stop().catch((err: unknown) => console.error(`stopping bench engine ${e.name}: ${String(err)}`));
    rmSync(work, { recursive: true, force: true });
  }
}

type Figures = { mix: string; volumeMB: number; seconds: Record<string, number>; bytes: Record<string, number>; peakRssMB: number };

interface Floor {
  mix: string;
  what: string;
  value: number;
  target: string;
}

/**
 * Bounds on the targets from the same run: a native `curl | zstd > file` (no hash, no tar walk,
 * no Node) against the raw read bounds "ours / raw" from below; the seed's time over the bare
 * raw read bounds "seed / ours" from above for anything that reads through the engine's archive
 * API; a bare `node -e 0` against `docker system df -v` bounds "report / df" from below.
 */
function floors(figures: Figures[], report: ReportFigures | null): Floor[] {
  const out: Floor[] = [];
  for (const f of figures) {
    const s = f.seconds as Record<'raw' | 'native' | 'seedBackup', number>;
    out.push(
      { mix: f.mix, what: 'native curl | zstd > file vs raw read (lowest ours / raw)', value: s.native / s.raw, target: '<= 1.3' },
      { mix: f.mix, what: 'seed time / raw read (highest seed / ours)', value: s.seedBackup / s.raw, target: '>= 5' },
    );
  }
  if (report) out.push({ mix: '1,000 volumes', what: 'bare node -e 0 vs docker system df -v (lowest report / df)', value: report.nodeStartSeconds / report.dockerDfSeconds, target: '<= 1.2' });
  return out;
}

function printMarkdown(figures: Figures[], checks: Check[], big: { volumeBytes: number; seconds: number; rssMb: number } | null, report: ReportFigures | null): void {
  const cell = (mix: string, what: string): string => {
    const c = checks.find((x) => x.mix === mix && x.what === what);
    return c ? `**${c.value.toFixed(2)}** ${c.ok ? '✓' : '✗'}` : '';
  };
  log('');
  log(`| measurement (medians of ${RUNS}) | ${figures.map((f) => `${f.mix} (${f.volumeMB.toFixed(0)} MB)`).join(' | ')} | target |`);
  log(`|---|${figures.map(() => '---|').join('')}---|`);
  const row = (label: string, fn: (f: Figures) => string, target = ''): void => log(`| ${label} | ${figures.map(fn).join(' | ')} | ${target} |`);
  row('raw tar stream read (curl)', (f) => `${f.seconds.raw!.toFixed(2)} s`);
  row(`\`curl \\| zstd -${LEVEL} > file\``, (f) => `${f.seconds.native!.toFixed(2)} s`);
  row('seed `tar czf`', (f) => `${f.seconds.seedBackup!.toFixed(2)} s, ${(f.bytes.seed! / MB).toFixed(1)} MB`);
  row('`storage-ops backup`', (f) => `${f.seconds.backup!.toFixed(2)} s, ${(f.bytes.backup! / MB).toFixed(1)} MB`);
  row('`storage-ops backup --encrypt`', (f) => `${f.seconds.encryptedBackup!.toFixed(2)} s`);
  row('seed `tar xzf` restore', (f) => `${f.seconds.seedRestore!.toFixed(2)} s`);
  row('`storage-ops restore --create` (verified while extracting)', (f) => `${f.seconds.restore!.toFixed(2)} s`);
  for (const what of [...new Set(checks.filter((c) => figures.some((f) => f.mix === c.mix)).map((c) => c.what))]) {
    row(what, (f) => cell(f.mix, what), checks.find((c) => c.what === what)!.target);
  }
  log('');
  if (big) {
    const c = checks.find((x) => x.mix === 'large')!;
    log(`- peak RSS backing up a ${(big.volumeBytes / 1e9).toFixed(1)} GB volume (${big.seconds.toFixed(0)} s): **${c.value.toFixed(1)} MB** ${c.ok ? '✓' : '✗'} (target <= 150)`);
  }
  if (report) {
    const c = checks.find((x) => x.mix === '1,000 volumes')!;
    log(`- \`report\` with 1,000 volumes: ${report.reportSeconds.toFixed(2)} s vs \`docker system df -v\` ${report.dockerDfSeconds.toFixed(2)} s: **${c.value.toFixed(2)}** ${c.ok ? '✓' : '✗'} (target <= 1.2)`);
  }
  log('');
  log('Floors from the same run (no implementation of this design gets past them here):');
  log('');
  for (const b of floors(figures, report)) log(`- ${b.mix}: ${b.what}: **${b.value.toFixed(2)}** (target ${b.target})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
