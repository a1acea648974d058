/**
 * Host access, against real engines: operators cannot reach host paths or devices through
 * `create` (and nothing is created), admins only within volumes.allowedDevices; helper containers
 * run confined (checked by inspecting them and from inside); a helper left by a killed process is
 * no user of its volume and is removed at the next start or backup.
 * ssh host keys and plain tcp are in remote-access-auth.test.ts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import { runInJobScope } from '../../src/core/job-scope.js';
import type { Actor } from '../../src/core/op.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { selfIdentity } from '../../src/engine/helper-owner.js';
import { runConfirmed } from '../../src/core/approvals.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';
import { volumeRestore } from '../../src/ops/backups/volume-restore.js';
import { volumeBenchmark } from '../../src/ops/volumes/volume-benchmark.js';
import { volumeCreate } from '../../src/ops/volumes/volume-create.js';
import { volumeInspect } from '../../src/ops/volumes/volume-inspect.js';
import { volumeList } from '../../src/ops/volumes/volume-list.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';

const run = promisify(execFile);

const admin: Actor = { id: 'cli:root', source: 'cli' };
const operator: Actor = { id: 'slack:UOPERATOR', source: 'slack' };
const viewer: Actor = { id: 'mcp:reader', source: 'mcp' };

async function failure(p: Promise<unknown>): Promise<OpsError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OpsError) return err;
    throw err;
  }
  throw new Error('expected the call to fail, and it succeeded');
}

async function volumeNames(engine: TestEngine): Promise<string[]> {
  return (await docker(engine, 'volume', 'ls', '-q')).split('\n').filter(Boolean).sort();
}

async function helpers(engine: TestEngine, filter = 'storage-ops.helper'): Promise<string[]> {
  return (await docker(engine, 'ps', '-aq', '--no-trunc', '--filter', `label=${filter}`)).split('\n').filter(Boolean);
}

interface Inspected {
  Id: string;
  Config: { Labels: Record<string, string>; User: string };
  HostConfig: { CapDrop: string[] | null; CapAdd: string[] | null; SecurityOpt: string[] | null; Memory: number; MemorySwap: number; PidsLimit: number | null; NetworkMode: string; Binds: string[] | null };
  Mounts: Array<{ Type: string; Name?: string; Destination: string }>;
}

async function inspect(engine: TestEngine, id: string): Promise<Inspected> {
  return (JSON.parse(await docker(engine, 'inspect', id)) as Inspected[])[0] as Inspected;
}

describeDocker('host access', () => {
  const engine = engineByDriver('overlay2');
  const allowedRoot = mkdtempSync(join(tmpdir(), 'so-allowed-'));
  const dataDirs: string[] = [];
  let deps: Deps;

  /** Deps over the engine with their own data dir (removed at the end) and their own first sweep. */
  async function depsFor(extra: Record<string, unknown> = {}): Promise<Deps> {
    const d = await makeDeps([engine], extra);
    dataDirs.push(d.dataDir);
    return d;
  }

  beforeAll(async () => {
    mkdirSync(join(allowedRoot, 'app'));
    writeFileSync(join(allowedRoot, 'app', 'hello.txt'), 'from the host\n');
    deps = await depsFor({
      access: { operators: [operator.id] },
      volumes: { allowedDevices: [`${allowedRoot}/*`, '/dev/loop*'] },
    });
  });

  afterAll(() => {
    for (const d of [allowedRoot, ...dataDirs]) rmSync(d, { recursive: true, force: true });
  });

  describe('create', () => {
    it('refuses host paths and devices to operators and viewers, and creates nothing', async () => {
      const before = await volumeNames(engine);
      const name = uniqueName('hostpath');
      const attempts: Array<[Actor, Record<string, string>, RegExp]> = [
        [operator, { type: 'none', o: 'bind', device: '/etc' }, /^forbidden: create: volume ".*" bind-mounts the host path \/etc, which gives every container that mounts it the host's files there: only an admin may create it, and only for paths in volumes\.allowedDevices \(you are an operator\)\. Ask an admin to create it\. NFS, CIFS and tmpfs volumes \(and plain ones\) need no admin$/],
        [operator, { type: 'none', o: 'rw,bind', device: '/srv/../etc' }, /^forbidden: .*host path \/etc,/],
        [operator, { type: 'none', o: 'RBIND', device: '//etc/' }, /^forbidden: .*host path \/etc,/],
        [operator, { o: 'bind', device: '/' }, /^forbidden: .*host path \/,/],
        [operator, { type: 'none', o: 'bind', device: `${allowedRoot}/app` }, /^forbidden: .*only an admin may create it/],
        [operator, { type: 'ext4', device: '/dev/vda' }, /^forbidden: create: volume ".*" mounts the host device or path \/dev\/vda \(type=ext4\), .*only an admin/],
        [operator, { type: 'proc', device: 'proc' }, /^forbidden: .*kernel's proc filesystem.*never creates such volumes, whoever asks/],
        [operator, { type: 'none', o: 'bind ', device: '/etc' }, /^invalid_input: create: driver option o="bind " has surrounding spaces/],
        [operator, { type: 'none', o: 'rw, bind', device: '/etc' }, /^invalid_input: create: driver option o="rw, bind" contains spaces/],
        [viewer, { type: 'none', o: 'bind', device: '/etc' }, /^forbidden: .*reader \(viewer\) may not .*operator role/],
        [viewer, { type: 'tmpfs', device: 'tmpfs' }, /^forbidden: .*\(viewer\) may not/],
      ];
      for (const [actor, driverOpts, message] of attempts) {
        const e = await failure(runOp(deps, volumeCreate, { name, driverOpts }, { actor }));
        expect(`${e.code}: ${e.toLine()}`, JSON.stringify(driverOpts)).toMatch(message);
      }
      // Another driver's path-valued option is a host path too (the engine would not even know the driver).
      const plugin = await failure(runOp(deps, volumeCreate, { name, driver: 'local-persist', driverOpts: { mountpoint: '/etc' } }, { actor: operator }));
      expect(plugin.message).toMatch(/gives the local-persist driver the host path\(s\) \/etc/);
      expect(await volumeNames(engine)).toEqual(before);
      await expect(docker(engine, 'volume', 'inspect', name)).rejects.toThrow(/no such volume/i);
    });

    it('refuses them to admins outside volumes.allowedDevices, naming the key', async () => {
      const before = await volumeNames(engine);
      const name = uniqueName('adminbind');
      const e = await failure(runOp(deps, volumeCreate, { name, driverOpts: { type: 'none', o: 'bind', device: `${allowedRoot}/app/${'../'.repeat(allowedRoot.split('/').length)}etc` } }, { actor: admin }));
      expect(e.toLine()).toBe(
        `create: volume "${name}" bind-mounts the host path /etc, but /etc is not allowed by volumes.allowedDevices (it allows ${allowedRoot}/*, /dev/loop*). ` +
          'Add a glob for it to volumes.allowedDevices in the config (e.g. ["/srv/data/*"]; * stays within one directory, ** crosses directories)',
      );
      const none = await depsFor();
      const e2 = await failure(runOp(none, volumeCreate, { name, driverOpts: { type: 'none', o: 'bind', device: `${allowedRoot}/app` } }, { actor: admin }));
      expect(e2.message).toMatch(/is not allowed by volumes\.allowedDevices \(empty: host paths and devices are refused, even for admins\)$/);
      expect(await volumeNames(engine)).toEqual(before);
    });

    it('lets an admin bind a path within volumes.allowedDevices, and the engine mounts it', async () => {
      const name = uniqueName('allowedbind');
      const out = await runOp(deps, volumeCreate, { name, driverOpts: { type: 'none', o: 'bind', device: `${allowedRoot}/app` } }, { actor: admin });
      expect(out.options).toEqual({ type: 'none', o: 'bind', device: `${allowedRoot}/app` });
      expect(await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${name}:/v`, HELPER_TAG, 'cat', '/v/hello.txt')).toBe('from the host\n');
      await docker(engine, 'volume', 'rm', name);
    });

    it('lets an admin mount an allowed block device', async () => {
      const img = join(allowedRoot, 'disk.img');
      await run('truncate', ['-s', '16M', img]);
      await run('mkfs.ext4', ['-q', '-F', img]);
      const loop = (await run('losetup', ['-f', '--show', img])).stdout.trim();
      const name = uniqueName('allowedext4');
      try {
        // The operator may not, whatever the allowlist says.
        expect((await failure(runOp(deps, volumeCreate, { name, driverOpts: { type: 'ext4', device: loop } }, { actor: operator }))).code).toBe('forbidden');
        await runOp(deps, volumeCreate, { name, driverOpts: { type: 'ext4', device: loop } }, { actor: admin });
        const df = await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${name}:/v`, HELPER_TAG, 'sh', '-c', 'echo ok > /v/f && cat /v/f && df -P /v | tail -1');
        expect(df).toMatch(new RegExp(`^ok\\n${loop} `));
      } finally {
        await docker(engine, 'volume', 'rm', name).catch(() => '');
        await run('losetup', ['-d', loop]);
      }
    });

    it('keeps NFS and tmpfs open to operators', async () => {
      const tmp = uniqueName('optmpfs');
      const nfs = uniqueName('opnfs');
      await runOp(deps, volumeCreate, { name: tmp, driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=8m' } }, { actor: operator });
      await runOp(deps, volumeCreate, { name: nfs, driverOpts: { type: 'nfs', o: 'addr=192.0.2.10,rw,nfsvers=4', device: ':/data' } }, { actor: operator });
      expect(await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${tmp}:/v`, HELPER_TAG, 'sh', '-c', 'df -P /v | tail -1')).toMatch(/^tmpfs /);
      await docker(engine, 'volume', 'rm', tmp, nfs);
    });
  });

  describe('helper containers', () => {
    it('are confined: no network, every capability dropped, no-new-privileges, limits, owner labels', async () => {
      const vol = uniqueName('confined');
      await docker(engine, 'volume', 'create', vol);
      const eng = deps.engines.get() as DockerEngine;
      const archive = await runInJobScope('job-confined-1', () => eng.exportVolume(vol));
      try {
        const [id] = await helpers(engine, 'storage-ops.helper=backup-read');
        const c = await inspect(engine, id ?? '');
        const me = selfIdentity();
        expect(c.HostConfig).toMatchObject({ NetworkMode: 'none', CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], Memory: 64 << 20, MemorySwap: 64 << 20, PidsLimit: 8 });
        expect(c.HostConfig.CapAdd ?? []).toEqual([]);
        expect(c.HostConfig.Binds ?? []).toEqual([]);
        expect(c.Mounts.map((m) => [m.Type, m.Name, m.Destination])).toEqual([['volume', vol, '/volume']]);
        expect(c.Config.Labels).toMatchObject({
          'storage-ops.helper': 'backup-read',
          'storage-ops.owner': me.id,
          'storage-ops.owner.pid': String(process.pid),
          'storage-ops.owner.host': hostname(),
          'storage-ops.owner.start': me.start,
          'storage-ops.job': 'job-confined-1',
          'storage-ops.volume': vol,
        });
        expect(c.Config.Labels['storage-ops.owner.boot']).toMatch(/^[0-9a-f-]{36}$/);
      } finally {
        archive.stream.destroy();
        await archive.close();
      }
      expect(await helpers(engine)).toEqual([]);
      await docker(engine, 'volume', 'rm', vol);
    });

    it('hold only the capabilities their purpose needs, seen from inside', async () => {
      const vol = uniqueName('caps');
      await docker(engine, 'volume', 'create', vol);
      const eng = deps.engines.get();
      const status = async (purpose: string): Promise<string> =>
        (await eng.runHelperCommand({ purpose, cmd: ['sh', '-c', 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status'], volumes: { [vol]: '/data' } })).stdout;
      // Bits: DAC_OVERRIDE 1, FOWNER 3.
      expect(await status('df')).toBe('CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nNoNewPrivs:\t1\n');
      expect(await status('bench')).toBe('CapEff:\t0000000000000002\nCapBnd:\t0000000000000002\nNoNewPrivs:\t1\n');
      expect(await status('restore-clear')).toBe('CapEff:\t000000000000000a\nCapBnd:\t000000000000000a\nNoNewPrivs:\t1\n');
      // A started helper inspected while it runs: it waits for a file we put into it.
      const running = eng.runHelperCommand({ purpose: 'bench', cmd: ['sh', '-c', 'while [ ! -e /data/go ]; do sleep 0.05; done; ls /sys/class/net'], volumes: { [vol]: '/data' } });
      let id: string | undefined;
      while (!id) [id] = await helpers(engine, 'storage-ops.helper=bench');
      const c = await inspect(engine, id);
      expect(c.HostConfig).toMatchObject({ NetworkMode: 'none', CapDrop: ['ALL'], CapAdd: ['DAC_OVERRIDE'], SecurityOpt: ['no-new-privileges'], Memory: 1024 << 20, PidsLimit: 256 });
      const go = join(allowedRoot, 'go');
      writeFileSync(go, '');
      await docker(engine, 'cp', go, `${id}:/data/go`);
      // Only the loopback interface: no network.
      expect((await running).stdout.trim()).toBe('lo');
      await docker(engine, 'volume', 'rm', vol);
    });

    it('still do their work without root capabilities: bench, emptying and restoring volumes of other owners', async () => {
      const vol = uniqueName('owners');
      await docker(engine, 'volume', 'create', vol);
      // A root owned by uid 999 (mode 700), a read-only subtree of uid 777, and a sticky directory
      // of uid 500 holding a mode-000 file of uid 1234: what databases and shared dirs look like.
      await docker(engine, 'run', '--rm', '-v', `${vol}:/d`, HELPER_TAG, 'sh', '-c', [
        'mkdir -p /d/ro/deep /d/sticky && echo data > /d/ro/deep/f && chown -R 777 /d/ro && chmod 500 /d/ro/deep /d/ro',
        'chown 500 /d/sticky && chmod 1777 /d/sticky && echo s > /d/sticky/f && chown 1234 /d/sticky/f && chmod 000 /d/sticky/f',
        'chown 999:999 /d && chmod 700 /d',
      ].join(' && '));
      const bench = await runOp(deps, volumeBenchmark, { name: vol, rw: 'randwrite', size: '8m', runtime: 1, ioDepth: 4 }, { actor: operator });
      expect(bench.write?.iops).toBeGreaterThan(0);
      const backup = await runOp(deps, volumeBackup, { volumes: [vol], prune: false }, { actor: operator });
      // Something written since, in the sticky directory, by yet another user: the restore's
      // emptying helper must remove it (FOWNER) before the archive goes back in.
      await docker(engine, 'run', '--rm', '-v', `${vol}:/d`, HELPER_TAG, 'sh', '-c', 'echo late > /d/sticky/late && chown 4321 /d/sticky/late && chmod 000 /d/sticky/late');
      const restored = await runConfirmed(deps, volumeRestore, { backupId: backup.backups[0]?.id, target: vol }, { actor: admin });
      expect(restored.safetyBackupId).not.toBeNull();
      const listing = await docker(engine, 'run', '--rm', '-v', `${vol}:/d`, HELPER_TAG, 'sh', '-c', 'cd /d && find . | sort | xargs stat -c "%n %u %a"');
      expect(listing).toBe(['. 999 700', './ro 777 500', './ro/deep 777 500', './ro/deep/f 777 644', './sticky 500 1777', './sticky/f 1234 0', ''].join('\n'));
      expect(await helpers(engine)).toEqual([]);
      await docker(engine, 'volume', 'rm', vol);
    });
  });

  describe('helpers left by a dead process', () => {
    let child: ChildProcess | null = null;

    afterAll(() => {
      child?.kill('SIGKILL');
    });

    /** Another storage-ops process, in its own UTS namespace (another hostname), that opens a backup-read helper on `vol` and hangs. */
    async function startOwner(vol: string): Promise<ChildProcess> {
      const dir = mkdtempSync(join(tmpdir(), 'so-owner-'));
      const dist = new URL('../../dist/', import.meta.url).pathname;
      const script = join(dir, 'owner.mjs');
      writeFileSync(
        script,
        [
          `import { parseConfig } from '${dist}config/load-config.js';`,
          `import { DockerEngineDirectory } from '${dist}engine/engine-directory.js';`,
          `const config = parseConfig({ hosts: [{ name: 'e', url: ${JSON.stringify(engine.url)} }], helperImage: ${JSON.stringify(HELPER_TAG)} }, 'owner');`,
          `await new DockerEngineDirectory(config).get('e').exportVolume(${JSON.stringify(vol)});`,
          `process.stdout.write('ready\\n');`,
          'setInterval(() => {}, 1000);',
        ].join('\n'),
      );
      const p = spawn('unshare', ['-u', 'sh', '-c', `hostname so-other-uts && exec ${process.execPath} ${script}`], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        p.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        p.once('exit', (code) => reject(new Error(`the owner process exited early (${code})`)));
      });
      return p;
    }

    it('is no user of its volume while its owner runs, and is kept', async () => {
      const vol = uniqueName('leftover');
      await docker(engine, 'volume', 'create', vol);
      child = await startOwner(vol);
      const [id] = await helpers(engine);
      const labels = (await inspect(engine, id ?? '')).Config.Labels;
      expect([labels['storage-ops.owner.host'], labels['storage-ops.owner.pid']]).toEqual(['so-other-uts', String(child.pid)]);
      // The engine itself counts the helper...
      expect((await docker(engine, 'volume', 'ls', '-q', '--filter', 'dangling=true')).split('\n')).not.toContain(vol);
      // ...storage-ops does not: no user, no link, dangling.
      const fresh = await depsFor();
      const inspected = await runOp(fresh, volumeInspect, { name: vol }, { actor: viewer });
      expect([inspected.usedBy, inspected.refCount]).toEqual([[], 0]);
      const dangling = await runOp(fresh, volumeList, { dangling: true, name: vol }, { actor: viewer });
      expect(dangling.volumes.map((v) => v.name)).toEqual([vol]);
      // A process alive on this machine keeps its helper, however old the sweep thinks it is.
      expect(await helpers(engine)).toEqual([id]);
    });

    it('is removed at the next start once its owner was killed', async () => {
      const [id] = await helpers(engine);
      expect(id).toBeDefined();
      const exited = new Promise((r) => child?.once('exit', r));
      child?.kill('SIGKILL');
      await exited;
      child = null;
      // A new process's first call to the engine sweeps it.
      const fresh = await depsFor();
      await fresh.engines.get().ping();
      expect(await helpers(engine)).toEqual([]);
    });

    it('is removed before the next backup of its volume, even when its owner cannot be seen', async () => {
      const vol = uniqueName('lockswept');
      await docker(engine, 'volume', 'create', vol);
      await docker(engine, 'run', '--rm', '-v', `${vol}:/d`, HELPER_TAG, 'sh', '-c', 'echo payload > /d/f');
      // As another container's storage-ops would have left it: another pid namespace and boot.
      const foreign = ['storage-ops.helper=backup-read', 'storage-ops.owner=other-process', 'storage-ops.owner.pid=7', 'storage-ops.owner.host=ctr-old', 'storage-ops.owner.boot=another-boot', 'storage-ops.owner.pidns=pid:[1]', 'storage-ops.owner.start=1', `storage-ops.volume=${vol}`];
      const leftover = (await docker(engine, 'create', ...foreign.flatMap((l) => ['--label', l]), '--network', 'none', '-v', `${vol}:/volume`, HELPER_TAG, 'true')).trim();
      const fresh = await depsFor({ access: { operators: [operator.id] } });
      await fresh.engines.get().ping();
      // Young and unseen: the start-up sweep leaves it...
      expect(await helpers(engine)).toEqual([leftover]);
      // ...the backup, holding the volume's lock, knows better.
      const out = await runOp(fresh, volumeBackup, { volumes: [vol], prune: false }, { actor: operator });
      expect(out.backups).toHaveLength(1);
      expect(await helpers(engine)).toEqual([]);
      await docker(engine, 'volume', 'rm', vol);
    });

    it('does not block removing the volume', async () => {
      const vol = uniqueName('rmblocked');
      await docker(engine, 'volume', 'create', vol);
      const fresh = await depsFor();
      const eng = fresh.engines.get();
      await eng.ping();
      // Appears after this process's start-up sweep: a helper of a process of this machine that is gone.
      const me = selfIdentity();
      const dead = ['storage-ops.helper=bench', 'storage-ops.owner=gone', `storage-ops.owner.pid=${2 ** 22 - 3}`, `storage-ops.owner.boot=${me.boot}`, `storage-ops.owner.pidns=${me.pidns}`, 'storage-ops.owner.start=1'];
      await docker(engine, 'create', ...dead.flatMap((l) => ['--label', l]), '--network', 'none', '-v', `${vol}:/data`, HELPER_TAG, 'true');
      await eng.removeVolume(vol);
      expect(await helpers(engine)).toEqual([]);
      await expect(docker(engine, 'volume', 'inspect', vol)).rejects.toThrow(/no such volume/i);
    });
  });
});
