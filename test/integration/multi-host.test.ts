/**
 * Two engines used side by side through one Deps: ops take `host`, each answer comes from the
 * engine named, and an unknown or unreachable host gives one clear error.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import { driverInspect } from '../../src/ops/driver/driver-inspect.js';
import { hostsList } from '../../src/ops/system/hosts-list.js';
import { runOp } from '../../src/core/run-op.js';
import { volumeCreate } from '../../src/ops/volumes/volume-create.js';
import { volumeInspect } from '../../src/ops/volumes/volume-inspect.js';
import { volumeList } from '../../src/ops/volumes/volume-list.js';
import type { Deps } from '../../src/core/ports.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

describeDocker('two engines at once', () => {
  let a: TestEngine;
  let b: TestEngine;
  let deps: Deps;
  const name = uniqueName('mh');

  beforeAll(async () => {
    a = engineByDriver('overlay2');
    b = engineByDriver('btrfs');
    deps = await makeDeps([a, b, { name: 'dead', driver: 'none', url: 'unix:///tmp/storage-ops-no-such.sock' }]);
  });

  afterAll(async () => {
    for (const e of [a, b]) if (e) await docker(e, 'volume', 'rm', '-f', name).catch(() => undefined);
  });

  it('answers from the engine named by host', async () => {
    expect((await runOp(deps, driverInspect, { host: a.name }, { actor })).driver).toBe('overlay2');
    expect((await runOp(deps, driverInspect, { host: b.name }, { actor })).driver).toBe('btrfs');
    expect((await runOp(deps, driverInspect, {}, { actor })).host).toBe(a.name);
  });

  it('creates on one engine only, and the same name on the other is separate', async () => {
    await runOp(deps, volumeCreate, { name, host: b.name, labels: { on: 'b' } }, { actor });
    expect((await runOp(deps, volumeList, { name, host: b.name, sizes: false }, { actor })).volumes.map((v) => v.name)).toEqual([name]);
    expect((await runOp(deps, volumeList, { name, host: a.name, sizes: false }, { actor })).volumes).toEqual([]);
    await runOp(deps, volumeCreate, { name, host: a.name, labels: { on: 'a' } }, { actor });
    const [ia, ib] = await Promise.all([
      runOp(deps, volumeInspect, { name, host: a.name }, { actor }),
      runOp(deps, volumeInspect, { name, host: b.name }, { actor }),
    ]);
    expect(ia.labels).toEqual({ on: 'a' });
    expect(ib.labels).toEqual({ on: 'b' });
    expect(ia.mountpoint).not.toBe(ib.mountpoint);
    expect((await docker(b, 'volume', 'inspect', '--format', '{{.Labels.on}}', name)).trim()).toBe('b');
  });

  it('lists every host with its state; a dead one does not hide the others', async () => {
    const out = await runOp(deps, hostsList, {}, { actor });
    expect(out.hosts.map((h) => [h.name, h.reachable, h.driver])).toEqual([
      [a.name, true, 'overlay2'],
      [b.name, true, 'btrfs'],
      ['dead', false, null],
    ]);
    expect(out.hosts[2]?.error).toMatch(/unreachable: ENOENT/);
  });

  it('gives one clear error for an unknown or unreachable host', async () => {
    const err = await runOp(deps, volumeList, { host: 'nope' }, { actor }).catch((e: unknown) => e as OpsError);
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).toLine()).toBe(`unknown host "nope". Known hosts: ${a.name}, ${b.name}, dead; \`storage-ops hosts\` shows them`);
    const dead = await runOp(deps, volumeList, { host: 'dead' }, { actor }).catch((e: unknown) => e as OpsError);
    expect((dead as OpsError).code).toBe('unavailable');
    expect((dead as OpsError).message).toMatch(/engine "dead" \(unix:\/\/\/tmp\/storage-ops-no-such\.sock\) is unreachable/);
  });
});
