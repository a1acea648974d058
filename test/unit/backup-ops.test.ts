/**
 * The backup ops against the fake engine: what is written (archive, manifest, catalog), the
 * consistency rules (stop/restart also on failure, hooks), locking, cancellation, encryption,
 * verification, restore (refusals, safety backup, put-back) and retention through runOp.
 */
import { execFileSync } from 'node:child_process';
import { renderViewText } from '../../src/core/views/render-text.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../src/backup/age.js';
import { acquireLock } from '../../src/backup/locks.js';
import { storeDir } from '../../src/backup/store.js';
import { OpsError } from '../../src/core/errors.js';
import { backupList } from '../../src/ops/backups/backup-list.js';
import { backupPrune } from '../../src/ops/backups/backup-prune.js';
import { backupVerify } from '../../src/ops/backups/backup-verify.js';
import type { Progress } from '../../src/core/op.js';
import type { ContainerSummary, Deps, VolumeArchive } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { runConfirmed } from '../../src/core/approvals.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';
import { volumeInspect } from '../../src/ops/volumes/volume-inspect.js';
import { volumeRestore } from '../../src/ops/backups/volume-restore.js';
import { clearRegisteredSecrets } from '../../src/core/redact.js';
import { FakeEngine, fakeDeps, testActor } from './fakes.js';
import { buildTar } from './tar-builder.js';
import { failure } from '../harness/expect-failure.js';
import { auditTrail } from '../harness/audit-trail.js';

const actor = testActor;
const DB_TAR = buildTar(
  [
    { name: 'data', type: 'dir', mode: 0o700, uid: 999 },
    { name: 'data/table.db', content: 'rows'.repeat(5000), uid: 999, gid: 999, mode: 0o600 },
    { name: 'README', content: 'hello' },
    { name: 'latest', type: 'symlink', linkname: 'data/table.db' },
    { name: 'again', type: 'hardlink', linkname: './README' },
  ],
  { mode: 0o750, uid: 999, gid: 998, mtime: 1_650_000_000 },
);

function volume(name: string, labels: Record<string, string> = {}) {
  return { name, driver: 'local', mountpoint: `/var/lib/docker/volumes/${name}/_data`, createdAt: null, labels, options: {}, scope: 'local', status: null };
}

function container(id: string, name: string, state: string, vol: string, labels: Record<string, string> = {}): ContainerSummary {
  return { id, name, image: 'img', imageId: 'sha256:img', created: '2026-01-01T00:00:00Z', state, status: state, labels, mounts: [{ type: 'volume', name: vol, source: '', destination: '/data', readOnly: false }] };
}


function storeFiles(deps: Deps): string[] {
  try {
    return readdirSync(storeDir(deps)).sort();
  } catch {
    return [];
  }
}

async function catalogIds(deps: Deps): Promise<string[]> {
  const data = await deps.state.read();
  return ((data.backups as Array<{ id: string }> | undefined) ?? []).map((b) => b.id);
}

let engine: FakeEngine;
let deps: Deps;

beforeEach(async () => {
  engine = new FakeEngine();
  engine.volumes.push(volume('db', { app: 'database' }), volume('other'));
  engine.volumeTars.set('db', DB_TAR);
  deps = await fakeDeps([engine]);
  clearRegisteredSecrets();
});

