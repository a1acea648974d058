/**
 * Never stuck, nothing lost, against a real engine and real processes: a backup SIGKILLed in
 * another UTS and pid namespace (a recreated container: new hostname, its own pids) blocks its
 * volume only until its lease runs out, well within 60 s, and leaves nothing behind; a SIGKILLed
 * `backup --stop` leaves its containers stopped only until the next storage-ops process starts
 * (or the next run on that volume), which starts them again and says so; Ctrl-C twice and SIGTERM
 * during `backup --stop` do not end the process before the containers run again; a collapsed
 * (nearly empty) backup rotates no good backup out; a restore whose archive is pruned meanwhile
 * is refused before its target is touched, and a backup being restored is not pruned.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireLock, volumeLockPath } from '../../src/backup/locks.js';
import { randomUUID } from 'node:crypto';
import { requestOp, runConfirmed } from '../../src/core/approvals.js';
import { decideAndWait } from '../harness/settle.js';
import { auditTrail } from '../harness/audit-trail.js';
import { failure } from '../harness/expect-failure.js';
import { inspectLock } from '../../src/core/file-lock.js';
import { currentProcess } from '../../src/core/liveness.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { backupPrune } from '../../src/ops/backups/backup-prune.js';
import { backupVerify } from '../../src/ops/backups/backup-verify.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';
import { volumeRestore } from '../../src/ops/backups/volume-restore.js';
import { cli, CLI_MAIN, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';

const actor = { id: 'cli:integration', source: 'cli' as const };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function storeFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'backups');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Waits (bounded by a count, not a clock) until `ok()` holds. */
async function until(what: string, ok: () => boolean | Promise<boolean>, tries = 600, everyMs = 50): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await ok()) return;
    await sleep(everyMs);
  }
  throw new Error(`gave up waiting: ${what}`);
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** A temporary archive of `volume` in the store, being written, larger than `bytes`. */
function writing(dataDir: string, volume: string, bytes: number): boolean {
  return storeFiles(dataDir).some((f) => f.startsWith(`.${volume}.tar`) && f.endsWith('.tmp') && statSync(join(dataDir, 'backups', f)).size > bytes);
}

