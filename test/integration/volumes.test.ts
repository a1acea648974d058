/**
 * volume_list, volume_inspect and volume_create against real engines, compared with
 * `docker volume ls --filter ...` and `docker volume inspect`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import { runOp } from '../../src/core/run-op.js';
import { volumeCreate } from '../../src/ops/volumes/volume-create.js';
import { volumeInspect } from '../../src/ops/volumes/volume-inspect.js';
import { volumeList } from '../../src/ops/volumes/volume-list.js';
import type { Deps } from '../../src/core/ports.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, HELPER_TAG, makeDeps, requireEngines, uniqueName, type TestEngine } from '../harness/engines.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof OpsError ? `${e.code}: ${e.message}` : String(e);
  }
}

describeDocker.each(['overlay2', 'vfs', 'btrfs'])('volumes on a %s engine', (driver) => {
  let engine: TestEngine;
  let deps: Deps;
  const prefix = uniqueName('vt');
  const names = { prod: `${prefix}_prod`, test: `${prefix}_test`, plain: `${prefix}_plain`, tmp: `${prefix}_tmp` };
  let user = '';

  beforeAll(async () => {
    const e = requireEngines().find((x) => x.driver === driver);
    if (!e) throw new Error(`no ${driver} test engine was started`);
    engine = e;
    deps = await makeDeps([engine]);
    await docker(engine, 'volume', 'create', '--label', 'environment=production', '--label', 'app=database', names.prod);
    await docker(engine, 'volume', 'create', '--label', 'environment=testing', names.test);
    await docker(engine, 'volume', 'create', names.plain);
    user = uniqueName('vt_user');
    await docker(engine, 'run', '-d', '--name', user, '--network', 'none', '-v', `${names.prod}:/var/lib/db`, '-v', `${names.test}:/ro:ro`, HELPER_TAG, 'sh', '-c', 'echo hello > /var/lib/db/x; sleep 600');
  });

  afterAll(async () => {
    if (!engine) return;
    await docker(engine, 'rm', '-f', user).catch(() => undefined);
    for (const v of Object.values(names)) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  const ours = (list: string[]): string[] => list.filter((n) => n.startsWith(prefix)).sort();
  const dockerLs = async (...filters: string[]): Promise<string[]> =>
    ours((await docker(engine, 'volume', 'ls', '-q', ...filters.flatMap((f) => ['--filter', f]))).split('\n').filter(Boolean));

  it.each([
    [{ label: ['environment=production'] }, ['label=environment=production']],
    [{ label: ['environment'] }, ['label=environment']],
    [{ label: ['environment', 'app=database'] }, ['label=environment', 'label=app=database']],
    [{ dangling: true }, ['dangling=true']],
    [{ dangling: false }, ['dangling=false']],
    [{ driver: 'local' }, ['driver=local']],
    [{ name: '_pla' }, ['name=_pla']],
  ])('filters %j like docker volume ls --filter %j', async (input, filters) => {
    const out = await runOp(deps, volumeList, { ...input, sizes: false }, { actor });
    expect(ours(out.volumes.map((v) => v.name))).toEqual(await dockerLs(...filters));
  });

  it('lists sizes and users', async () => {
    const out = await runOp(deps, volumeList, { name: prefix }, { actor });
    const prod = out.volumes.find((v) => v.name === names.prod);
    expect(prod?.usedBy).toEqual([expect.objectContaining({ name: user, state: 'running', mountPath: '/var/lib/db', readOnly: false })]);
    expect(out.volumes.find((v) => v.name === names.test)?.usedBy[0]?.readOnly).toBe(true);
    expect(prod?.size).toBeGreaterThan(0);
    expect(out.volumes.find((v) => v.name === names.plain)).toMatchObject({ size: 0, refCount: 0, usedBy: [] });
  });

  it('volume_inspect shows what docker volume inspect shows, plus size and users', async () => {
    const out = await runOp(deps, volumeInspect, { name: names.prod }, { actor });
    const [ref] = JSON.parse(await docker(engine, 'volume', 'inspect', names.prod)) as Array<Record<string, unknown>>;
    expect(out).toMatchObject({
      name: ref!.Name,
      driver: ref!.Driver,
      mountpoint: ref!.Mountpoint,
      createdAt: ref!.CreatedAt,
      labels: ref!.Labels,
      scope: ref!.Scope,
      options: ref!.Options ?? {},
    });
    expect(out.usedBy.map((u) => u.name)).toEqual([user]);
    expect(out.size).toBeGreaterThanOrEqual(6);
  });

  it('volume_create applies labels and driver options (tmpfs) and the engine mounts them', async () => {
    const out = await runOp(deps, volumeCreate, { name: names.tmp, labels: { team: 'ops' }, driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=16m' } }, { actor });
    expect(out).toMatchObject({ name: names.tmp, driver: 'local', labels: { team: 'ops' }, options: { type: 'tmpfs', device: 'tmpfs', o: 'size=16m' } });
    const [ref] = JSON.parse(await docker(engine, 'volume', 'inspect', names.tmp)) as Array<{ Labels: Record<string, string>; Options: Record<string, string> }>;
    expect(ref!.Labels).toEqual({ team: 'ops' });
    expect(ref!.Options).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'size=16m' });
    const df = await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${names.tmp}:/t`, HELPER_TAG, 'df', '-P', '-k', '/t');
    expect(df).toMatch(/^tmpfs\s+16384\s/m);
  });

  it('refuses an existing name, a bad name, and bad NFS options, changing nothing', async () => {
    const before = (await docker(engine, 'volume', 'ls', '-q')).split('\n').sort();
    expect(await codeOf(runOp(deps, volumeCreate, { name: names.plain }, { actor }))).toMatch(/^conflict: volume ".*_plain" already exists on host/);
    expect(await codeOf(runOp(deps, volumeCreate, { name: '../etc' }, { actor }))).toMatch(/^invalid_input: create: <name> is invalid/);
    expect(await codeOf(runOp(deps, volumeCreate, { name: `${prefix}_nfs`, driverOpts: { type: 'nfs', device: ':/data' } }, { actor }))).toMatch(/^invalid_input: .*addr=/);
    expect(await codeOf(runOp(deps, volumeInspect, { name: `${prefix}_missing` }, { actor }))).toMatch(/^not_found: volume ".*_missing" does not exist/);
    expect(await codeOf(runOp(deps, volumeList, { label: ['=oops'] }, { actor }))).toMatch(/^invalid_input: volumes: --label \(item 1\) is invalid/);
    expect((await docker(engine, 'volume', 'ls', '-q')).split('\n').sort()).toEqual(before);
  });

  it('creates an NFS volume definition the engine accepts as docker would', async () => {
    const nfs = `${prefix}_nfs_ok`;
    try {
      const out = await runOp(deps, volumeCreate, { name: nfs, driverOpts: { type: 'nfs', o: 'addr=192.0.2.10,rw,nfsvers=4', device: ':/data' } }, { actor });
      expect(out.options).toEqual({ type: 'nfs', o: 'addr=192.0.2.10,rw,nfsvers=4', device: ':/data' });
    } finally {
      await docker(engine, 'volume', 'rm', '-f', nfs).catch(() => undefined);
    }
  });
});
