/**
 * Backup → verify → restore against real engines (overlay2, vfs, btrfs): what is restored
 * equals what was backed up (contents, modes, owners, mtimes, symlinks, hard links, empty
 * directories, odd names, large and sparse files, the volume root itself), read back from the
 * host filesystem. The archives are plain tar that GNU tar extracts after zstd -d / gunzip /
 * age -d; a restore onto another engine (migration) works the same.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backupVerify } from '../../src/ops/backups/backup-verify.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { runConfirmed } from '../../src/core/approvals.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';
import { volumeRestore } from '../../src/ops/backups/volume-restore.js';
import { backupList } from '../../src/ops/backups/backup-list.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, makeDeps, requireEngines, uniqueName, type TestEngine } from '../harness/engines.js';
import { allocatedBytes, mountpoint, populate, treeOf } from './backup-helpers.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

/** Extracts an archive with GNU tar into a temporary directory, describes the tree, removes it. */
async function extractedTree(archive: string, pipeThrough: string): Promise<Awaited<ReturnType<typeof treeOf>>> {
  const dir = mkdtempSync(join(tmpdir(), 'so-tarx-'));
  try {
    execFileSync('sh', ['-c', `cat '${archive}' | ${pipeThrough} | tar -x --numeric-owner -p -C '${dir}'`]);
    return await treeOf(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeDocker.each(['overlay2', 'vfs', 'btrfs'])('backup round trip on %s', (driver) => {
  let engine: TestEngine;
  let deps: Deps;
  const source = uniqueName('bk_src');
  const restored = uniqueName('bk_dst');

  beforeAll(async () => {
    engine = requireEngines().find((e) => e.driver === driver) ?? engineByDriver(driver);
    deps = await makeDeps([engine]);
    await docker(engine, 'volume', 'create', '--label', 'app=fidelity', source);
    await populate(engine, source);
  });

  afterAll(async () => {
    if (deps) rmSync(deps.dataDir, { recursive: true, force: true });
    if (!engine) return;
    for (const v of [source, restored]) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  it('restores exactly what it backed up, and the archive is plain tar', async () => {
    const before = await treeOf(await mountpoint(engine, source));
    // The fixture really holds what it claims.
    expect(before['']).toMatchObject({ type: 'dir', mode: '750', uid: 999, gid: 998, mtime: Date.UTC(2010, 0, 1) / 1000 });
    expect(before['suid.bin']).toMatchObject({ mode: '4755', uid: 5, gid: 6 });
    expect(before['dir/sub/hard-2']?.sameAs ?? before['hard-1']?.sameAs).toBeDefined();
    expect(before['new\nline']?.type).toBe('file');
    expect(before.pipe?.type).toBe('fifo');
    expect(before['sparse.img']?.size).toBe(64 << 20);

    const { backups } = await runOp(deps, volumeBackup, { volumes: [source] }, { actor });
    const b = backups[0]!;
    expect(b).toMatchObject({ volume: source, host: engine.name, compression: 'zstd', labels: { app: 'fidelity' } });
    // Hard links are stored once as a file and then as link entries.
    expect(b.files).toBe(Object.values(before).filter((n) => n.type === 'file' && !n.sameAs).length);
    expect(b.entries).toBe(Object.keys(before).length - 1);

    const verified = await runOp(deps, backupVerify, { id: b.id }, { actor });
    expect(verified).toMatchObject({ ok: true, level: 'full', entries: b.entries, files: b.files });

    const out = await runConfirmed(deps, volumeRestore, { backupId: b.id, target: restored, create: true }, { actor });
    expect(out).toMatchObject({ created: true, safetyBackupId: null, restored: { entries: b.entries, files: b.files } });
    // Into a new volume the archive is verified in the same read that extracts it, and recorded so.
    expect(out.verification).toMatch(new RegExp(`^sha256 matches; read end to end while restoring: ${b.entries} entries`));
    expect((await runOp(deps, backupList, { volume: source }, { actor })).backups.find((x) => x.id === b.id)?.verification).toMatchObject({ ok: true, level: 'full' });
    expect(out.volume.labels).toEqual({ app: 'fidelity' });
    const after = await treeOf(await mountpoint(engine, restored));
    expect(after).toEqual(before);
    // Holes come back as written zeros: same content and size (docker's archive has no sparse entries).
    expect(await allocatedBytes(join(await mountpoint(engine, restored), 'sparse.img'))).toBeGreaterThan(0);

    // Standard tar: GNU tar extracts the archive after zstd -d, and the tree is the same.
    expect(await extractedTree(b.path, 'zstd -d -c')).toEqual(before);
  });

  it('gzip and uncompressed archives are plain tar too', async () => {
    const before = await treeOf(await mountpoint(engine, source));
    for (const [compression, filter, ext] of [['gzip', 'gunzip -c', '.tar.gz'], ['none', 'cat', '.tar']] as const) {
      const { backups } = await runOp(deps, volumeBackup, { volumes: [source], compression, prune: false }, { actor });
      expect(backups[0]!.file.endsWith(ext)).toBe(true);
      expect(await extractedTree(backups[0]!.path, filter)).toEqual(before);
    }
  });
});

describeDocker('encrypted backups and migration between engines', () => {
  let a: TestEngine;
  let b: TestEngine;
  let deps: Deps;
  let keyFile: string;
  const source = uniqueName('bk_enc');
  const target = uniqueName('bk_mig');

  beforeAll(async () => {
    a = engineByDriver('overlay2');
    b = engineByDriver('btrfs');
    const dir = mkdtempSync(join(tmpdir(), 'so-agekey-'));
    keyFile = join(dir, 'key.txt');
    execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim();
    deps = await makeDeps([a, b], { backup: { recipients: [recipient], identityFile: keyFile } });
    await docker(a, 'volume', 'create', source);
    await populate(a, source);
  });

  afterAll(async () => {
    if (deps) rmSync(deps.dataDir, { recursive: true, force: true });
    if (!a || !b) return;
    await docker(a, 'volume', 'rm', '-f', source).catch(() => undefined);
    await docker(b, 'volume', 'rm', '-f', target).catch(() => undefined);
  });

  it('age -d decrypts the archive, and a restore onto another engine brings back the same tree', async () => {
    const before = await treeOf(await mountpoint(a, source));
    const { backups } = await runOp(deps, volumeBackup, { volumes: [source], encrypt: true, host: a.name }, { actor });
    const bk = backups[0]!;
    expect(bk.file).toBe(`${bk.id}.tar.zst.age`);
    expect(await extractedTree(bk.path, `age -d -i '${keyFile}' | zstd -d -c`)).toEqual(before);

    const out = await runConfirmed(deps, volumeRestore, { backupId: bk.id, target, host: b.name, create: true }, { actor });
    expect(out).toMatchObject({ host: b.name, source: { host: a.name, volume: source }, created: true });
    expect(out.verification).toMatch(/read end to end \(decrypted\)/);
    expect(await treeOf(await mountpoint(b, target))).toEqual(before);
    expect((await docker(b, 'info', '--format', '{{.Driver}}')).trim()).toBe('btrfs');
  });

  it('without the identity, verify checks the checksum and the age header ("sealed") and says so; restore refuses', async () => {
    const { backups } = await runOp(deps, volumeBackup, { volumes: [source], encrypt: true, host: a.name, prune: false }, { actor });
    const noKey: Deps = { ...deps, config: { ...deps.config, backup: { ...deps.config.backup, identityFile: undefined } } };
    const v = await runOp(noKey, backupVerify, { id: backups[0]!.id }, { actor });
    expect(v).toMatchObject({ ok: true, level: 'sealed' });
    expect(v.detail).toMatch(/^sealed: sha256 matches the manifest and the age header is intact \(1 recipient\(s\)\); the content was not read because no age identity is configured/);
    const err = await runConfirmed(noKey, volumeRestore, { backupId: backups[0]!.id, target, host: b.name, create: true }, { actor }).catch((e: unknown) => e as Error);
    expect(String(err)).toMatch(/is encrypted and no age identity is configured, so it cannot be restored/);
  });
});
