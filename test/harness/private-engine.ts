/**
 * Starts private Docker engines for integration tests: each its own dockerd with its own
 * data-root, exec-root, pidfile, unix socket and containerd namespace, no bridge and no iptables,
 * so tests never touch the machine's default engine. btrfs engines live on a loop-mounted image.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, mkdirSync, closeSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type TestDriver = 'overlay2' | 'vfs' | 'btrfs';

export interface PrivateEngine {
  name: string;
  driver: TestDriver;
  socket: string;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Lazily unmounts whatever is still mounted under dir (netns files, overlay mounts of a killed dockerd). */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run('umount', ['-l', m]).catch(() => undefined);
}

/** Why no private engine can be had here, or null when one can. */
export function engineUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return 'private engines need root (dockerd must run as root here)';
  for (const bin of ['dockerd', 'containerd', 'runc']) {
    const found = (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, bin)));
    if (!found) return `${bin} is not installed (apt-get install docker.io)`;
  }
  return null;
}

export async function startPrivateEngine(
  name: string,
  driver: TestDriver,
  opts: { btrfsSize?: string; configFile?: string; waitMs?: number; extraArgs?: string[] } = {},
): Promise<PrivateEngine> {
  const dir = mkdtempSync(join(tmpdir(), `so-${name}-`));
  let dataRoot = join(dir, 'root');
  let mounted: string | null = null;
  if (driver === 'btrfs') {
    const img = join(dir, 'btrfs.img');
    mounted = join(dir, 'mnt');
    mkdirSync(mounted);
    await run('truncate', ['-s', opts.btrfsSize ?? '3G', img]);
    await run('mkfs.btrfs', ['-q', img]);
    await run('mount', ['-o', 'loop', img, mounted]);
    dataRoot = join(mounted, 'docker');
  }
  const socket = join(dir, 'docker.sock');
  const logFile = join(dir, 'dockerd.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(
    'dockerd',
    [
      '--data-root', dataRoot,
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'dockerd.pid'),
      '--host', `unix://${socket}`,
      // A daemon.json under test names its own driver; dockerd refuses the same key twice.
      ...(opts.configFile ? ['--config-file', opts.configFile] : ['--storage-driver', driver]),
      '--bridge', 'none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-masq=false',
      '--containerd-namespace', `so-${name}`,
      '--containerd-plugins-namespace', `so-${name}-plugins`,
      ...(opts.extraArgs ?? []),
    ],
    { stdio: ['ignore', logFd, logFd], detached: false },
  );
  closeSync(logFd);
  const deadline = Date.now() + (opts.waitMs ?? 90_000);
  while (!(await ping(socket))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await waitExit(child, 5000);
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      await unmountUnder(dir);
      // A killed dockerd can leave mounts under its exec-root; the reason matters more than the tidy-up.
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        /* left in /tmp */
      }
      throw new Error(`private dockerd "${name}" (${driver}) did not start:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    driver,
    socket,
    url: `unix://${socket}`,
    dir,
    async stop() {
      child.kill('SIGTERM');
      if (!(await waitExit(child, 30_000))) {
        child.kill('SIGKILL');
        await waitExit(child, 5000);
      }
      await unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

export async function importHelperImage(engine: { url: string }, tag: string): Promise<void> {
  const script = new URL('../../scripts/import-helper-image.sh', import.meta.url).pathname;
  await run('bash', [script, tag, engine.url], { maxBuffer: 1 << 20 });
}
