/**
 * Backup/restore benchmark (`npm run bench:backup`). Starts its own private engine, generates a
 * mixed volume of at least 600 MB (thousands of small files, a large incompressible file, a
 * large compressible log), and measures in the same run:
 *   - the seed's method: docker run --rm -v VOL:/volume -v DIR:/backup HELPER tar czf ... -C /volume .
 *   - the raw time to read the volume's tar stream from the engine (archive API, discarded)
 *   - `storage-ops backup` (the built CLI as a child process: wall time and peak RSS), plain and
 *     encrypted (age)
 *   - `storage-ops restore` into a new volume vs the seed's `tar xzf` restore
 * Each measurement runs several times, interleaved, and the median counts. Prints every ratio
 * against its target, writes .bench/backup-results.json, and with --markdown the README table.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateIdentity } from '../src/backup/age.js';
import { startPrivateEngine, type PrivateEngine } from '../test/harness/private-engine.js';

const run = promisify(execFile);
const HELPER = 'storage-ops-helper:bench';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// This file runs from .bench/build/bench/: the repository root is three levels up.
const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const MB = 1_000_000;

const GENERATE = String.raw`
set -e
cd /v
head -c 314572800 /dev/urandom > random.bin
awk 'BEGIN { srand(42); split("GET POST PUT DELETE PATCH", m, " "); split("200 200 200 201 204 304 400 404 500", s, " ");
  for (i = 0; i < 2750000; i++)
    printf "2026-11-%02d %02d:%02d:%02d.%03d INFO [worker-%d] %s /api/v1/items/%d status=%s bytes=%d duration_ms=%.2f user=u%05d trace=%08x\n",
      1 + i % 28, i % 24, i % 60, (i * 7) % 60, i % 1000, i % 16, m[1 + int(rand() * 5)], int(rand() * 100000), s[1 + int(rand() * 9)],
      int(rand() * 50000), rand() * 250, int(rand() * 20000), int(rand() * 2147483647) }' > app.log
i=0; while [ $i -lt 40 ]; do mkdir -p src/d$i; i=$((i+1)); done
awk 'BEGIN { srand(7);
  for (f = 0; f < 4000; f++) { name = sprintf("src/d%d/module_%04d.js", f % 40, f); n = 20 + int(rand() * 120);
    for (k = 0; k < n; k++) printf "export function f%d_%d(x) { return x * %d + %d; } // %s\n", f, k, int(rand() * 1000), k, (rand() < 0.5 ? "fast path" : "slow path") > name;
    close(name) } }'
du -s -k /v | cut -f1
`;

interface Sample {
  seconds: number;
  rssMb?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

/** Runs the built CLI as a child under GNU time (for its peak RSS); returns wall seconds, RSS and stdout. */
async function cliRun(args: string[], env: NodeJS.ProcessEnv): Promise<Sample & { stdout: string }> {
  const rssFile = join(tmpdir(), `so-bench-rss-${process.pid}`);
  const t = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const seconds = (performance.now() - t) / 1000;
  if (code !== 0) throw new Error(`storage-ops ${args.join(' ')} failed (${code}): ${stderr}`);
  const { readFileSync } = await import('node:fs');
  const rssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024;
  rmSync(rssFile, { force: true });
  return { seconds, rssMb, stdout };
}

