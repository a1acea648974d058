/**
 * The engine holds the "one backup or restore per volume" lock, so it binds processes with other
 * data dirs (or on other machines) too; and backup, restore and verify need no helper image at
 * all (the empty image storage-ops imports itself is enough), while report names the offline
 * way to get one.
 */
import { hostname } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { lockContainerName } from '../../src/engine/volume-lock.js';
import { ARCHIVE_IMAGE } from '../../src/engine/archive-image.js';

describeDocker('engine-side volume lock and the helper image out of the way', () => {
  let engine: TestEngine;
  let scratch: string;
  const vol = uniqueName('elock');
  const lockName = lockContainerName(vol);

  beforeAll(async () => {
    engine = engineByDriver('vfs');
    scratch = mkdtempSync(join(tmpdir(), 'so-elock-'));
    await docker(engine, 'volume', 'create', vol);
    await docker(engine, 'run', '--rm', '-v', `${vol}:/v`, HELPER_TAG, 'sh', '-c', 'echo one > /v/a && mkdir /v/d && echo two > /v/d/b');
  });

  afterAll(async () => {
    if (!engine) return;
    await docker(engine, 'rm', '-f', lockName).catch(() => undefined);
    for (const v of [vol, `${vol}_copy`]) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const lockExists = async (): Promise<boolean> => (await docker(engine, 'ps', '-a', '--filter', `name=^${lockName}$`, '--format', '{{.Names}}')).trim() === lockName;

  it('a backup from another data dir is refused while the engine lock is held, naming the holder', async () => {
    const holder = await makeDeps([engine]);
    const release = await holder.engines.get().lockVolume(vol, { op: 'restore of x', actor: 'cli:elsewhere' });
    try {
      expect(await lockExists()).toBe(true);
      const r = cli(['backup', vol, '--no-prune'], cliEnv(engine, join(scratch, 'other')));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`error: volume "${vol}" on host "local" is busy: restore of x by cli:elsewhere since \\S+ \\(pid ${process.pid} on ${hostname()}\\)\\. Wait for it to finish`));
      expect(r.stderr).toContain(`docker rm ${lockName}`);
    } finally {
      await release();
      rmSync(holder.dataDir, { recursive: true, force: true });
    }
    expect(await lockExists()).toBe(false);
    const ok = cli(['backup', vol, '--no-prune', '--json'], cliEnv(engine, join(scratch, 'other')));
    expect(ok.code).toBe(0);
    // Released after the backup.
    expect(await lockExists()).toBe(false);
  });

  it('a lock left by a dead process of this machine is taken over', async () => {
    await docker(engine, 'create', '--name', lockName, '--label', `storage-ops.volume-lock=${vol}`, '--label', 'storage-ops.lock.op=backup', '--label', 'storage-ops.lock.actor=cli:gone', '--label', `storage-ops.lock.hostname=${hostname()}`, '--label', 'storage-ops.lock.pid=999999999', ARCHIVE_IMAGE, 'storage-ops-lock');
    const r = cli(['backup', vol, '--no-prune', '--json'], cliEnv(engine, join(scratch, 'stale')));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await lockExists()).toBe(false);
  });

  it('a lock held from another machine is never taken over, even when its pid is free here', async () => {
    await docker(engine, 'create', '--name', lockName, '--label', `storage-ops.volume-lock=${vol}`, '--label', 'storage-ops.lock.op=backup', '--label', 'storage-ops.lock.actor=cli:bob', '--label', 'storage-ops.lock.hostname=other-machine', '--label', 'storage-ops.lock.pid=999999999', ARCHIVE_IMAGE, 'storage-ops-lock');
    try {
      const r = cli(['backup', vol, '--no-prune'], cliEnv(engine, join(scratch, 'remote')));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`error: volume "${vol}" on host "local" is busy: backup by cli:bob since \\S+ \\(pid 999999999 on other-machine\\)`));
      expect(await lockExists()).toBe(true);
    } finally {
      await docker(engine, 'rm', '-f', lockName);
    }
  });

  it('backup, verify and restore (also onto a non-empty volume) work with no helper image on the engine', async () => {
    const env = { ...cliEnv(engine, join(scratch, 'noimage')), STORAGE_OPS_HELPER_IMAGE: 'storage-ops-no-such-image:1' };
    const backup = cli(['backup', vol, '--no-prune', '--json'], env);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const id = (JSON.parse(backup.stdout) as { backups: { id: string }[] }).backups[0]?.id as string;
    const verify = cli(['verify', id, '--json'], env);
    expect(verify.code).toBe(0);
    const copy = cli(['restore', id, `${vol}_copy`, '--create', '--yes', '--json'], env);
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    // Again onto the now non-empty copy: emptied without a started helper.
    await docker(engine, 'run', '--rm', '-v', `${vol}_copy:/v`, HELPER_TAG, 'sh', '-c', 'echo extra > /v/extra');
    const again = cli(['restore', id, `${vol}_copy`, '--yes', '--json'], env);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const listing = await docker(engine, 'run', '--rm', '-v', `${vol}_copy:/v`, HELPER_TAG, 'sh', '-c', 'cd /v && find . | sort && cat a d/b');
    expect(listing.split('\n').filter(Boolean)).toEqual(['.', './a', './d', './d/b', 'one', 'two']);
    const helpers = await docker(engine, 'ps', '-a', '--filter', 'label=storage-ops.helper', '--format', '{{.Names}}');
    expect(helpers.trim()).toBe('');
  });

  it('report without the helper image says which part needs it and names the offline script', () => {
    const env = { ...cliEnv(engine, join(scratch, 'noimage')), STORAGE_OPS_HELPER_IMAGE: 'storage-ops-no-such-image:1' };
    const r = cli(['report', '--json'], env);
    expect(r.code).toBe(0);
    const warnings = (JSON.parse(r.stdout) as { warnings: string[] }).warnings.join('\n');
    expect(warnings).toMatch(/helper image "storage-ops-no-such-image:1" is not on engine "local"\. Only report's filesystem figures needs it \(backup, restore and verify do not\)/);
    expect(warnings).toContain('scripts/import-helper-image.sh storage-ops-helper:latest');
  });

  it('bench without the helper image says it is the one that needs it and names the offline script', () => {
    const env = { ...cliEnv(engine, join(scratch, 'noimage')), STORAGE_OPS_HELPER_IMAGE: 'storage-ops-no-such-image:1' };
    const r = cli(['bench', vol, '--runtime', '1', '--json'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const error = (JSON.parse(r.stderr) as { error: { code: string; message: string; hint: string } }).error;
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/helper image "storage-ops-no-such-image:1" is not on engine "local"/);
    expect(error.hint).toMatch(/^Only bench needs it \(backup, restore and verify do not\)\. Without a registry, build a small one .*scripts\/import-helper-image\.sh storage-ops-helper:latest/);
  });
});
