/**
 * Consistent backups against a real engine: --stop stops exactly the running containers that
 * use the volume and starts them again (the engine's own event log is the witness), also when
 * the backup fails (a full backup store); pre/post commands from container labels run by exec
 * in the container; a failing pre command aborts before anything is stopped or written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { failure } from '../harness/expect-failure.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

/** Whether `expected` occurs in `seen` as a subsequence ("exec" matches exec_start events). */
function inOrder(seen: string[], expected: string[]): boolean {
  let i = 0;
  for (const a of seen) if (i < expected.length && (a === expected[i] || (expected[i] === 'exec' && a.startsWith('exec_start')))) i++;
  return i === expected.length;
}


describeDocker('consistent backups', () => {
  let engine: TestEngine;
  let deps: Deps;
  const vol = uniqueName('cs_vol');
  const otherVol = uniqueName('cs_other');
  const app = uniqueName('cs_app');
  const idle = uniqueName('cs_idle');
  const other = uniqueName('cs_web');
  const failing = uniqueName('cs_fail');
  let tmpfs: string | null = null;

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    // `sleep` ignores SIGTERM: one second before the engine kills it keeps the test quick.
    deps = await makeDeps([engine], { backup: { stopTimeoutSeconds: 1 } });
    await docker(engine, 'volume', 'create', vol);
    await docker(engine, 'volume', 'create', otherVol);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${vol}:/data`, HELPER_TAG, 'sh', '-c', 'echo table > /data/table.db && head -c 4194304 /dev/urandom > /data/blob');
    await docker(
      engine, 'run', '-d', '--name', app, '--network', 'none', '-v', `${vol}:/data`,
      '--label', 'storage-ops.backup-pre=echo "dump of $(cat /data/table.db)" > /data/dump.sql',
      '--label', 'storage-ops.backup-post=rm -f /data/dump.sql',
      HELPER_TAG, 'sleep', '600',
    );
    await docker(engine, 'create', '--name', idle, '--network', 'none', '-v', `${vol}:/data`, HELPER_TAG, 'sleep', '600');
    await docker(engine, 'run', '-d', '--name', other, '--network', 'none', '-v', `${otherVol}:/data`, HELPER_TAG, 'sleep', '600');
  });

  afterAll(async () => {
    if (deps) rmSync(deps.dataDir, { recursive: true, force: true });
    if (!engine) return;
    await docker(engine, 'rm', '-f', app, idle, other, failing).catch(() => undefined);
    await docker(engine, 'volume', 'rm', '-f', vol, otherVol).catch(() => undefined);
    if (tmpfs) {
      execFileSync('umount', [tmpfs]);
      rmSync(tmpfs, { recursive: true, force: true });
    }
  });

  const startedAt = async (name: string): Promise<string> => (await docker(engine, 'inspect', '--format', '{{.State.StartedAt}}', name)).trim();
  const status = async (name: string): Promise<string> => (await docker(engine, 'inspect', '--format', '{{.State.Status}}', name)).trim();
  const events = async (since: number, name: string): Promise<string[]> =>
    (await docker(engine, 'events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${name}`, '--filter', 'type=container', '--format', '{{.Action}}'))
      .split('\n')
      .filter((a) => a === 'die' || a === 'start' || a === 'stop' || a.startsWith('exec_start'));

  it('--stop stops only the running users, runs the hooks, and starts them again', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const [appStarted, otherStarted] = [await startedAt(app), await startedAt(other)];
    const { backups } = await runOp(deps, volumeBackup, { volumes: [vol], stop: true }, { actor });
    const b = backups[0]!;
    expect(b.stoppedContainers).toEqual([app]);
    expect(b.hooks.map((h) => [h.container, h.phase, h.exitCode])).toEqual([
      [app, 'pre', 0],
      [app, 'post', 0],
    ]);
    // The engine saw: pre command, stop, start, post command, in that order.
    expect(inOrder(await events(since, app), ['exec', 'die', 'start', 'exec'])).toBe(true);
    expect(await status(app)).toBe('running');
    expect(await startedAt(app)).not.toBe(appStarted);
    expect(await status(idle)).toBe('created');
    expect(await startedAt(other)).toBe(otherStarted);
    // The pre command's dump is in the archive; the post command removed it from the volume.
    const listing = execFileSync('sh', ['-c', `zstd -d -c '${b.path}' | tar -t`], { encoding: 'utf8' });
    expect(listing.split('\n')).toContain('./dump.sql');
    const dump = execFileSync('sh', ['-c', `zstd -d -c '${b.path}' | tar -xO ./dump.sql`], { encoding: 'utf8' });
    expect(dump).toBe('dump of table\n');
    expect((await docker(engine, 'exec', app, 'ls', '/data')).split('\n').filter(Boolean).sort()).toEqual(['blob', 'table.db']);
  });

  it('restarts the stopped containers when the backup fails (backup store full), leaving nothing behind', async () => {
    tmpfs = mkdtempSync(join(tmpdir(), 'so-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', tmpfs]);
    const full = await makeDeps([engine], { backup: { dir: tmpfs, stopTimeoutSeconds: 1 } });
    const since = Math.floor(Date.now() / 1000) - 1;
    const e = await failure(runOp(full, volumeBackup, { volumes: [vol], stop: true }, { actor }));
    expect(e.code).toBe('unavailable');
    expect(e.message).toBe(`backup of volume ${vol} on ${engine.name} failed: the backup store ${tmpfs} is full (ENOSPC)`);
    expect(e.hint).toMatch(/nothing was left behind/);
    expect(readdirSync(tmpfs)).toEqual([]);
    expect((await full.state.read()).backups ?? []).toEqual([]);
    expect(await status(app)).toBe('running');
    expect(inOrder(await events(since, app), ['die', 'start'])).toBe(true);
    rmSync(full.dataDir, { recursive: true, force: true });
  });

  it('a failing pre-backup command aborts before anything is stopped or written', async () => {
    await docker(engine, 'run', '-d', '--name', failing, '--network', 'none', '-v', `${vol}:/data`, '--label', 'storage-ops.backup-pre=echo "database is locked" >&2; exit 3', HELPER_TAG, 'sleep', '600');
    const fresh = await makeDeps([engine], { backup: { stopTimeoutSeconds: 1 } });
    const since = Math.floor(Date.now() / 1000) - 1;
    const e = await failure(runOp(fresh, volumeBackup, { volumes: [vol], stop: true }, { actor }));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(new RegExp(`^backup of volume ${vol} aborted: the pre-backup command of container ${failing} \\(storage-ops\\.backup-pre: .*\\) exited with status 3: database is locked$`));
    expect(await events(since, app)).not.toContain('die');
    expect(await status(app)).toBe('running');
    expect(existsSync(join(fresh.dataDir, 'backups')) ? readdirSync(join(fresh.dataDir, 'backups')) : []).toEqual([]);
    await docker(engine, 'rm', '-f', failing);
    rmSync(fresh.dataDir, { recursive: true, force: true });
  });
});
