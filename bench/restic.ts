/**
 * restic store benchmark (`npm run bench:restic`). Starts its own private engine, generates a
 * mixed volume (a large incompressible file, a large compressible log, thousands of small source
 * files; about 660 MB), and measures in the same run, interleaved, medians of BENCH_RUNS runs:
 *   - `storage-ops backup` into the local store (zstd): the baseline;
 *   - `storage-ops backup --store` into a fresh, empty local restic repository (the first
 *     backup: everything is new);
 *   - the same backup again into that repository, the volume unchanged (how many bytes it adds:
 *     restic `data_added` and the growth of `restic stats --mode raw-data`);
 *   - once, after a 5 MB file is added to the volume: the bytes that backup adds;
 *   - for scale, restic alone: the engine's tar stream read by curl piped into `restic backup --stdin`
 *     (compression auto and off): restic's own speed on this machine, nothing of storage-ops in the way.
 * All through the built CLI as a child process (wall time, start-up included). Prints each ratio
 * against its target, writes .bench/restic-results.json, and with --markdown the README table.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPrivateEngine, type PrivateEngine } from '../test/harness/private-engine.js';

const run = promisify(execFile);
const HELPER = 'storage-ops-helper:bench';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
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

interface BackupJson {
  id: string;
  bytes: number;
  addedBytes: number | null;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Runs the built CLI as a child; returns wall seconds and the backup it reports. */
