/**
 * Restore drills against a real engine: a drill schedule restores the newest backup of a volume
 * full of awkward things (owners, modes, links, a fifo, odd names, large and sparse files) into a
 * scratch volume, finds the counts equal to the manifest's and the tree checksum to the archive's
 * and says "restorable"; a corrupted archive and a manifest that does not match the archive are
 * reported as failures with what failed; the scratch volume is gone every time, and each
 * outcome is kept for /metrics.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listBackups } from '../../src/backup/catalog.js';
import { drillRecords, DRILL_LABEL } from '../../src/backup/restore-drill.js';
import { archivePath, storeDir } from '../../src/backup/store.js';
import type { SchedulePost } from '../../src/core/events.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';
import { runSchedule } from '../../src/ops/schedules/schedule-job.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { populate } from './backup-helpers.js';

describeDocker('restore drills on a real engine', () => {
  let engine: TestEngine;
  let deps: Deps;
  const volume = uniqueName('drill');
  const posts: SchedulePost[] = [];

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    await docker(engine, 'volume', 'create', volume);
    await populate(engine, volume);
    deps = await makeDeps([engine], { schedules: [{ name: 'weekly-drill', kind: 'drill', cron: '0 4 * * sun', volumes: [volume], channel: 'C0DRILL01' }] });
    deps.events.subscribe((e) => void (e.type === 'schedule.posted' && posts.push(e.post)));
    await runOp(deps, volumeBackup, { volumes: [volume] }, { actor: { id: 'cli:drill', source: 'cli' } });
  });

  afterAll(async () => {
    if (deps) rmSync(deps.dataDir, { recursive: true, force: true });
    if (engine) await docker(engine, 'volume', 'rm', '-f', volume).catch(() => undefined);
  });

  const scratchVolumes = async (): Promise<string[]> =>
    (await docker(engine, 'volume', 'ls', '-q', '--filter', `label=${DRILL_LABEL}`)).split('\n').filter(Boolean);

  const drill = async (): Promise<SchedulePost> => {
    const before = posts.length;
    const run = await runSchedule(deps, deps.config.schedules[0]!, 'manual', 'cli:drill');
    expect(run.outcome).toBe('succeeded');
    expect(posts).toHaveLength(before + 1);
    return posts.at(-1)!;
  };

  it('restores the newest backup into a scratch volume and finds it equal to the manifest', async () => {
    const [backup] = await listBackups(deps, { volume });
    const post = await drill();
    expect(post).toMatchObject({ schedule: 'weekly-drill', kind: 'drill', channel: 'C0DRILL01' });
    expect(post.view.summary).toBe('1 volume(s) restorable: newest backup restored into a scratch volume, file count and tree checksum match the backup');
    expect(post.view.tables?.[0]?.rows).toMatchObject([{ volume, backup: backup?.id, result: 'restorable', files: backup?.content.files, failure: null }]);
    expect(post.view.findings).toEqual([]);
    expect(readFileSync(join(deps.dataDir, post.file!), 'utf8')).toContain('restorable');
    expect(await scratchVolumes()).toEqual([]);
    expect(drillRecords(await deps.state.read())).toMatchObject([{ host: engine.name, volume, ok: true, backupId: backup?.id, failure: null }]);
  });

  it('a manifest that does not match what the archive holds fails the drill, saying what differs', async () => {
    const [backup] = await listBackups(deps, { volume });
    const files = backup!.content.files;
    const setFiles = (n: number) =>
      deps.state.update((data) => {
        for (const b of data.backups as Array<{ id: string; content: { files: number } }>) if (b.id === backup?.id) b.content.files = n;
      });
    await setFiles(files + 1);
    try {
      const post = await drill();
      expect(post.view.summary).toBe(`1 of 1 volume(s) NOT restorable: ${volume}`);
      expect(post.view.findings?.[0]).toMatchObject({
        severity: 'critical',
        message: `${volume} (backup ${backup?.id}): backup ${backup?.id} did not restore as recorded: the archive holds ${files} regular files, the manifest says ${files + 1}`,
      });
      expect(await scratchVolumes()).toEqual([]);
    } finally {
      await setFiles(files);
    }
  });

  it('a corrupted archive fails the drill with what failed; the scratch volume is removed', async () => {
    const [backup] = await listBackups(deps, { volume });
    const path = archivePath(storeDir(deps), backup!);
    const bytes = readFileSync(path);
    const damaged = Buffer.from(bytes);
    const middle = Math.floor(bytes.length / 2);
    for (let i = 0; i < 64; i++) damaged[middle + i] = (bytes[middle + i] ?? 0) ^ 0xff;
    writeFileSync(path, damaged);
    const post = await drill();
    expect(post.view.summary).toBe(`1 of 1 volume(s) NOT restorable: ${volume}`);
    expect(post.view.tables?.[0]?.rows).toMatchObject([{ volume, backup: backup?.id, result: 'FAILED' }]);
    expect(post.view.findings?.[0]?.message).toMatch(new RegExp(`^${volume} \\(backup ${backup?.id}\\): .*(damaged|sha256)`));
    expect(post.view.findings?.[0]?.advice).toMatch(/take a new one/);
    expect(await scratchVolumes()).toEqual([]);
    expect(drillRecords(await deps.state.read())).toMatchObject([{ volume, ok: false, backupId: backup?.id, failure: expect.stringMatching(/damaged|sha256/) }]);
  });
});