describe('backup', () => {
  it('writes a standard tar.zst, a manifest and a catalog record, then runs retention as policy:retention', async () => {
    const out = await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor });
    const b = out.backups[0]!;
    expect(b.id).toBe('db_20261130_120000');
    expect(storeFiles(deps)).toEqual(['db_20261130_120000.manifest.json', 'db_20261130_120000.tar.zst']);
    const archive = readFileSync(b.path);
    expect(execFileSync('zstd', ['-d', '-c'], { input: archive }).equals(DB_TAR)).toBe(true);
    expect(b.sha256).toBe(createHash('sha256').update(archive).digest('hex'));
    expect(b).toMatchObject({ volume: 'db', host: 'fake', bytes: archive.length, compression: 'zstd', encrypted: false, entries: 5, files: 2, dataBytes: 20005, labels: { app: 'database' }, kind: 'manual' });
    const m = JSON.parse(readFileSync(join(storeDir(deps), 'db_20261130_120000.manifest.json'), 'utf8'));
    expect(m).toMatchObject({ id: b.id, volume: 'db', host: 'fake', archive: { sha256: b.sha256, bytes: archive.length }, content: { root: { mode: 0o750, uid: 999, gid: 998, mtime: 1_650_000_000 }, symlinks: 1, hardlinks: 1, dirs: 1 } });
    expect(await catalogIds(deps)).toEqual([b.id]);
    expect(b.retention).toEqual({ removed: [], kept: 1, error: null });
    const audit = (await auditTrail(deps.state)).filter((a) => a.op === 'backup_prune');
    // Retention is destructive: it runs on an approval record decided by the configured policy.
    expect(audit.map((a) => [a.actor, a.source, a.phase, a.outcome])).toEqual([
      ['policy:retention', 'schedule', 'requested', 'pending'],
      ['policy:backup.retention', 'policy', 'decided', 'ok'],
      ['policy:retention', 'schedule', 'started', 'pending'],
      ['policy:retention', 'schedule', 'finished', 'ok'],
    ]);
    expect(new Set(audit.map((a) => a.approvalId)).size).toBe(1);
    // A second backup in the same second gets the next free id.
    const again = await runOp(deps, volumeBackup, { volumes: ['db'], compression: 'gzip', prune: false }, { actor });
    expect(again.backups[0]?.id).toBe('db_20261130_120000-2');
    expect(execFileSync('gunzip', ['-c'], { input: readFileSync(again.backups[0]!.path) }).equals(DB_TAR)).toBe(true);
  });

  it('reports progress with bytes done, total and rate', async () => {
    engine.df = { ...engine.df, volumes: [{ name: 'db', driver: 'local', size: 20005, refCount: 0 }] };
    const seen: Progress[] = [];
    await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor, onProgress: (p) => seen.push(p) });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ phase: 'backing up db', done: DB_TAR.length, unit: 'bytes' });
    expect(last.total).toBeGreaterThanOrEqual(20005);
    expect(typeof last.rate).toBe('number');
  });

  it('checks every volume exists before backing up any', async () => {
    const e = await failure(runOp(deps, volumeBackup, { volumes: ['db', 'nope'] }, { actor }));
    expect(e.code).toBe('not_found');
    expect(e.message).toMatch(/volume "nope" does not exist/);
    expect(storeFiles(deps)).toEqual([]);
    expect(engine.calls.filter((c) => c.startsWith('exportVolume'))).toEqual([]);
  });

  it('--stop stops exactly the running users and starts them again, also when the backup fails', async () => {
    engine.containers = [container('c1', 'app', 'running', 'db'), container('c2', 'old', 'exited', 'db'), container('c3', 'web', 'running', 'other')];
    const out = await runOp(deps, volumeBackup, { volumes: ['db'], stop: true }, { actor });
    expect(out.backups[0]).toMatchObject({ stoppedContainers: ['app'], stopReason: '--stop' });
    const order = engine.calls.filter((c) => /^(stopContainer|startContainer|exportVolume)/.test(c));
    expect(order).toEqual(['stopContainer:c1', 'exportVolume:db', 'startContainer:c1']);
    expect(engine.containers.map((c) => c.state)).toEqual(['running', 'exited', 'running']);

    engine.calls = [];
    engine.exportFailsAfter = { bytes: 3000, error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) };
    const e = await failure(runOp(deps, volumeBackup, { volumes: ['db'], stop: true, prune: false }, { actor }));
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(/backup of volume db on fake failed: the engine stopped sending the volume's content after 3000 bytes \(ECONNRESET/);
    expect(engine.calls.filter((c) => /^(stopContainer|startContainer)/.test(c))).toEqual(['stopContainer:c1', 'startContainer:c1']);
    expect(storeFiles(deps)).toEqual(['db_20261130_120000.manifest.json', 'db_20261130_120000.tar.zst']);
    expect(await catalogIds(deps)).toEqual(['db_20261130_120000']);
  });

  it('a stop-during-backup label on the volume or a container stops the users', async () => {
    engine.containers = [container('c1', 'app', 'running', 'db', { 'storage-ops.stop-during-backup': 'true' })];
    expect((await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor })).backups[0]).toMatchObject({ stoppedContainers: ['app'], stopReason: 'label storage-ops.stop-during-backup on container app' });
    engine.containers = [container('c1', 'app', 'running', 'db')];
    engine.volumes[0] = volume('db', { 'storage-ops.stop-during-backup': 'true' });
    expect((await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor })).backups[0]?.stopReason).toBe('volume label storage-ops.stop-during-backup');
  });

  it('a restart that fails is an error naming the backup that was written', async () => {
    engine.containers = [container('c1', 'app', 'running', 'db')];
    engine.faults.set('startContainer', new OpsError('unavailable', 'engine said no'));
    const e = await failure(runOp(deps, volumeBackup, { volumes: ['db'], stop: true }, { actor }));
    expect(e.message).toMatch(/backup db_20261130_120000 of volume db was written, but restarting the container\(s\) stopped for it failed: app: engine said no/);
    expect(e.hint).toBe('Start them by hand: docker start app');
  });

  it('runs pre and post commands in the running users; a failing pre command aborts before anything', async () => {
    engine.containers = [container('c1', 'pg', 'running', 'db', { 'storage-ops.backup-pre': 'pg_dump -f /data/dump.sql', 'storage-ops.backup-post': 'rm /data/dump.sql' })];
    const out = await runOp(deps, volumeBackup, { volumes: ['db'], stop: true }, { actor });
    expect(engine.calls.filter((c) => /^(exec|stopContainer|startContainer|exportVolume)/.test(c))).toEqual([
      'exec:c1:sh -c pg_dump -f /data/dump.sql',
      'stopContainer:c1',
      'exportVolume:db',
      'startContainer:c1',
      'exec:c1:sh -c rm /data/dump.sql',
    ]);
    expect(out.backups[0]?.hooks).toEqual([
      { container: 'pg', phase: 'pre', command: 'pg_dump -f /data/dump.sql', exitCode: 0 },
      { container: 'pg', phase: 'post', command: 'rm /data/dump.sql', exitCode: 0 },
    ]);

    engine.calls = [];
    engine.onExec = (_id, cmd) => (cmd[2]?.startsWith('pg_dump') ? { exitCode: 2, stdout: '', stderr: 'pg_dump: connection refused' } : { exitCode: 0, stdout: '', stderr: '' });
    const e = await failure(runOp(deps, volumeBackup, { volumes: ['db'], stop: true }, { actor }));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe('backup of volume db aborted: the pre-backup command of container pg (storage-ops.backup-pre: pg_dump -f /data/dump.sql) exited with status 2: pg_dump: connection refused');
    expect(engine.calls.filter((c) => /^(stopContainer|exportVolume)/.test(c))).toEqual([]);

    engine.onExec = (_id, cmd) => (cmd[2]?.startsWith('rm') ? { exitCode: 1, stdout: '', stderr: 'no such file' } : { exitCode: 0, stdout: '', stderr: '' });
    const warned = await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor });
    expect(warned.backups[0]?.warnings).toEqual(['post-backup command of container pg (rm /data/dump.sql) exited with status 1: no such file']);
  });

  it('refuses a second backup of the same volume with a busy error', async () => {
    const release = await acquireLock(deps, { kind: 'volume', host: 'fake', volume: 'db' }, { op: 'backup', actor: 'cli:alice' });
    const e = await failure(runOp(deps, volumeBackup, { volumes: ['db'] }, { actor }));
    expect(e.code).toBe('busy');
    expect(e.message).toMatch(/^volume "db" on host "fake" is busy: backup by cli:alice since 2026-11-30T12:00:00\.000Z \(pid \d+ on /);
    await release();
    await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor });
  });

  it('cancelling leaves no partial file and no catalog entry', async () => {
    const big = buildTar(Array.from({ length: 200 }, (_, i) => ({ name: `f${i}`, content: Buffer.alloc(50_000, i) })));
    engine.volumeTars.set('db', big);
    engine.exportVolume = async (): Promise<VolumeArchive> => ({
      stream: Readable.from(
        (async function* () {
          for (let i = 0; i < big.length; i += 65536) {
            await new Promise((r) => setTimeout(r, 2));
            yield big.subarray(i, i + 65536);
          }
        })(),
      ),
      close: async () => undefined,
    });
    const controller = new AbortController();
    const e = await failure(runOp(deps, volumeBackup, { volumes: ['db'] }, { actor, signal: controller.signal, onProgress: (p) => (p.done ?? 0) > 1_000_000 && controller.abort() }));
    expect(e.code).toBe('cancelled');
    expect(e.message).toBe('backup of volume db on fake was cancelled; nothing was kept');
    expect(storeFiles(deps)).toEqual([]);
    expect(await catalogIds(deps)).toEqual([]);
  });

  it('encrypts to the configured recipients; only an identity reads the content', async () => {
    const key = generateIdentity();
    const dir = mkdtempSync(join(tmpdir(), 'so-key-'));
    const keyFile = join(dir, 'key.txt');
    writeFileSync(keyFile, `# public key: ${key.recipient}\n${key.identity}\n`);
    deps = await fakeDeps([engine], { backup: { recipients: [key.recipient] } });
    const out = await runOp(deps, volumeBackup, { volumes: ['db'], encrypt: true }, { actor });
    const b = out.backups[0]!;
    expect(b).toMatchObject({ encrypted: true, recipients: [key.recipient], file: 'db_20261130_120000.tar.zst.age' });
    const plain = execFileSync('sh', ['-c', `age -d -i ${keyFile} ${b.path} | zstd -d -c`]);
    expect(plain.equals(DB_TAR)).toBe(true);

    const checksumOnly = await runOp(deps, backupVerify, { id: b.id }, { actor });
    expect(checksumOnly).toMatchObject({ ok: true, level: 'checksum' });
    expect(checksumOnly.detail).toMatch(/encrypted and no age identity is configured/);

    const withKey = { ...deps, config: { ...deps.config, backup: { ...deps.config.backup, identityFile: keyFile } } };
    const full = await runOp(withKey, backupVerify, { id: b.id }, { actor });
    expect(full).toMatchObject({ ok: true, level: "full", entries: 5, files: 2 });
    // The key never reaches the audit log.
    expect(JSON.stringify(await withKey.state.read())).not.toContain(key.identity);
  });

  it('refuses --encrypt without recipients', async () => {
    const e = await failure(runOp(deps, volumeBackup, { volumes: ['db'], encrypt: true }, { actor }));
    expect(e.code).toBe('config');
    expect(e.message).toMatch(/no recipients are configured/);
  });
});