describeDocker('never stuck, nothing lost', () => {
  let engine: TestEngine;
  let deps: Deps;
  let env: NodeJS.ProcessEnv;
  const killed = uniqueName('rc_killed');
  const stopVol = uniqueName('rc_stop');
  const app = uniqueName('rc_app');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    // Named as the CLI names an engine it finds through DOCKER_HOST, so both see the same locks and records.
    deps = await makeDeps([{ ...engine, name: 'local' }]);
    env = cliEnv(engine, deps.dataDir);
    for (const v of [killed, stopVol]) await docker(engine, 'volume', 'create', v);
    // Random data: the backup takes long enough to be killed in the middle.
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${killed}:/v`, HELPER_TAG, 'sh', '-c', 'head -c 536870912 /dev/urandom > /v/big.bin');
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${stopVol}:/v`, HELPER_TAG, 'sh', '-c', 'head -c 402653184 /dev/urandom > /v/big.bin');
    // `sleep` as pid 1 ignores SIGTERM: a 1 s stop timeout keeps stopping quick.
    await docker(engine, 'run', '-d', '--name', app, '--stop-timeout', '1', '--network', 'none', '-v', `${stopVol}:/data`, HELPER_TAG, 'sleep', '3600');
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(-c.pid, 'SIGKILL');
    if (deps) rmSync(deps.dataDir, { recursive: true, force: true });
    if (!engine) return;
    // Archive helpers of the killed runs (other tests count helpers on this shared engine).
    for (const v of [killed, stopVol]) {
      const left = (await docker(engine, 'ps', '-aq', '--filter', 'label=storage-ops.helper', '--filter', `volume=${v}`)).split('\n').filter(Boolean);
      if (left.length) await docker(engine, 'rm', '-f', ...left);
    }
    await docker(engine, 'rm', '-f', app).catch(() => undefined);
    await docker(engine, 'volume', 'rm', '-f', killed, stopVol).catch(() => undefined);
  });

  const status = async (name: string): Promise<string> => (await docker(engine, 'inspect', '--format', '{{.State.Status}}', name)).trim();
  const stopRecords = (): unknown[] => (JSON.parse(readFileSync(join(deps.dataDir, 'state.json'), 'utf8')).stoppedContainers as unknown[] | undefined) ?? [];

  it('a backup killed in another UTS and pid namespace frees its volume within 60 s and leaves nothing behind', async () => {
    // A recreated container: another hostname, its own pid namespace (the CLI runs as pid 1 there).
    const child = spawn('unshare', ['-u', '-p', '-f', '--mount-proc', 'sh', '-c', `hostname recreated-ctr && exec "${process.execPath}" "${CLI_MAIN}" backup ${killed} --no-prune`], {
      env,
      detached: true,
      stdio: 'ignore',
    });
    children.push(child);
    await until('the killed backup to be writing its archive', () => writing(deps.dataDir, killed, 16 << 20));
    const lockPath = volumeLockPath(deps, 'local', killed);
    const held = await inspectLock(lockPath);
    expect(held?.info).toMatchObject({ hostname: 'recreated-ctr', op: 'backup' });
    expect(held?.info?.pidNs).not.toBe(currentProcess().pidNs);
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited(child);
    const killedAt = Date.now();

    // Its pid means nothing here: only the lease can tell, and it says when the volume is free.
    const dead = await inspectLock(lockPath);
    expect(dead?.why).toMatch(/^last heartbeat \d+ s ago$/);
    expect((dead?.freeAt?.getTime() ?? Infinity) - killedAt).toBeLessThanOrEqual(60_000);
    const busy = await failure(acquireLock(deps, { kind: 'volume', host: 'local', volume: killed }, { op: 'backup', actor: 'cli:next' }));
    expect(busy.code).toBe('busy');
    expect(busy.message).toMatch(/is busy: backup by cli:\S+ since \S+ \(pid \d+ on recreated-ctr; last heartbeat \d+ s ago; free from \S+ if it stops\)$/);

    await until('the dead lease to run out', async () => !(await inspectLock(lockPath))?.alive, 90, 1000);
    const ok = cli(['backup', killed, '--no-prune', '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout) as { backups: Array<{ id: string; file: string }> };
    // Nothing of the killed run is left: no temporary file, no helper container, no lock.
    expect(storeFiles(deps.dataDir).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(storeFiles(deps.dataDir).filter((f) => f.startsWith(killed))).toEqual([out.backups[0]?.file, `${out.backups[0]?.id}.manifest.json`].sort());
    expect(await inspectLock(lockPath)).toBeNull();
    expect((await docker(engine, 'ps', '-aq', '--filter', 'label=storage-ops.helper', '--filter', `volume=${killed}`)).trim()).toBe('');
  });

  it('a SIGKILLed `backup --stop` leaves its container stopped only until the next storage-ops process starts, which says so', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'backup', stopVol, '--stop', '--no-prune'], { env, detached: true, stdio: 'ignore' });
    children.push(child);
    await until('the backup to stop the app and write', async () => writing(deps.dataDir, stopVol, 8 << 20) && (await status(app)) === 'exited');
    expect(stopRecords()).toMatchObject([{ volume: stopVol, op: 'backup', containers: [{ name: app }] }]);
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited(child);
    expect(await status(app)).toBe('exited');

    // Any command will do: this one only lists hosts.
    const next = cli(['hosts'], env);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(new RegExp(`^storage-ops: container\\(s\\) of volume ${stopVol} on local were left stopped by a backup by cli:\\S+ \\(pid ${child.pid} on \\S+, since \\S+\\) that did not finish: started ${app} again$`, 'm'));
    expect(await status(app)).toBe('running');
    expect(stopRecords()).toEqual([]);
    const audit = (await auditTrail(deps.state)).filter((a) => a.op === 'recovery');
    expect(audit).toMatchObject([{ actor: 'system:recovery', host: 'local', outcome: 'ok', input: { volume: stopVol, stoppedBy: 'backup' }, detail: { started: [app], gone: [], failed: [] } }]);
    expect(storeFiles(deps.dataDir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('the next run on the volume starts them again too, when no process start came first', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'backup', stopVol, '--stop', '--no-prune'], { env, detached: true, stdio: 'ignore' });
    children.push(child);
    await until('the backup to stop the app and write', async () => writing(deps.dataDir, stopVol, 8 << 20) && (await status(app)) === 'exited');
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited(child);
    // In this process (started long before): the run on the volume itself puts it right.
    const { backups } = await runOp(deps, volumeBackup, { volumes: [stopVol], prune: false }, { actor });
    expect(backups[0]?.warnings).toEqual([expect.stringMatching(new RegExp(`^container\\(s\\) of volume ${stopVol} on local were left stopped by a backup .* that did not finish: started ${app} again$`))]);
    expect(await status(app)).toBe('running');
    expect(stopRecords()).toEqual([]);
  });

  it('Ctrl-C twice and SIGTERM during `backup --stop` do not end the process before the container runs again', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'backup', stopVol, '--stop', '--no-prune'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await until('the backup to stop the app and write', async () => writing(deps.dataDir, stopVol, 8 << 20) && (await status(app)) === 'exited');
    child.kill('SIGINT');
    child.kill('SIGINT');
    child.kill('SIGTERM');
    const end = await exited(child);
    // It ended on its own terms (cancelled, 130), after the restart, not killed by a signal mid-wait.
    expect(end).toEqual({ code: 130, signal: null });
    expect(stderr).toMatch(new RegExp(`storage-ops: SIGINT received; starting ${app} again before stopping`));
    expect(stderr).toMatch(new RegExp(`job \\S+ cancelled: .*backup of volume ${stopVol}`));
    expect(await status(app)).toBe('running');
    expect(stopRecords()).toEqual([]);
    const audit = (await auditTrail(deps.state)).filter((a) => a.op === 'volume_backup');
    expect(audit.at(-1)).toMatchObject({ phase: 'finished', outcome: 'error', error: { code: 'cancelled' } });
    expect(storeFiles(deps.dataDir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describeDocker('retention and restore hold good backups', () => {
  let engine: TestEngine;
  let deps: Deps;
  const vol = uniqueName('rt_vol');
  const target = uniqueName('rt_target');

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    deps = await makeDeps([engine], { backup: { retention: { keepLast: 2, days: null } } });
    for (const v of [vol, target]) await docker(engine, 'volume', 'create', v);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${vol}:/v`, HELPER_TAG, 'sh', '-c', 'head -c 67108864 /dev/urandom > /v/data.bin');
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${target}:/v`, HELPER_TAG, 'sh', '-c', 'echo keep me > /v/precious');
  });

  afterAll(async () => {
    if (deps) rmSync(deps.dataDir, { recursive: true, force: true });
    if (engine) await docker(engine, 'volume', 'rm', '-f', vol, target).catch(() => undefined);
  });

  const ids = async (): Promise<string[]> => ((await deps.state.read()).backups as Array<{ id: string }>).map((b) => b.id).sort();
  const precious = async (): Promise<string> => docker(engine, 'run', '--rm', '--network', 'none', '-v', `${target}:/v`, HELPER_TAG, 'sh', '-c', 'ls /v && cat /v/precious');

  it('a collapsed (nearly empty) backup rotates no good backup out unless forced', async () => {
    const good: string[] = [];
    for (let i = 0; i < 2; i++) good.push((await runOp(deps, volumeBackup, { volumes: [vol] }, { actor })).backups[0]!.id);
    // The data vanishes (an unmounted share backs up as empty): two backups of nothing.
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${vol}:/v`, HELPER_TAG, 'sh', '-c', 'mv /v/data.bin /v/.gone && rm /v/.gone');
    for (let i = 0; i < 2; i++) {
      const b = (await runOp(deps, volumeBackup, { volumes: [vol] }, { actor })).backups[0]!;
      // Retention ran after each (keep the newest 2) and removed nothing.
      expect(b.retention).toMatchObject({ removed: [], error: null });
    }
    expect((await ids()).filter((id) => good.includes(id))).toEqual(good.sort());
    expect(await ids()).toHaveLength(4);
    const dry = await runConfirmed(deps, backupPrune, { volumes: [vol], dryRun: true }, { actor });
    expect(dry.kept.filter((k) => good.includes(k.id)).map((k) => k.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/^among the newest 2 of plausible size/)]));
    expect(dry.kept.filter((k) => !good.includes(k.id)).every((k) => /implausibly small: \d+ bytes of tar, 0\.\d % of /.test(k.reason))).toBe(true);
    // Forced: the two empty ones count, and the good ones go.
    const forced = await runConfirmed(deps, backupPrune, { volumes: [vol], force: true }, { actor });
    expect(forced.removed.map((r) => r.id).sort()).toEqual([...good].sort());
  });

  it('a restore whose archive is pruned after its approval is refused before the target is touched', async () => {
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${vol}:/v`, HELPER_TAG, 'sh', '-c', 'head -c 33554432 /dev/urandom > /v/data.bin');
    const old = (await runOp(deps, volumeBackup, { volumes: [vol], prune: false }, { actor })).backups[0]!.id;
    const admin = { id: 'cli:root', source: 'cli' as const };
    const approval = await requestOp(deps, volumeRestore, { backupId: old, target, force: true }, { actor: admin });
    for (let i = 0; i < 2; i++) await runOp(deps, volumeBackup, { volumes: [vol], prune: false }, { actor });
    const pruned = await runConfirmed(deps, backupPrune, { volumes: [vol], keepLast: 2 }, { actor });
    expect(pruned.removed.map((r) => r.id)).toContain(old);
    const before = await ids();
    const decided = await decideAndWait(deps, approval.id, 'approve', { actor: admin, idempotencyKey: randomUUID() });
    expect(decided.job?.status).toBe('failed');
    expect(decided.job?.error?.code).toBe('not_found');
    expect(decided.job?.error?.message).toMatch(new RegExp(`(backup "?${old}"?|archive of backup ${old})`));
    expect(await precious()).toBe('precious\nkeep me\n');
    // No safety backup was taken: nothing was started on the target.
    expect(await ids()).toEqual(before);
  });

  it('a backup being restored is not pruned; the restore completes', async () => {
    const victim = (await ids()).filter((id) => id.startsWith(vol))[0] as string;
    for (let i = 0; i < 2; i++) await runOp(deps, volumeBackup, { volumes: [vol], prune: false }, { actor });
    // A newer verified backup, so the guard does not keep the victim once the restore verifies it.
    await runOp(deps, backupVerify, { id: (await ids()).filter((id) => id.startsWith(vol)).at(-1) as string }, { actor });
    // The prune is previewed (victim to go) before the restore starts, and runs while it reads.
    const admin = { id: 'cli:root', source: 'cli' as const };
    const prune = await requestOp(deps, backupPrune, { volumes: [vol], keepLast: 2 }, { actor: admin });
    expect(prune.preview.items.find((i) => i.id === victim)?.action).toBe('remove');
    const during: { pruning: Promise<unknown> | null } = { pruning: null };
    const restored = await runConfirmed(deps, volumeRestore, { backupId: victim, target, force: true }, {
      actor: admin,
      onProgress: (p) => {
        if (!during.pruning && p.phase.startsWith('verifying')) during.pruning = decideAndWait(deps, prune.id, 'approve', { actor: admin, idempotencyKey: randomUUID() }).then((r) => r.output);
      },
    });
    expect(during.pruning).not.toBeNull();
    const pruned = (await during.pruning) as { removed: Array<{ id: string }>; skipped: Array<{ id: string; reason: string }> };
    expect(pruned.removed.map((r) => r.id)).not.toContain(victim);
    expect(pruned.skipped.find((s) => s.id === victim)?.reason).toMatch(/in use/);
    expect(restored.backupId).toBe(victim);
    expect(existsSync(join(deps.dataDir, 'backups', `${victim}.manifest.json`))).toBe(true);
  });
});

