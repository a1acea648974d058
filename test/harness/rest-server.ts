/**
 * A restic REST server for tests: `rclone serve restic` (Debian's rclone) on 127.0.0.1 with HTTP
 * basic authentication, serving a directory of this machine, so rest: repositories are tested
 * against a real server speaking restic's REST protocol.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, readLog, stopChild, waitForPort } from './remote-access.js';

export interface RestServer {
  port: number;
  /** The rest: repository URL, with the credentials in it. */
  repository: string;
  stop(): Promise<void>;
}

/** Serves `dir/repo` over restic's REST protocol for one user; the server's log is `dir/rclone.log`. */
export async function startRestServer(dir: string, user: string, pass: string): Promise<RestServer> {
  if (spawnSync('rclone', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('the REST repository tests need rclone (Debian: apt-get install rclone; .ci/run installs it)');
  }
  const repoDir = join(dir, 'repo');
  mkdirSync(repoDir, { recursive: true });
  const port = await freePort();
  const logFile = join(dir, 'rclone.log');
  // A file, not a pipe: the tests block their event loop in spawnSync while the server runs.
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn('rclone', ['serve', 'restic', '--addr', `127.0.0.1:${port}`, '--user', user, '--pass', pass, repoDir], {
    // No rclone config file is needed to serve a local directory: say so, or rclone notes its absence.
    env: { PATH: process.env.PATH, HOME: dir, RCLONE_CONFIG: '/dev/null' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  await waitForPort(port, child, 'rclone serve restic', () => readLog(logFile));
  return { port, repository: `rest:http://${user}:${pass}@127.0.0.1:${port}/`, stop: () => stopChild(child) };
}