describe('verify', () => {
  it('passes a good backup and records it; a flipped byte fails and is recorded', async () => {
    const { backups } = await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor });
    const b = backups[0]!;
    const ok = await runOp(deps, backupVerify, { id: b.id }, { actor });
    expect(ok).toMatchObject({ ok: true, level: "full", entries: 5, files: 2, sha256: b.sha256 });
    expect(ok.detail).toMatch(/sha256 matches; read end to end: 5 entries \(2 files, 1 directories, 1 symlinks, 1 hard links\) as recorded/);
    const data = readFileSync(b.path);
    data.writeUInt8(data.readUInt8(Math.floor(data.length / 2)) ^ 0x20, Math.floor(data.length / 2));
    writeFileSync(b.path, data);
    const e = await failure(runOp(deps, backupVerify, { id: b.id }, { actor }));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(new RegExp(`^backup ${b.id} failed verification: sha256 mismatch: the archive hashes to [0-9a-f]{64}, the manifest says ${b.sha256}`));
    const listed = await runOp(deps, backupList, {}, { actor });
    expect(listed.backups[0]?.verification).toMatchObject({ ok: false, level: 'full' });
    expect(renderViewText(backupList.view(listed))).toMatch(/FAILED/);
  });

  it('gives clear errors for unknown and malformed ids', async () => {
    expect(await failure(runOp(deps, backupVerify, { id: '../x' }, { actor }))).toMatchObject({ code: 'invalid_input', message: '"../x" is not a backup id' });
    expect(await failure(runOp(deps, backupVerify, { id: 'db_20990101_000000' }, { actor }))).toMatchObject({ code: 'not_found' });
  });
});

