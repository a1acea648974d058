/**
 * The disk report measurement of the backup benchmark: an engine of its own with 1,000 volumes
 * (created through the API, a few with content and some in use by stopped containers), then
 * `storage-ops report` against `docker system df -v`, interleaved, medians.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { engineRequest, median, timedRun } from './bench-util.js';

const run = promisify(execFile);

export interface ReportFigures {
  volumes: number;
  dockerDfSeconds: number;
  /** `node -e 0`: what any Node program pays before its first line. */
  nodeStartSeconds: number;
  reportSeconds: number;
  ratio: number;
}

/** Creates `count` volumes on the engine behind `socket`, 16 requests at a time. */
export async function createVolumes(socket: string, count: number, prefix: string): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const res = await engineRequest(socket, 'POST', '/volumes/create', { Name: `${prefix}${String(i).padStart(4, '0')}`, Labels: { bench: 'df', n: String(i) } });
      if (res.status !== 201) throw new Error(`creating volume ${i} failed: ${res.status} ${res.body}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

export async function measureReport(opts: {
  engineUrl: string;
  socket: string;
  helper: string;
  hostName: string;
  cli: string;
  env: NodeJS.ProcessEnv;
  runs: number;
  log: (s: string) => void;
}): Promise<ReportFigures> {
  const count = 1000;
  opts.log(`bench: creating ${count} volumes for the disk report...`);
  await createVolumes(opts.socket, count, 'dfvol_');
  // Some content and some users, so sizes and reference counts are not all zero.
  const docker = (...args: string[]): Promise<{ stdout: string }> => run('docker', ['-H', opts.engineUrl, ...args], { maxBuffer: 64 << 20 });
  const mounts = Array.from({ length: 20 }, (_, i) => ['-v', `dfvol_${String(i * 50).padStart(4, '0')}:/m${i}`]).flat();
  await docker('run', '--network', 'none', '--name', 'df_user', ...mounts, opts.helper, 'sh', '-c', 'for d in /m*; do head -c 1048576 /dev/urandom > $d/data.bin; done');
  const df: number[] = [];
  const report: number[] = [];
  const bare: number[] = [];
  await timedRun('docker', ['-H', opts.engineUrl, 'system', 'df', '-v']); // warm-up, both alike
  await timedRun(process.execPath, [opts.cli, 'report', '--host', opts.hostName, '--json'], opts.env);
  for (let i = 0; i < opts.runs; i++) {
    df.push((await timedRun('docker', ['-H', opts.engineUrl, 'system', 'df', '-v'])).seconds);
    const r = await timedRun(process.execPath, [opts.cli, 'report', '--host', opts.hostName, '--json'], opts.env);
    const out = JSON.parse(r.stdout) as { volumes: unknown[] };
    if (out.volumes.length < count) throw new Error(`report saw ${out.volumes.length} volumes, expected at least ${count}`);
    report.push(r.seconds);
    // The floor of any Node CLI: starting Node itself and doing nothing.
    bare.push((await timedRun(process.execPath, ['-e', '0'])).seconds);
  }
  const dockerDfSeconds = median(df);
  const reportSeconds = median(report);
  return { volumes: count, dockerDfSeconds, reportSeconds, ratio: reportSeconds / dockerDfSeconds, nodeStartSeconds: median(bare) };
}
