/**
 * The lease lock (src/core/file-lock.ts) and process liveness (src/core/liveness.ts) on a real
 * filesystem, with real processes as holders: a dead holder's lock is free (at once on this
 * machine, after the lease elsewhere), a live one never, a half-written lock file is not
 * permanent, several takers of one dead lock never both win, and the state file's lock lets a
 * second process in while a first one writes without pause. Backup holds and deletions exclude
 * each other. Also the signal window that keeps a process alive until the containers it stopped
 * run again.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { backupInUse, holdBackup, liveTokens, lockBackupForDelete } from '../../src/backup/locks.js';
import { describeHolder, inspectLock, LOCK_FORMAT, tryLock, type LockInfo } from '../../src/core/file-lock.js';
import { currentProcess, isHolderAlive, localLiveness, parseStartTicks } from '../../src/core/liveness.js';

const run = promisify(execFile);
const dist = (p: string): string => new URL(`../../dist/${p}`, import.meta.url).pathname;
const owner = { op: 'backup', actor: 'cli:test' };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'so-lock-'));
}

function backdate(path: string, ms: number): void {
  const t = new Date(Date.now() - ms);
  utimesSync(path, t, t);
}

/** A lock file as another machine or container would have written it. */
function foreignLock(path: string, over: Partial<LockInfo> = {}): void {
  const info: LockInfo = {
    format: LOCK_FORMAT,
    token: 'feedfacefeedface',
    pid: 7,
    hostname: 'old-container',
    bootId: 'another-boot',
    pidNs: 'pid:[1]',
    startTicks: 100,
    op: 'backup',
    actor: 'cli:gone',
    since: '2026-01-01T00:00:00.000Z',
    ...over,
  };
  writeFileSync(path, JSON.stringify(info));
}