describe('restore', () => {
  let backupId: string;
  const TARGET_TAR = buildTar([{ name: 'precious', content: 'do not lose me' }]);

  beforeEach(async () => {
    backupId = (await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor })).backups[0]!.id;
    engine.volumes.push(volume('target'));
    engine.volumeTars.set('target', TARGET_TAR);
    engine.calls = [];
  });

  it('refuses a target in use unless --force, changing nothing', async () => {
    engine.containers = [container('c9', 'app', 'running', 'target')];
    const e = await failure(runConfirmed(deps, volumeRestore, { backupId, target: 'target' }, { actor }));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe('volume "target" on host "fake" is in use by running container(s) app; nothing was changed');
    expect(engine.volumeTars.get('target')).toBe(TARGET_TAR);
    expect(engine.calls.filter((c) => /^(clearVolume|importVolume|stopContainer)/.test(c))).toEqual([]);
  });

  it('needs confirmation, and its preview shows the target, the containers and the safety backup', async () => {
    engine.containers = [container('c9', 'app', 'running', 'target')];
    expect((await failure(runOp(deps, volumeRestore, { backupId, target: 'target', force: true }, { actor }))).code).toBe('approval_required');
    const preview = await volumeRestore.preview!(deps, { backupId, target: 'target', force: true, create: false }, { actor, onProgress: () => undefined, signal: new AbortController().signal });
    expect(preview.items.map((i) => [i.kind, i.name, i.action])).toEqual([
      ['volume', 'target', 'overwrite'],
      ['container', 'app', 'stop'],
      ['backup', 'safety backup of target', 'create'],
    ]);
    expect(preview.notes[0]).toMatch(/verified \(sha256 and a full read\) before the target is touched/);
  });

  it('with --force: stops users, takes a safety backup, replaces the content, restores root attributes, restarts', async () => {
    engine.containers = [container('c9', 'app', 'running', 'target')];
    const out = await runConfirmed(deps, volumeRestore, { backupId, target: 'target', force: true }, { actor });
    expect(out.safetyBackupId).toBe('target_20261130_120000');
    expect(out.stoppedContainers).toEqual(['app']);
    expect(out.restored).toMatchObject({ entries: 5, files: 2 });
    expect(engine.volumeTars.get('target')?.equals(DB_TAR)).toBe(true);
    expect(engine.volumeRoots.get('target')).toEqual({ mode: 0o750, uid: 999, gid: 998, mtime: 1_650_000_000 });
    expect(engine.calls.filter((c) => /^(clearVolume|importVolume|stopContainer|startContainer|setVolumeRoot)/.test(c))).toEqual([
      'stopContainer:c9',
      'clearVolume:target',
      'importVolume:target',
      'setVolumeRoot:target',
      'startContainer:c9',
    ]);
    const safety = (await runOp(deps, backupList, { volume: 'target' }, { actor })).backups[0]!;
    expect(safety).toMatchObject({ id: 'target_20261130_120000', kind: 'safety', reason: `taken before restoring ${backupId} onto target` });
    expect(execFileSync('zstd', ['-d', '-c'], { input: readFileSync(join(storeDir(deps), safety.file)) }).equals(TARGET_TAR)).toBe(true);
    // Undo: restore the safety backup.
    await runConfirmed(deps, volumeRestore, { backupId: safety.id, target: 'target', force: true }, { actor });
    expect(engine.volumeTars.get('target')?.equals(TARGET_TAR)).toBe(true);
  });

  it('takes no safety backup of an empty target, and --create makes a missing one with the backup\'s labels', async () => {
    const out = await runConfirmed(deps, volumeRestore, { backupId, target: 'fresh', create: true }, { actor });
    expect(out).toMatchObject({ created: true, safetyBackupId: null, target: 'fresh' });
    expect(engine.volumes.find((v) => v.name === 'fresh')?.labels).toEqual({ app: 'database' });
    expect(await failure(runConfirmed(deps, volumeRestore, { backupId, target: 'missing' }, { actor }))).toMatchObject({
      code: 'not_found',
      message: 'target volume "missing" does not exist on host "fake"',
      hint: 'Add --create to create it, or name an existing volume',
    });
  });

  it('refuses a damaged archive before touching the target', async () => {
    const file = join(storeDir(deps), `${backupId}.tar.zst`);
    const data = readFileSync(file);
    data.writeUInt8(data.readUInt8(20) ^ 0x01, 20);
    writeFileSync(file, data);
    const e = await failure(runConfirmed(deps, volumeRestore, { backupId, target: 'target' }, { actor }));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(new RegExp(`^backup ${backupId} failed verification, so volume target was not touched: sha256 mismatch`));
    expect(engine.volumeTars.get('target')).toBe(TARGET_TAR);
    expect(engine.calls.filter((c) => /^(clearVolume|importVolume)/.test(c))).toEqual([]);
  });

  it('puts the safety backup back when the restore fails midway', async () => {
    const real = engine.importVolume.bind(engine);
    let calls = 0;
    engine.importVolume = async (name, tar) => {
      calls++;
      if (calls === 1) {
        for await (const _ of tar) break;
        throw new OpsError('unavailable', 'writing into volume target on fake failed: disk full');
      }
      return real(name, tar);
    };
    const e = await failure(runConfirmed(deps, volumeRestore, { backupId, target: 'target' }, { actor }));
    expect(e.message).toBe('restore onto target failed midway: writing into volume target on fake failed: disk full; the previous content of target was put back from the safety backup target_20261130_120000');
    expect(engine.volumeTars.get('target')?.equals(TARGET_TAR)).toBe(true);
  });

  it('stops before touching the target when the safety backup fails', async () => {
    // The preview and the restore each look whether the target holds data; the third read is the safety backup.
    const real = engine.exportVolume.bind(engine);
    let reads = 0;
    engine.exportVolume = async (name) => {
      if (++reads === 3) throw new OpsError('unavailable', 'reading volume target on fake failed: engine gone');
      return real(name);
    };
    const e = await failure(runConfirmed(deps, volumeRestore, { backupId, target: 'target' }, { actor }));
    expect(e.message).toBe(`restore of ${backupId} stopped before touching target: its safety backup failed: reading volume target on fake failed: engine gone`);
    expect(engine.calls.filter((c) => /^(clearVolume|importVolume)/.test(c))).toEqual([]);
  });

  it('names the safety backup when putting it back fails too', async () => {
    engine.faults.set('importVolume', new OpsError('unavailable', 'engine gone'));
    const e = await failure(runConfirmed(deps, volumeRestore, { backupId, target: 'target' }, { actor }));
    expect(e.message).toBe('restore onto target failed midway: engine gone; putting back the safety backup target_20261130_120000 failed too (engine gone)');
    expect(e.hint).toBe('Restore it by hand: storage-ops restore target_20261130_120000 target --host fake --force --yes');
  });

  it('restores onto another host (migration)', async () => {
    const other = new FakeEngine({ name: 'dr', url: 'unix:///dr.sock' });
    const two = { ...deps, engines: new (await import('./fakes.js')).FakeDirectory([engine, other]) };
    const out = await runConfirmed(two, volumeRestore, { backupId, target: 'db', host: 'dr', create: true }, { actor });
    expect(out).toMatchObject({ host: 'dr', source: { host: 'fake', volume: 'db' }, created: true });
    expect(other.volumeTars.get('db')?.equals(DB_TAR)).toBe(true);
    expect(await failure(runConfirmed(two, volumeRestore, { backupId, target: 'db', host: 'nowhere' }, { actor }))).toMatchObject({ code: 'invalid_input' });
  });

  it('gives clear errors for bad ids', async () => {
    expect(await failure(runConfirmed(deps, volumeRestore, { backupId: '../x', target: 'target' }, { actor }))).toMatchObject({ code: 'invalid_input' });
    expect(await failure(runConfirmed(deps, volumeRestore, { backupId: 'db_20200101_000000', target: 'target' }, { actor }))).toMatchObject({ code: 'not_found' });
    expect(await failure(runConfirmed(deps, volumeRestore, { backupId, target: '../etc' }, { actor }))).toMatchObject({ code: 'invalid_input' });
  });

  it('shows the last backup in volume_inspect', async () => {
    const out = await runOp(deps, volumeInspect, { name: 'db' }, { actor });
    expect(out.lastBackup).toMatchObject({ id: backupId, verified: 'never' });
    expect(renderViewText(volumeInspect.view(out))).toMatch(new RegExp(`Last backup\\s+${backupId}`));
  });
});