async function main(): Promise<void> {
  const markdown = process.argv.includes('--markdown');
  console.log(`bench: starting a private engine (overlay2), ${RUNS} runs per measurement; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const engine: PrivateEngine = await startPrivateEngine('bench', 'overlay2');
  const work = mkdtempSync(join(tmpdir(), 'so-bench-'));
  try {
    await run('bash', [join(ROOT, 'scripts/import-helper-image.sh'), HELPER, engine.url]);
    const dockerCli = (...args: string[]): Promise<{ stdout: string }> => run('docker', ['-H', engine.url, ...args], { maxBuffer: 16 << 20 });
    const vol = 'bench_mixed';
    await dockerCli('volume', 'create', vol);
    console.log('bench: generating the volume (random file, log, 4000 small files)...');
    const { stdout: duKb } = await dockerCli('run', '--rm', '--network', 'none', '-v', `${vol}:/v`, HELPER, 'sh', '-c', GENERATE);
    const volumeBytes = Number(duKb.trim().split('\n').at(-1)) * 1024;
    console.log(`bench: volume holds ${(volumeBytes / MB).toFixed(0)} MB`);
    if (volumeBytes < 600 * MB) throw new Error('the generated volume is smaller than 600 MB');

    const key = generateIdentity();
    const keyFile = join(work, 'key.txt');
    writeFileSync(keyFile, `${key.identity}\n`, { mode: 0o600 });
    const dataDir = join(work, 'data');
    mkdirSync(dataDir);
    const configFile = join(work, 'config.json');
    const level = process.env.BENCH_ZSTD_LEVEL ? { compressionLevel: Number(process.env.BENCH_ZSTD_LEVEL) } : {};
    writeFileSync(configFile, JSON.stringify({ hosts: [{ name: 'bench', url: engine.url }], helperImage: HELPER, backup: { recipients: [key.recipient], identityFile: keyFile, retention: { days: null }, ...level } }));
    const env = { ...process.env, STORAGE_OPS_CONFIG: configFile, STORAGE_OPS_DATA_DIR: dataDir };
    const seedDir = join(work, 'seed');
    mkdirSync(seedDir);

    // The baseline: a process that only reads the volume's tar stream from the engine (raw-read.ts),
    // so it pays the same process start-up as the storage-ops CLI does.
    const rawReader = join(ROOT, '.bench/build/bench/raw-read.js');
    const rawRead = async (): Promise<number> => timed(async () => void (await run(process.execPath, [rawReader, engine.url, vol, HELPER])));

    await rawRead(); // warm the page cache for every method alike
    const raw: number[] = [];
    const seed: number[] = [];
    const ours: Sample[] = [];
    const enc: Sample[] = [];
    let seedBytes = 0;
    let ourBytes = 0;
    let encBytes = 0;
    let ourId = '';
    for (let i = 0; i < RUNS; i++) {
      console.log(`bench: backup round ${i + 1}/${RUNS}`);
      raw.push(await rawRead());
      rmSync(join(seedDir, 'x.tar.gz'), { force: true });
      seed.push(await timed(async () => void (await dockerCli('run', '--rm', '--network', 'none', '-v', `${vol}:/volume`, '-v', `${seedDir}:/backup`, HELPER, 'tar', 'czf', '/backup/x.tar.gz', '-C', '/volume', '.'))));
      seedBytes = statSync(join(seedDir, 'x.tar.gz')).size;
      const o = await cliRun(['backup', vol, '--no-prune', '--json'], env);
      ours.push(o);
      const ob = (JSON.parse(o.stdout) as { backups: Array<{ id: string; bytes: number }> }).backups[0]!;
      ourBytes = ob.bytes;
      ourId = ob.id;
      const e = await cliRun(['backup', vol, '--no-prune', '--encrypt', '--json'], env);
      enc.push(e);
      encBytes = (JSON.parse(e.stdout) as { backups: Array<{ bytes: number }> }).backups[0]!.bytes;
    }

    const seedRestore: number[] = [];
    const ourRestore: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      console.log(`bench: restore round ${i + 1}/${RUNS}`);
      const seedTarget = `bench_seed_restore_${i}`;
      await dockerCli('volume', 'create', seedTarget);
      seedRestore.push(await timed(async () => void (await dockerCli('run', '--rm', '--network', 'none', '-v', `${seedTarget}:/volume`, '-v', `${seedDir}:/backup:ro`, HELPER, 'tar', 'xzf', '/backup/x.tar.gz', '-C', '/volume'))));
      await dockerCli('volume', 'rm', seedTarget);
      const target = `bench_restore_${i}`;
      ourRestore.push(await cliRun(['restore', ourId, target, '--create', '--yes', '--json'], env));
      await dockerCli('volume', 'rm', target);
    }

    const rawS = median(raw);
    const seedS = median(seed);
    const oursS = median(ours.map((s) => s.seconds));
    const encS = median(enc.map((s) => s.seconds));
    const seedRestoreS = median(seedRestore);
    const ourRestoreS = median(ourRestore.map((s) => s.seconds));
    const peakRss = Math.max(...ours.map((s) => s.rssMb ?? 0), ...enc.map((s) => s.rssMb ?? 0));
    const checks = [
      { what: 'backup speed vs seed (seed time / ours)', value: seedS / oursS, target: '>= 5', ok: seedS / oursS >= 5 },
      { what: 'archive size vs seed (ours / seed)', value: ourBytes / seedBytes, target: '<= 1.05', ok: ourBytes / seedBytes <= 1.05 },
      { what: 'backup time vs raw stream read (ours / raw)', value: oursS / rawS, target: '<= 1.6', ok: oursS / rawS <= 1.6 },
      { what: 'restore time vs seed restore (ours / seed)', value: ourRestoreS / seedRestoreS, target: '<= 1.0', ok: ourRestoreS / seedRestoreS <= 1 },
      { what: 'peak RSS of the backing-up process (MB)', value: peakRss, target: '<= 150', ok: peakRss <= 150 },
      { what: 'encrypted vs plain throughput (plain time / encrypted)', value: oursS / encS, target: '>= 0.8', ok: oursS / encS >= 0.8 },
    ];
    const figures = {
      volumeMB: volumeBytes / MB,
      runs: RUNS,
      seconds: { raw: rawS, seedBackup: seedS, backup: oursS, encryptedBackup: encS, seedRestore: seedRestoreS, restore: ourRestoreS },
      bytes: { seed: seedBytes, backup: ourBytes, encrypted: encBytes },
      throughputMBs: { raw: volumeBytes / MB / rawS, backup: volumeBytes / MB / oursS, encryptedBackup: volumeBytes / MB / encS, seedBackup: volumeBytes / MB / seedS },
      peakRssMB: peakRss,
      checks,
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version, loadAverageAtEnd: (await import('node:os')).loadavg() },
    };
    console.log('');
    console.log(`volume ${(volumeBytes / MB).toFixed(0)} MB; medians of ${RUNS} runs`);
    console.log(`  raw tar stream read    ${rawS.toFixed(2)} s (${(volumeBytes / MB / rawS).toFixed(0)} MB/s)`);
    console.log(`  seed tar czf           ${seedS.toFixed(2)} s, ${(seedBytes / MB).toFixed(1)} MB`);
    console.log(`  storage-ops backup     ${oursS.toFixed(2)} s, ${(ourBytes / MB).toFixed(1)} MB (zstd)`);
    console.log(`  storage-ops --encrypt  ${encS.toFixed(2)} s, ${(encBytes / MB).toFixed(1)} MB (zstd + age)`);
    console.log(`  seed tar xzf restore   ${seedRestoreS.toFixed(2)} s`);
    console.log(`  storage-ops restore    ${ourRestoreS.toFixed(2)} s (verifies the archive first)`);
    console.log('');
    for (const c of checks) console.log(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.what}: ${c.value.toFixed(2)} (target ${c.target})`);
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    writeFileSync(join(ROOT, '.bench/backup-results.json'), JSON.stringify(figures, null, 2) + '\n');
    if (markdown) {
      console.log('');
      console.log('| measurement | figure | target |');
      console.log('|---|---|---|');
      console.log(`| raw tar stream read from the engine | ${rawS.toFixed(2)} s (${(volumeBytes / MB / rawS).toFixed(0)} MB/s) | |`);
      console.log(`| seed \`tar czf\` backup | ${seedS.toFixed(2)} s, ${(seedBytes / MB).toFixed(1)} MB | |`);
      console.log(`| \`storage-ops backup\` (zstd) | ${oursS.toFixed(2)} s, ${(ourBytes / MB).toFixed(1)} MB | |`);
      console.log(`| \`storage-ops backup --encrypt\` | ${encS.toFixed(2)} s | |`);
      console.log(`| seed \`tar xzf\` restore | ${seedRestoreS.toFixed(2)} s | |`);
      console.log(`| \`storage-ops restore\` (verify + extract) | ${ourRestoreS.toFixed(2)} s | |`);
      for (const c of checks) console.log(`| ${c.what} | **${c.value.toFixed(2)}** ${c.ok ? '✓' : '✗'} | ${c.target} |`);
    }
    process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    await engine.stop().catch((err: unknown) => console.error(`stopping the bench engine: ${String(err)}`));
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