/** Starts a node process holding a lock on `path`; resolves once it holds it. */
async function holderProcess(path: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const script = `
    import { tryLock } from ${JSON.stringify(dist('core/file-lock.js'))};
    const got = await tryLock(process.argv[1], { op: 'backup', actor: 'cli:child' });
    if (!('lease' in got)) { console.log('busy'); process.exit(1); }
    console.log('held');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => (d.toString().includes('held') ? resolve() : reject(new Error(d.toString()))));
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return {
    pid: child.pid as number,
    kill: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

describe('process liveness', () => {
  it('knows this process, a reused pid, and another namespace', () => {
    const me = currentProcess();
    expect(me.pid).toBe(process.pid);
    expect(localLiveness(me)).toBe('alive');
    // The same pid started at another time is a different process: the holder is gone.
    expect(localLiveness({ ...me, startTicks: (me.startTicks ?? 0) + 1 })).toBe('dead');
    // Another container or machine: /proc cannot say; the lease decides.
    expect(localLiveness({ ...me, pidNs: 'pid:[1]' })).toBe('unknown');
    expect(isHolderAlive({ ...me, bootId: 'other' }, Date.now() - 10_000, Date.now())).toBe(true);
    expect(isHolderAlive({ ...me, bootId: 'other' }, Date.now() - 31_000, Date.now())).toBe(false);
    expect(parseStartTicks('12 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 19')).toBe(4242);
  });
});

describe('lease lock', () => {
  it('frees the lock of a holder elsewhere once its heartbeat is older than the lease', async () => {
    const path = join(tempDir(), 'v.lock');
    foreignLock(path);
    backdate(path, 10_000);
    const held = await tryLock(path, owner);
    expect('held' in held && held.held.alive).toBe(true);
    if ('held' in held) expect(describeHolder(held.held)).toMatch(/^backup by cli:gone since 2026-01-01T00:00:00\.000Z \(pid 7 on old-container; last heartbeat 10 s ago; free from \S+ if it stops\)$/);
    backdate(path, 31_000);
    const got = await tryLock(path, owner);
    expect('lease' in got).toBe(true);
    if ('lease' in got) {
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ token: got.lease.token, pid: process.pid, op: 'backup' });
      await got.lease.release();
    }
    expect(await inspectLock(path)).toBeNull();
  });

  it('never takes over from a live process, however old its heartbeat; frees it at once when it is killed', async () => {
    const path = join(tempDir(), 'v.lock');
    const holder = await holderProcess(path);
    backdate(path, 10 * 60_000);
    const busy = await tryLock(path, owner);
    expect('held' in busy && busy.held.why).toBe('its process is running');
    await holder.kill();
    const state = await inspectLock(path);
    expect(state).toMatchObject({ alive: false, why: 'its process is gone' });
    const got = await tryLock(path, owner);
    expect('lease' in got).toBe(true);
    if ('lease' in got) await got.lease.release();
  });

  it('does not keep a half-written or empty lock file for ever', async () => {
    for (const text of ['{"format":"storage-ops-lock/1","tok', '']) {
      const path = join(tempDir(), 'v.lock');
      writeFileSync(path, text);
      const fresh = await tryLock(path, owner);
      // Maybe being written this very moment: respected for the length of a lease.
      expect('held' in fresh && fresh.held.info).toBeNull();
      if ('held' in fresh) expect(describeHolder(fresh.held)).toMatch(/^an unreadable lock file \(unreadable lock file, written 0 s ago; free from /);
      backdate(path, 31_000);
      const got = await tryLock(path, owner);
      expect('lease' in got).toBe(true);
      if ('lease' in got) await got.lease.release();
    }
  });

  it('lets exactly one of many takers have a dead lock', async () => {
    const path = join(tempDir(), 'v.lock');
    foreignLock(path);
    backdate(path, 60_000);
    const results = await Promise.all(Array.from({ length: 12 }, () => tryLock(path, owner)));
    const winners = results.filter((r) => 'lease' in r);
    expect(winners).toHaveLength(1);
    const lockedBy = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    expect(winners[0] && 'lease' in winners[0] && winners[0].lease.token).toBe(lockedBy.token);
  });

  it('keeps its heartbeat, and knows when its lock was taken away', async () => {
    const path = join(tempDir(), 'v.lock');
    const got = await tryLock(path, owner, { heartbeatMs: 20 });
    if (!('lease' in got)) throw new Error('not taken');
    backdate(path, 20_000);
    await new Promise((r) => setTimeout(r, 100));
    expect((await inspectLock(path))?.heartbeatAt.getTime()).toBeGreaterThan(Date.now() - 5_000);
    expect(got.lease.lost.aborted).toBe(false);
    foreignLock(path, { token: '0000000000000000' });
    // Its file now names another holder: the holder finds out at its next beat.
    await new Promise<void>((resolve) => got.lease.lost.addEventListener('abort', () => resolve(), { once: true }));
    expect(String((got.lease.lost.reason as Error).message)).toMatch(/^lost the lock .*v\.lock: the lock file .* was removed or replaced by another process$/);
    await got.lease.release();
    // Releasing a lost lock leaves the new holder's file alone.
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ token: '0000000000000000' });
  });
});

describe('state file lock', () => {
  it('lets a second process in while a first one updates without pause', async () => {
    const dir = tempDir();
    const script = `
      import { readFileSync } from 'node:fs';
      import { StateStore } from ${JSON.stringify(dist('state/state-store.js'))};
      const [dir, who, count, after] = process.argv.slice(2);
      const s = new StateStore(dir);
      if (after !== '0') {
        // Start once the other writer is well under way.
        for (;;) {
          try { if (JSON.parse(readFileSync(dir + '/state.json', 'utf8')).log.length >= Number(after)) break; } catch {}
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      for (let i = 0; i < Number(count); i++) await s.update((d) => { (d.log ??= []).push(who + i); });`;
    const file = join(dir, 'writer.mjs');
    writeFileSync(file, script);
    await Promise.all([run(process.execPath, [file, dir, 'a', '200', '0']), run(process.execPath, [file, dir, 'b', '20', '10'])]);
    const ids = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { log: string[] }).log;
    expect(ids).toHaveLength(220);
    // B's updates went in among A's, not after A had finished.
    expect(ids.indexOf('b19')).toBeLessThan(ids.indexOf('a199'));
  }, 120_000);
});

describe('signal window', () => {
  it('keeps the process alive through signals until the window closes, then ends it', async () => {
    const script = `
      import { enterCritical } from ${JSON.stringify(dist('core/critical.js'))};
      const w = enterCritical('starting app again');
      process.kill(process.pid, 'SIGINT');
      process.kill(process.pid, 'SIGTERM');
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => {
        console.log('window work done, aborted=' + w.signal.aborted);
        w.leave();
        setTimeout(() => console.log('still alive after leaving'), 200);
      }, 200);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    expect(out).toBe('window work done, aborted=true\n');
    expect(err).toMatch(/storage-ops: SIGINT received; starting app again before stopping/);
    expect(ended.signal === 'SIGINT' || ended.signal === 'SIGTERM').toBe(true);
  });
});

describe('backup holds and deletion', () => {
  it('never lets a deletion and a reader both go ahead', async () => {
    const deps = { dataDir: tempDir() };
    const id = 'db_20261130_120000';
    const hold = await holdBackup(deps, id, { host: 'h', target: 'copy' }, { op: 'restore onto copy', actor: 'cli:bob' });
    expect(await backupInUse(deps, id)).toBe(true);
    const refused = await lockBackupForDelete(deps, id, 'policy:retention');
    expect('busy' in refused && refused.busy).toMatch(/^in use right now: restore onto copy by cli:bob since /);
    await hold.release();
    const claim = await lockBackupForDelete(deps, id, 'policy:retention');
    if (!('lease' in claim)) throw new Error(claim.busy);
    const e = await holdBackup(deps, id, 'verify', { op: 'verify', actor: 'cli:bob' }).catch((err: unknown) => err as Error);
    expect(String(e)).toMatch(/backup db_20261130_120000 is being deleted right now \(deleting the backup by policy:retention/);
    // The refused reader left nothing that would keep the deletion from going on next time.
    expect(await backupInUse(deps, id)).toBe(false);
    await claim.lease.release();
    const again = await holdBackup(deps, id, 'verify', { op: 'verify', actor: 'cli:bob' });
    expect(await liveTokens(deps)).toEqual(new Set([again.token]));
    await again.release();
  });
});