describe('retention on demand and the catalog rebuild', () => {
  async function seed(ages: number[]): Promise<string[]> {
    const ids: string[] = [];
    for (const age of ages) {
      deps.now = () => new Date(Date.parse('2026-11-30T12:00:00Z') - age * 86_400_000);
      ids.push((await runOp(deps, volumeBackup, { volumes: ['db'], prune: false }, { actor })).backups[0]!.id);
    }
    deps.now = () => new Date('2026-11-30T12:00:00Z');
    return ids;
  }

  it('prunes by the rules, shows a dry run first, and keeps the newest verified', async () => {
    const ids = await seed([30, 20, 10, 2, 1]);
    await runOp(deps, backupVerify, { id: ids[1]! }, { actor });
    const dry = await runConfirmed(deps, backupPrune, { keepLast: 2, days: 5, dryRun: true }, { actor });
    expect(dry.removed.map((r) => r.id)).toEqual([ids[2], ids[0]]);
    expect(dry.kept.find((k) => k.id === ids[1])?.reason).toBe('newest verified backup (never pruned)');
    expect(storeFiles(deps).filter((f) => f.endsWith('.tar.zst'))).toHaveLength(5);

    expect((await failure(runOp(deps, backupPrune, { keepLast: 2 }, { actor }))).code).toBe('approval_required');
    const done = await runConfirmed(deps, backupPrune, { keepLast: 2, days: 5 }, { actor });
    expect(done.removed.map((r) => r.id)).toEqual([ids[2], ids[0]]);
    expect(await catalogIds(deps)).toEqual(expect.arrayContaining([ids[1], ids[3], ids[4]]));
    expect(storeFiles(deps).filter((f) => f.endsWith('.tar.zst'))).toHaveLength(3);
  });

  it('leaves a backup alone while a restore reads it', async () => {
    const ids = await seed([30, 1]);
    const release = await acquireLock(deps, { kind: 'backup', id: ids[0]!, host: 'fake', target: 'copy' }, { op: 'restore onto copy', actor: 'cli:bob' });
    const other = await acquireLock(deps, { kind: 'backup', id: ids[0]!, host: 'fake', target: 'copy2' }, { op: 'restore onto copy2', actor: 'cli:bob' });
    const dry = await runConfirmed(deps, backupPrune, { keepLast: 1, dryRun: true }, { actor });
    expect(dry.removed).toEqual([]);
    expect(dry.kept.find((k) => k.id === ids[0])?.reason).toBe('in use by a restore right now');
    await release();
    await other();
    expect((await runConfirmed(deps, backupPrune, { keepLast: 1, dryRun: true }, { actor })).removed.map((r) => r.id)).toEqual([ids[0]]);
  });

  it('rebuilds the catalog from the store after the state file is lost', async () => {
    const ids = await seed([3, 2, 1]);
    await deps.state.update((d) => {
      delete d.backups;
    });
    expect((await runOp(deps, backupList, {}, { actor })).backups).toEqual([]);
    const out = await runOp(deps, backupList, { rescan: true }, { actor });
    expect(out.rescan?.added).toEqual([...ids].sort());
    expect(out.backups.map((b) => b.id)).toEqual([...ids].reverse());
  });
});
