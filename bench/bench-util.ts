/**
 * Small helpers the benchmarks share: medians, timing a child process (wall time and peak RSS
 * from GNU time), and plain HTTP calls to an engine's unix socket (the way any client could).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MB = 1_000_000;

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export interface Timed {
  seconds: number;
  /** Peak resident set size of the command, MB (GNU time's %M). */
  rssMb: number;
  stdout: string;
}

let seq = 0;

/** Runs a command under /usr/bin/time; rejects with its stderr when it exits non-zero. */
export async function timedRun(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  const rssFile = join(tmpdir(), `so-bench-rss-${process.pid}-${seq++}`);
  const t = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const seconds = (performance.now() - t) / 1000;
  const rssText = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? '0';
  rmSync(rssFile, { force: true });
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`);
  return { seconds, rssMb: Number(rssText) / 1024, stdout };
}

/** One HTTP request to an engine's unix socket; resolves with the status and body text. */
export function engineRequest(socket: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { socketPath: socket, method, path, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
