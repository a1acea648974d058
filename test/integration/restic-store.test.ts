/**
 * restic repositories as backup stores, through the built CLI against a real engine and a real
 * local restic repository in a temp dir: backup (catalog record with snapshot id and the tar
 * stream's sha256, checked against `restic dump`), an unchanged re-backup that adds almost
 * nothing, retention by the same rules and guard (forget + prune, behind the preview), and the
 * clear errors: wrong password, no repository, no restic program. The password never reaches
 * output, the audit log or the state file.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { createMetricsCollector } from '../../src/ops/system/metrics.js';
import { holdBackup } from '../../src/backup/locks.js';
import { FIDELITY_SCRIPT, mountpoint, populate, treeOf, type BackupJson } from './backup-helpers.js';

describeDocker('restic backup stores', () => {
  let engine: TestEngine;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let repo: string;
  let password: string;
  const vol = uniqueName('rs_vol');
  const copy = uniqueName('rs_copy');

  const restic = (args: string[], input?: Buffer): Buffer =>
    execFileSync('restic', args, { env: { PATH: process.env.PATH, HOME: dir, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: join(dir, 'pw'), RESTIC_CACHE_DIR: join(dir, 'cache') }, input, maxBuffer: 1 << 30 });
  const rawSize = (): number => (JSON.parse(restic(['stats', '--json', '--mode', 'raw-data']).toString()) as { total_size: number }).total_size;

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    dir = mkdtempSync(join(tmpdir(), 'so-restic-'));
    repo = join(dir, 'repo');
    password = `pw-${randomBytes(12).toString('hex')}`;
    writeFileSync(join(dir, 'pw'), `${password}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'wrong'), 'not-the-password\n', { mode: 0o600 });
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        helperImage: HELPER_TAG,
        schedules: [
          { name: 'rs-drill', kind: 'drill', cron: '0 4 * * sun', volumes: [vol] },
          { name: 'rs-nightly', kind: 'backup', cron: '0 2 * * *', volumes: [vol], store: 'offsite' },
        ],
        backup: {
          // Only the count rule, so these fresh backups can be pruned by --keep-last.
          retention: { days: null },
          stores: [
            { name: 'offsite', kind: 'restic', repository: repo, passwordFile: join(dir, 'pw'), init: true },
            { name: 'wrongpw', kind: 'restic', repository: repo, passwordFile: join(dir, 'wrong') },
            { name: 'empty', kind: 'restic', repository: join(dir, 'nothing-here'), passwordFile: join(dir, 'pw') },
          ],
        },
      }),
    );
    env = { ...cliEnv(engine, join(dir, 'data')), STORAGE_OPS_CONFIG: config };
    await docker(engine, 'volume', 'create', vol);
    // Everything a restore must bring back (modes, owners, times, links, odd names), with smaller big files.
    await populate(engine, vol, FIDELITY_SCRIPT.replace('33554432', '3000000').replace('67108864', '4194304'));
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (!engine) return;
    for (const v of [vol, copy]) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  let first: BackupJson;
  let second: BackupJson;

  it('backs up into a new repository (init: true): catalog record with snapshot id and the sha256 of the tar stream', () => {
    const r = cli(['backup', vol, '--store', 'offsite', '--no-prune', '--json'], env);
    expect(r.stderr.split('\n').filter(Boolean).every((l) => l.startsWith('backup'))).toBe(true);
    expect(r.code).toBe(0);
    first = (JSON.parse(r.stdout) as { backups: BackupJson[] }).backups[0]!;
    expect(first.store).toBe('offsite');
    expect(first.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(first.entries).toBeGreaterThan(20);
    // What restic holds is exactly the stream that was hashed.
    const dumped = restic(['dump', first.snapshotId!, `/${vol}.tar`]);
    expect(dumped.length).toBe(first.bytes);
    expect(createHash('sha256').update(dumped).digest('hex')).toBe(first.sha256);
    const snaps = JSON.parse(restic(['snapshots', '--json']).toString()) as Array<{ id: string; tags: string[] }>;
    expect(snaps.map((s) => s.id)).toEqual([first.snapshotId]);
    expect(snaps[0]!.tags).toEqual(expect.arrayContaining(['storage-ops', `volume=${vol}`, `host=${engine.name === 'external' ? engine.name : 'local'}`, `id=${first.id}`, `sha256=${first.sha256}`]));
    const list = cli(['backups', vol], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(first.id);
  });

  it('a second backup of the unchanged volume adds next to nothing to the repository', () => {
    const before = rawSize();
    const r = cli(['backup', vol, '--store', 'offsite', '--no-prune', '--json'], env);
    expect(r.code).toBe(0);
    second = (JSON.parse(r.stdout) as { backups: BackupJson[] }).backups[0]!;
    expect(second.id).not.toBe(first.id);
    expect(second.sha256).toBe(first.sha256);
    const grown = rawSize() - before;
    expect(grown).toBeLessThan(first.bytes * 0.01);
    expect(second.addedBytes).toBeLessThan(first.bytes * 0.01);
  });

  it('report and /metrics show the store\'s size and deduplication ratio', async () => {
    const r = cli(['report', '--json'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { backupStores: Array<{ name: string; storedBytes: number | null; logicalBytes: number | null; snapshots: number | null; dedupRatio: number | null; error: string | null }>; warnings: string[] };
    const offsite = out.backupStores.find((st) => st.name === 'offsite')!;
    // Two snapshots of the same tar stream, stored once.
    expect(offsite).toMatchObject({ snapshots: 2, logicalBytes: first.bytes * 2, error: null });
    expect(offsite.dedupRatio).toBeGreaterThan(1.9);
    expect(out.backupStores.find((st) => st.name === 'wrongpw')!.error).toMatch(/refused the password/);
    expect(out.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^backup store empty: .*no restic repository/)]));
    const text = cli(['report'], env).stdout;
    expect(text).toMatch(/^offsite\s+2\s+\S+\s+\S+\s+\d+\.\d\dx$/m);
    const deps = await makeDeps([engine], { backup: { stores: [{ name: 'offsite', kind: 'restic', repository: repo, passwordFile: join(dir, 'pw') }] } });
    const metrics = createMetricsCollector(deps);
    try {
      const scrape = await metrics.collect();
      expect(scrape).toContain('storage_ops_backup_store_snapshots{store="offsite"} 2');
      expect(scrape).toContain(`storage_ops_backup_store_bytes{store="offsite",kind="logical"} ${first.bytes * 2}`);
      expect(Number(/storage_ops_backup_store_dedup_ratio\{store="offsite"\} ([\d.]+)/.exec(scrape)?.[1])).toBeGreaterThan(1.9);
    } finally {
      metrics.stop();
      rmSync(deps.dataDir, { recursive: true, force: true });
    }
  });

  it('verifies: restic check on a sample of the repository, and a full read compared by sha256 and counts', () => {
    const v = cli(['verify', first.id], env);
    expect(v.stderr.split('\n').filter(Boolean).every((l) => l.startsWith('verify'))).toBe(true);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`^Backup ${first.id} \\(${vol} on \\S+\\): OK\\n`));
    expect(v.stdout).toMatch(/restic check \(read 5% of the data\) found no errors; snapshot [0-9a-f]{8} read end to end: sha256 matches; \d+ entries/);
    const list = JSON.parse(cli(['backups', vol, '--json'], env).stdout) as { backups: Array<{ id: string; verification: { ok: boolean; level: string } | null }> };
    expect(list.backups.find((b) => b.id === first.id)!.verification).toMatchObject({ ok: true, level: 'full' });
  });

  it('restores byte for byte (content, modes, owners, times, links) and takes a local safety backup of a non-empty target', async () => {
    const r = cli(['restore', first.id, copy, '--create', '--yes', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { safetyBackupId: string | null }).safetyBackupId).toBeNull();
    expect(await treeOf(await mountpoint(engine, copy))).toEqual(await treeOf(await mountpoint(engine, vol)));
    // The target now holds data: a second restore backs it up first, into the local store.
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${copy}:/v`, HELPER_TAG, 'sh', '-c', 'echo changed > /v/extra');
    const again = cli(['restore', first.id, copy, '--yes', '--json'], env);
    expect(again.code).toBe(0);
    const safety = (JSON.parse(again.stdout) as { safetyBackupId: string }).safetyBackupId;
    expect(safety).toMatch(new RegExp(`^${copy}_\\d{8}_\\d{6}`));
    expect(await treeOf(await mountpoint(engine, copy))).toEqual(await treeOf(await mountpoint(engine, vol)));
    const list = JSON.parse(cli(['backups', copy, '--json'], env).stdout) as { backups: Array<{ id: string; store: string; kind: string }> };
    expect(list.backups).toEqual([expect.objectContaining({ id: safety, store: 'local', kind: 'safety' })]);
  });

  it('rebuilds the catalog from the repository\'s snapshots after the state file is lost', () => {
    const before = JSON.parse(cli(['backups', vol, '--json'], env).stdout) as { backups: BackupJson[] };
    rmSync(join(dir, 'data', 'state.json'));
    expect((JSON.parse(cli(['backups', vol, '--json'], env).stdout) as { backups: unknown[] }).backups).toEqual([]);
    const r = cli(['rescan-backups', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { backups: BackupJson[]; added: string[]; problems: string[] };
    // The deliberately broken stores are reported, and nothing is made up for them.
    expect(out.problems).toEqual([
      expect.stringMatching(/^restic store wrongpw could not be read, .* refused the password/),
      expect.stringMatching(/^restic store empty could not be read, .* no restic repository/),
    ]);
    const pick = (b: BackupJson): object => ({ id: b.id, store: b.store, snapshotId: b.snapshotId, sha256: b.sha256, bytes: b.bytes, entries: b.entries });
    expect(out.backups.filter((b) => b.store === 'offsite').map(pick)).toEqual(before.backups.map(pick));
    // A rebuilt record restores and verifies like the original.
    const v = cli(['verify', first.id, '--subset', 'none'], env);
    expect(v.code).toBe(0);
  });

  it('a restore drill restores the newest backup from the restic store and finds it equal', () => {
    const r = cli(['schedule', 'run', 'rs-drill'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 volume\(s\) restorable: newest backup restored into a scratch volume, file count and tree checksum match the backup/);
  });

  it('says what is wrong, clearly, and changes nothing: wrong password, no repository, no restic', async () => {
    const snapsBefore = restic(['snapshots', '--json']).toString();
    // A configuration problem: exit status 2.
    const wrong = cli(['backup', vol, '--store', 'wrongpw'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^error: backup of volume \S+ on \S+ into restic store "wrongpw" failed: the repository of restic store "wrongpw" refused the password/m);
    // With a running user of the volume, the repository is opened before its hook runs or it is stopped.
    const user = uniqueName('rs_user');
    await docker(engine, 'run', '-d', '--name', user, '--network', 'none', '-v', `${vol}:/v:ro`, '--label', 'storage-ops.backup-pre=touch /tmp/hook-ran', HELPER_TAG, 'sleep', '600');
    try {
      const startedAt = await docker(engine, 'inspect', '-f', '{{.State.StartedAt}}', user);
      const stopped = cli(['backup', vol, '--store', 'wrongpw', '--stop'], env);
      expect(stopped.code).toBe(2);
      expect(stopped.stderr).toMatch(/refused the password/);
      expect(await docker(engine, 'inspect', '-f', '{{.State.Running}} {{.State.StartedAt}}', user)).toBe(`true ${startedAt}`);
      expect(await docker(engine, 'exec', user, 'sh', '-c', 'test -e /tmp/hook-ran && echo ran || echo not-run')).toBe('not-run\n');
    } finally {
      await docker(engine, 'rm', '-f', user);
    }
    const none = cli(['backup', vol, '--store', 'empty'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/there is no restic repository at the location of restic store "empty".*restic init.*"init": true/s);
    const missing = cli(['backup', vol, '--store', 'offsite'], { ...env, PATH: join(dir, 'no-bin') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/needs the restic program, which is not installed on this machine.*apt-get install restic/s);
    const unknown = cli(['backup', vol, '--store', 'nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no backup store named "nope".*Known stores: local, offsite, wrongpw, empty/s);
    expect(restic(['snapshots', '--json']).toString()).toBe(snapsBefore);
  });

  it('applies retention to the store by the same rules and guard: preview first, then forget and prune', async () => {
    // The guard: the older backup is the only verified one, so it stays.
    const guarded = cli(['prune-backups', vol, '--keep-last', '1'], env);
    expect(guarded.code).toBe(3);
    expect(guarded.stdout).toMatch(/^remove 0 of 2 backup\(s\)/);
    expect(guarded.stdout).toMatch(/keep .* newest verified backup( of plausible size)? \(never pruned\)/);
    expect(cli(['verify', second.id, '--subset', 'none'], env).code).toBe(0);
    const preview = cli(['prune-backups', vol, '--keep-last', '1'], env);
    expect(preview.code).toBe(3);
    expect(preview.stdout).toMatch(/^remove 1 of 2 backup\(s\)/);
    expect(preview.stdout).toMatch(/restic store offsite: the snapshots are forgotten/);
    expect(JSON.parse(restic(['snapshots', '--json']).toString())).toHaveLength(2);
    // A snapshot being read (a verify, a restore, a drill in another process) is not forgotten.
    const hold = await holdBackup({ dataDir: join(dir, 'data') }, first.id, 'verify', { op: 'verify', actor: 'cli:reader' });
    try {
      const held = cli(['prune-backups', vol, '--keep-last', '1', '--yes', '--json'], env);
      expect(held.code, held.stderr).toBe(0);
      expect((JSON.parse(held.stdout) as { removed: unknown[] }).removed).toEqual([]);
      expect(JSON.parse(restic(['snapshots', '--json']).toString())).toHaveLength(2);
    } finally {
      await hold.release();
    }
    const r = cli(['prune-backups', vol, '--keep-last', '1', '--yes', '--json'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { removed: Array<{ id: string }>; kept: Array<{ id: string }> };
    expect(out.removed.map((x) => x.id)).toEqual([first.id]);
    const left = JSON.parse(restic(['snapshots', '--json']).toString()) as Array<{ tags: string[] }>;
    expect(left).toHaveLength(1);
    expect(left[0]!.tags).not.toContain(`id=${first.id}`);
    // Never the last one.
    const none = cli(['prune-backups', vol, '--keep-last', '1', '--days', '1', '--yes', '--json'], env);
    expect(none.code).toBe(0);
    expect(JSON.parse(restic(['snapshots', '--json']).toString())).toHaveLength(1);
  });

  it('a backup schedule with a "store" backs up into that restic store', () => {
    const before = (JSON.parse(restic(['snapshots', '--json']).toString()) as unknown[]).length;
    const r = cli(['schedule', 'run', 'rs-nightly'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 volume\(s\) backed up into restic:offsite/);
    const newest = (JSON.parse(cli(['backups', vol, '--json'], env).stdout) as { backups: Array<{ id: string; kind: string; store: string; snapshotId: string | null }> }).backups[0]!;
    expect(newest).toMatchObject({ kind: 'scheduled', store: 'offsite' });
    const snaps = JSON.parse(restic(['snapshots', '--json']).toString()) as Array<{ id: string; tags: string[] }>;
    expect(snaps).toHaveLength(before + 1);
    expect(snaps.find((x) => x.id === newest.snapshotId)?.tags).toContain(`id=${newest.id}`);
    const listed = JSON.parse(cli(['schedules', 'rs-nightly', '--json'], env).stdout) as { schedules: Array<{ volumes: string[]; store: string | null }> };
    expect(listed.schedules[0]).toMatchObject({ volumes: [vol], store: 'offsite' });
    expect(cli(['schedules'], env).stdout).toContain(`${vol} -> offsite`);
    // A store that does not exist is refused when the schedule is added, not at 2 a.m.
    const bad = cli(['schedule', 'add', 'rs-bad', '--kind', 'backup', '--cron', '0 3 * * *', '--volume', vol, '--store', 'ofsite'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no backup store named "ofsite".*Known stores: local, offsite, wrongpw, empty/s);
  });

  it('never lets the repository password out: not in output, audit log or state file', () => {
    const data = join(dir, 'data');
    const files = [join(data, 'state.json'), ...readdirSync(join(data, 'audit')).map((f) => join(data, 'audit', f))];
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toContain(password);
  });
});
