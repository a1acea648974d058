/**
 * Faults and bad input against real engines: the engine dies in the middle of a backup (a
 * dedicated private engine whose dockerd is killed), a damaged archive (verify and restore
 * refuse, the target is untouched), a restore that fails midway (the safety backup is put back),
 * cancellation, and one backup per volume at a time across processes.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import { backupList } from '../../src/ops/backups/backup-list.js';
import { backupVerify } from '../../src/ops/backups/backup-verify.js';
import type { Progress } from '../../src/core/op.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { runConfirmed } from '../../src/core/approvals.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';
import { volumeRestore } from '../../src/ops/backups/volume-restore.js';
import { CLI_MAIN, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { importHelperImage, startPrivateEngine, type PrivateEngine } from '../harness/private-engine.js';
import { mountpoint, populate, treeOf } from './backup-helpers.js';
import { failure } from '../harness/expect-failure.js';
import { auditTrail } from '../harness/audit-trail.js';

const actor = { id: 'cli:integration', source: 'cli' as const };
const execFileAsync = promisify(execFile);


function storeFiles(deps: Deps): string[] {
  const dir = join(deps.dataDir, 'backups');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

async function catalog(deps: Deps): Promise<unknown[]> {
  return ((await deps.state.read()).backups as unknown[] | undefined) ?? [];
}

describeDocker('the engine dies in the middle of a backup', () => {
  let engine: PrivateEngine;
  let deps: Deps;
  const vol = uniqueName('dying');

  beforeAll(async () => {
    engine = await startPrivateEngine('die', 'overlay2');
    await importHelperImage(engine, HELPER_TAG);
    deps = await makeDeps([{ name: engine.name, driver: engine.driver, url: engine.url }]);
    await docker(engine, 'volume', 'create', vol);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${vol}:/v`, HELPER_TAG, 'sh', '-c', 'head -c 805306368 /dev/urandom > /v/big.bin');
  });

  afterAll(async () => {
    if (deps) rmSync(deps.dataDir, { recursive: true, force: true });
    if (!engine) return;
    // dockerd was killed; its containerd lives on until told otherwise.
    const containerdPid = join(engine.dir, 'exec', 'containerd', 'containerd.pid');
    if (existsSync(containerdPid)) {
      try {
        process.kill(Number(readFileSync(containerdPid, 'utf8').trim()), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // A killed dockerd leaves its mounts behind (the data root's own bind mount, overlays).
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m.startsWith(engine.dir + '/'))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) await execFileAsync('umount', ['-l', m]).catch(() => undefined);
    await engine.stop();
  });

  it('fails with a clear error, leaves no partial archive and records nothing', async () => {
    const dockerdPid = Number(readFileSync(join(engine.dir, 'dockerd.pid'), 'utf8').trim());
    let killedAt = 0;
    const onProgress = (p: Progress): void => {
      if (!killedAt && (p.done ?? 0) > 64 << 20) {
        killedAt = p.done ?? 0;
        process.kill(dockerdPid, 'SIGKILL');
      }
    };
    const e = await failure(runOp(deps, volumeBackup, { volumes: [vol] }, { actor, onProgress }));
    expect(killedAt).toBeGreaterThan(0);
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(new RegExp(`^backup of volume ${vol} on ${engine.name} failed: the engine stopped sending the volume's content after \\d+ bytes`));
    expect(e.hint).toMatch(/nothing was written to the backup store/);
    expect(storeFiles(deps)).toEqual([]);
    expect(await catalog(deps)).toEqual([]);
    // The audit trail says what happened.
    const last = (await auditTrail(deps.state)).at(-1);
    expect(last).toMatchObject({ op: 'volume_backup', outcome: 'error', error: { code: 'unavailable' } });
  });
});

describeDocker('damaged archives, failed restores, cancellation and busy volumes', () => {
  let engine: TestEngine;
  let deps: Deps;
  const source = uniqueName('fl_src');
  const target = uniqueName('fl_dst');
  const big = uniqueName('fl_big');
  const dataDirs: string[] = [];
  const freshDeps = async (): Promise<Deps> => {
    const d = await makeDeps([engine]);
    dataDirs.push(d.dataDir);
    return d;
  };

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    deps = await freshDeps();
    for (const v of [source, target, big]) await docker(engine, 'volume', 'create', v);
    await populate(engine, source);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${target}:/v`, HELPER_TAG, 'sh', '-c', 'echo keep me > /v/precious && mkdir /v/d && echo too > /v/d/also && chown 7:7 /v/precious');
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${big}:/v`, HELPER_TAG, 'sh', '-c', 'head -c 201326592 /dev/urandom > /v/random.bin');
  });

  afterAll(async () => {
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
    if (!engine) return;
    for (const v of [source, target, big]) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  it('one flipped byte: verify and restore refuse, the target is untouched', async () => {
    const { backups } = await runOp(deps, volumeBackup, { volumes: [source] }, { actor });
    const b = backups[0]!;
    const data = readFileSync(b.path);
    data.writeUInt8(data.readUInt8(Math.floor(data.length / 2)) ^ 0x04, Math.floor(data.length / 2));
    writeFileSync(b.path, data);
    const targetBefore = await treeOf(await mountpoint(engine, target));

    const v = await failure(runOp(deps, backupVerify, { id: b.id }, { actor }));
    expect(v.code).toBe('corrupt');
    expect(v.message).toMatch(new RegExp(`^backup ${b.id} failed verification: sha256 mismatch`));

    const r = await failure(runConfirmed(deps, volumeRestore, { backupId: b.id, target }, { actor }));
    expect(r.code).toBe('corrupt');
    expect(r.message).toMatch(new RegExp(`^backup ${b.id} failed verification, so volume ${target} was not touched`));
    expect(await treeOf(await mountpoint(engine, target))).toEqual(targetBefore);
    // Into a new volume the check happens as it is extracted: the volume goes again.
    const fresh = uniqueName('fx_new');
    const n = await failure(runConfirmed(deps, volumeRestore, { backupId: b.id, target: fresh, create: true }, { actor }));
    expect(n.code).toBe('corrupt');
    expect(n.message).toMatch(new RegExp(`the new volume ${fresh} was removed again$`));
    expect(await docker(engine, 'volume', 'ls', '-q', '--filter', `name=^${fresh}$`)).toBe('');
    const listed = await runOp(deps, backupList, { volume: source }, { actor });
    expect(listed.backups[0]?.verification).toMatchObject({ ok: false });
  });

  it('a restore that fails midway puts the safety backup back', async () => {
    const { backups } = await runOp(deps, volumeBackup, { volumes: [big] }, { actor });
    const targetBefore = await treeOf(await mountpoint(engine, target));
    const controller = new AbortController();
    const onProgress = (p: Progress): void => {
      if (p.phase.startsWith('restoring') && (p.done ?? 0) > 32 << 20) controller.abort();
    };
    const e = await failure(runConfirmed(deps, volumeRestore, { backupId: backups[0]!.id, target }, { actor, signal: controller.signal, onProgress }));
    expect(controller.signal.aborted).toBe(true);
    expect(e.code).toBe('cancelled');
    const safety = /put back from the safety backup (\S+)$/.exec(e.message)?.[1];
    expect(safety, e.message).toMatch(new RegExp(`^${target}_\\d{8}_\\d{6}`));
    expect(await treeOf(await mountpoint(engine, target))).toEqual(targetBefore);
    const listed = await runOp(deps, backupList, { volume: target }, { actor });
    expect(listed.backups.map((x) => [x.id, x.kind])).toContainEqual([safety, 'safety']);
  });

  it('cancelling a backup leaves no partial file and no catalog entry', async () => {
    const fresh = await freshDeps();
    const controller = new AbortController();
    const e = await failure(runOp(fresh, volumeBackup, { volumes: [big] }, { actor, signal: controller.signal, onProgress: (p) => (p.done ?? 0) > 16 << 20 && controller.abort() }));
    expect(e.code).toBe('cancelled');
    expect(storeFiles(fresh)).toEqual([]);
    expect(await catalog(fresh)).toEqual([]);
    expect((await docker(engine, 'ps', '-a', '--filter', 'label=storage-ops.helper', '-q')).trim()).toBe('');
  });

  it('one backup per volume at a time, also across processes', async () => {
    const shared = await freshDeps();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = runOp(shared, volumeBackup, { volumes: [big], prune: false }, { actor, onProgress: () => started() });
    await running;
    // Same process: busy.
    const inProcess = await failure(runOp(shared, volumeBackup, { volumes: [big] }, { actor }));
    expect(inProcess.code).toBe('busy');
    // Another process (the CLI) on the same data dir: busy too.
    const config = join(shared.dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ hosts: [{ name: engine.name, url: engine.url }], helperImage: HELPER_TAG }));
    const env = { ...cliEnv(engine, shared.dataDir), STORAGE_OPS_CONFIG: config };
    const child = spawn(process.execPath, [CLI_MAIN, 'backup', big], { env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^error: volume "${big}" on host "${engine.name}" is busy: backup by cli:integration since .* \\(pid ${process.pid} on `));
    await first;
    expect(storeFiles(shared).filter((f) => f.endsWith('.tar.zst'))).toHaveLength(1);
  });
});