async function backup(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; b: BackupJson }> {
  const t = performance.now();
  const child = spawn(process.execPath, [CLI, 'backup', ...args, '--no-prune', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const seconds = (performance.now() - t) / 1000;
  if (code !== 0) throw new Error(`storage-ops backup ${args.join(' ')} failed (${code}): ${stderr}`);
  return { seconds, b: (JSON.parse(stdout) as { backups: BackupJson[] }).backups[0] as BackupJson };
}

async function main(): Promise<void> {
  const markdown = process.argv.includes('--markdown');
  console.log(`bench: starting a private engine (overlay2), ${RUNS} runs per measurement; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const engine: PrivateEngine = await startPrivateEngine('bench-restic', 'overlay2');
  const work = mkdtempSync(join(tmpdir(), 'so-bench-restic-'));
  try {
    const { stdout: version } = await run('restic', ['version']);
    await run('bash', [join(ROOT, 'scripts/import-helper-image.sh'), HELPER, engine.url]);
    const dockerCli = (...args: string[]): Promise<{ stdout: string }> => run('docker', ['-H', engine.url, ...args], { maxBuffer: 16 << 20 });
    const vol = 'bench_mixed';
    await dockerCli('volume', 'create', vol);
    console.log('bench: generating the volume (random file, log, 4000 small files)...');
    const { stdout: duKb } = await dockerCli('run', '--rm', '--network', 'none', '-v', `${vol}:/v`, HELPER, 'sh', '-c', GENERATE);
    const volumeBytes = Number(duKb.trim().split('\n').at(-1)) * 1024;
    console.log(`bench: volume holds ${(volumeBytes / MB).toFixed(0)} MB`);

    const pw = join(work, 'restic-password');
    writeFileSync(pw, 'bench-restic-password\n', { mode: 0o600 });
    const repo = (i: number): string => join(work, `repo-${i}`);
    const stores = Array.from({ length: RUNS + 1 }, (_, i) => [
      { name: `r${i}`, kind: 'restic', repository: repo(i), passwordFile: pw, init: true },
      // The same with compression off: restic's own zstd (auto) is most of its CPU time.
      { name: `off${i}`, kind: 'restic', repository: join(work, `off-${i}`), passwordFile: pw, init: true, compression: 'off' },
    ]).flat();
    const dataDir = join(work, 'data');
    mkdirSync(dataDir);
    const configFile = join(work, 'config.json');
    writeFileSync(configFile, JSON.stringify({ hosts: [{ name: 'bench', url: engine.url }], helperImage: HELPER, backup: { retention: { days: null }, stores } }));
    const env = { ...process.env, STORAGE_OPS_CONFIG: configFile, STORAGE_OPS_DATA_DIR: dataDir };
    const rawSize = async (i: number, repository = repo(i)): Promise<number> => {
      const { stdout } = await run('restic', ['stats', '--json', '--mode', 'raw-data'], { env: { PATH: process.env.PATH, HOME: work, RESTIC_REPOSITORY: repository, RESTIC_PASSWORD_FILE: pw, RESTIC_CACHE_DIR: join(work, 'cache') } });
      return (JSON.parse(stdout) as { total_size: number }).total_size;
    };

    // restic alone, for scale: the volume's tar stream read from the engine's archive API by curl
    // (as a plain HTTP client would, nothing of ours in the way) piped straight into restic, first
    // backup into an empty repository; init is not timed.
    const { stdout: reader } = await dockerCli('create', '--network', 'none', '-v', `${vol}:/volume:ro`, HELPER);
    const archiveUrl = `http://docker/containers/${reader.trim()}/archive?path=${encodeURIComponent('/volume/.')}`;
    const resticAlone = async (i: number, compression: string): Promise<number> => {
      const renv = { PATH: process.env.PATH, HOME: work, RESTIC_REPOSITORY: join(work, `alone-${compression}-${i}`), RESTIC_PASSWORD_FILE: pw, RESTIC_CACHE_DIR: join(work, 'cache') };
      await run('restic', ['init'], { env: renv });
      const t = performance.now();
      await run('bash', ['-o', 'pipefail', '-c', `curl -sSf --unix-socket '${engine.socket}' '${archiveUrl}' | restic backup --compression ${compression} --stdin --stdin-filename ${vol}.tar --quiet`], { env: renv, maxBuffer: 16 << 20 });
      return (performance.now() - t) / 1000;
    };

    // Warm the page cache for every method alike.
    await backup([vol], env);
    const alone: number[] = [];
    const aloneOff: number[] = [];
    const local: number[] = [];
    const first: number[] = [];
    const firstOff: number[] = [];
    let offBytes = 0;
    const again: number[] = [];
    let localBytes = 0;
    let tarBytes = 0;
    let repoBytes = 0;
    const addedAgain: number[] = [];
    const grownAgain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      console.log(`bench: round ${i + 1}/${RUNS}`);
      const l = await backup([vol], env);
      local.push(l.seconds);
      localBytes = l.b.bytes;
      const f = await backup([vol, '--store', `r${i}`], env);
      first.push(f.seconds);
      tarBytes = f.b.bytes;
      repoBytes = await rawSize(i);
      firstOff.push((await backup([vol, '--store', `off${i}`], env)).seconds);
      offBytes = await rawSize(i, join(work, `off-${i}`));
      alone.push(await resticAlone(i, 'auto'));
      aloneOff.push(await resticAlone(i, 'off'));
      const a = await backup([vol, '--store', `r${i}`], env);
      again.push(a.seconds);
      addedAgain.push(a.b.addedBytes ?? Number.NaN);
      grownAgain.push((await rawSize(i)) - repoBytes);
    }
    // A small change: one new 5 MB file.
    await dockerCli('run', '--rm', '--network', 'none', '-v', `${vol}:/v`, HELPER, 'sh', '-c', 'head -c 5000000 /dev/urandom > /v/new-5mb.bin');
    const before = await rawSize(0);
    const changed = await backup([vol, '--store', 'r0'], env);
    const grownChanged = (await rawSize(0)) - before;

    const localS = median(local);
    const firstS = median(first);
    const firstOffS = median(firstOff);
    const againS = median(again);
    const aloneS = median(alone);
    const aloneOffS = median(aloneOff);
    const addedShare = Math.max(median(addedAgain), median(grownAgain)) / tarBytes;
    const checks = [
      { what: 'first restic backup time vs local zstd backup (restic / local)', value: firstS / localS, target: '<= 2', ok: firstS / localS <= 2 },
      { what: 'unchanged re-backup: new bytes stored / tar stream bytes (%)', value: addedShare * 100, target: '< 1', ok: addedShare < 0.01 },
    ];
    const figures = {
      volumeMB: volumeBytes / MB,
      runs: RUNS,
      restic: version.trim(),
      seconds: { localZstd: localS, resticAlone: aloneS, resticAloneCompressionOff: aloneOffS, resticFirst: firstS, resticFirstCompressionOff: firstOffS, resticUnchanged: againS, resticAfter5MB: changed.seconds },
      bytes: { tarStream: tarBytes, localZstdArchive: localBytes, resticRepositoryAfterFirst: repoBytes, resticRepositoryCompressionOff: offBytes, addedByUnchanged: median(addedAgain), repositoryGrowthUnchanged: median(grownAgain), addedAfter5MB: changed.b.addedBytes, repositoryGrowthAfter5MB: grownChanged },
      checks,
      machine: { cpus: cpus().length, node: process.version, loadAverageAtEnd: loadavg() },
    };
    console.log('');
    console.log(`volume ${(volumeBytes / MB).toFixed(0)} MB (tar stream ${(tarBytes / MB).toFixed(1)} MB); medians of ${RUNS} runs; ${version.trim()}`);
    console.log(`  local backup (zstd)              ${localS.toFixed(2)} s, archive ${(localBytes / MB).toFixed(1)} MB`);
    console.log(`  restic, first backup (empty repo) ${firstS.toFixed(2)} s, repository ${(repoBytes / MB).toFixed(1)} MB`);
    console.log(`  restic, first, compression off   ${firstOffS.toFixed(2)} s, repository ${(offBytes / MB).toFixed(1)} MB (${(firstOffS / localS).toFixed(2)}x the local backup)`);
    console.log(`  restic alone (curl | restic)     ${aloneS.toFixed(2)} s, compression off ${aloneOffS.toFixed(2)} s (first backup, no storage-ops: restic's own speed here, ${(aloneS / localS).toFixed(2)}x / ${(aloneOffS / localS).toFixed(2)}x the local backup)`);
    console.log(`  storage-ops around restic        ${(firstS / aloneS).toFixed(2)}x restic alone (compression auto), ${(firstOffS / aloneOffS).toFixed(2)}x (off)`);
    console.log(`  restic, unchanged volume again   ${againS.toFixed(2)} s, added ${(median(addedAgain) / 1000).toFixed(1)} kB (repository grew ${(median(grownAgain) / 1000).toFixed(1)} kB)`);
    console.log(`  restic, after adding a 5 MB file ${changed.seconds.toFixed(2)} s, added ${((changed.b.addedBytes ?? 0) / MB).toFixed(2)} MB (repository grew ${(grownChanged / MB).toFixed(2)} MB)`);
    console.log('');
    for (const c of checks) console.log(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.what}: ${c.value.toFixed(3)} (target ${c.target})`);
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    writeFileSync(join(ROOT, '.bench/restic-results.json'), JSON.stringify(figures, null, 2) + '\n');
    if (markdown) {
      console.log('');
      console.log('| measurement | figure | target |');
      console.log('|---|---|---|');
      console.log(`| \`storage-ops backup\` (local store, zstd) | ${localS.toFixed(2)} s, ${(localBytes / MB).toFixed(1)} MB | |`);
      console.log(`| \`backup --store\`, first backup into an empty repository | ${firstS.toFixed(2)} s, ${(repoBytes / MB).toFixed(1)} MB stored | |`);
      console.log(`| the same, store with \`"compression": "off"\` | ${firstOffS.toFixed(2)} s, ${(offBytes / MB).toFixed(1)} MB stored | |`);
      console.log(`| restic alone: the engine's stream read by \`curl \\| restic backup --stdin\`, first backup | ${aloneS.toFixed(2)} s (compression off: ${aloneOffS.toFixed(2)} s) | |`);
      console.log(`| the same, volume unchanged | ${againS.toFixed(2)} s, ${(median(grownAgain) / 1000).toFixed(1)} kB stored | |`);
      console.log(`| the same, after adding a 5 MB file | ${changed.seconds.toFixed(2)} s, ${(grownChanged / MB).toFixed(2)} MB stored | |`);
      for (const c of checks) console.log(`| ${c.what} | **${c.value.toFixed(3)}** ${c.ok ? '✓' : '✗'} | ${c.target} |`);
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
