/**
 * volume_benchmark with a real fio in a helper container on a real engine: figures come back
 * for each direction, the volume is left as it was, and a failing run is explained and cleaned.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { volumeBenchmark } from '../../src/ops/volumes/volume-benchmark.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

describeDocker('volume_benchmark', () => {
  let engine: TestEngine;
  let deps: Deps;
  const vol = uniqueName('bench');
  const small = uniqueName('bench_tmpfs');

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    deps = await makeDeps([engine]);
    await docker(engine, 'volume', 'create', vol);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${vol}:/d`, HELPER_TAG, 'sh', '-c', 'echo keep > /d/existing');
    await docker(engine, 'volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=4m', small);
  });

  afterAll(async () => {
    if (engine) await docker(engine, 'volume', 'rm', '-f', vol, small).catch(() => undefined);
  });

  const listing = async (v: string): Promise<string> => docker(engine, 'run', '--rm', '--network', 'none', '-v', `${v}:/d`, HELPER_TAG, 'ls', '-A', '/d');

  it('reports IOPS, bandwidth and latency per direction and leaves the volume as it was', async () => {
    const progress: number[] = [];
    const out = await runOp(deps, volumeBenchmark, { name: vol, runtime: 2, size: '16m', rw: 'randrw' }, { actor, onProgress: (p) => progress.push(p.done ?? 0) });
    expect(out.fioVersion).toMatch(/^fio-/);
    for (const d of [out.read, out.write]) {
      expect(d?.iops).toBeGreaterThan(0);
      expect(d?.bandwidthBytesPerSec).toBeGreaterThan(0);
      expect(d?.latencyUs.p99).toBeGreaterThanOrEqual(d?.latencyUs.p50 ?? 0);
    }
    expect(progress.length).toBeGreaterThan(0);
    const write = await runOp(deps, volumeBenchmark, { name: vol, runtime: 1, size: '8m', rw: 'write', bs: '1m' }, { actor });
    expect(write.read).toBeNull();
    expect(write.write?.ioBytes).toBeGreaterThan(0);
    expect((await listing(vol)).trim()).toBe('existing');
  });

  it('works with a helper image whose USER is not root (helpers run as root), leaving no volumes behind', async () => {
    const tmp = uniqueName('nonroot');
    await docker(engine, 'create', '--name', tmp, HELPER_TAG, 'true');
    await docker(engine, 'commit', '--change', 'USER 65534:65534', '--change', 'VOLUME ["/scratch"]', tmp, 'storage-ops-helper:nonroot');
    await docker(engine, 'rm', tmp);
    const before = (await docker(engine, 'volume', 'ls', '-q')).split('\n').filter(Boolean).sort();
    const nonRoot = await makeDeps([engine], { helperImage: 'storage-ops-helper:nonroot' });
    const out = await runOp(nonRoot, volumeBenchmark, { name: vol, runtime: 1, size: '8m', rw: 'write' }, { actor });
    expect(out.write?.ioBytes).toBeGreaterThan(0);
    expect((await docker(engine, 'volume', 'ls', '-q')).split('\n').filter(Boolean).sort()).toEqual(before);
    await docker(engine, 'rmi', 'storage-ops-helper:nonroot');
  });

  it('a run that fails says why and what to try, and cleans up', async () => {
    const err = await runOp(deps, volumeBenchmark, { name: small, runtime: 1, size: '64m', direct: false, ioEngine: 'psync' }, { actor }).catch((e: unknown) => e as OpsError);
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).toLine()).toMatch(/^fio failed on volume ".*" \(exit \d+\): .*No space left.*Use a smaller --size/);
    expect((await listing(small)).trim()).toBe('');
    const missing = await runOp(deps, volumeBenchmark, { name: 'no_such_volume_x' }, { actor }).catch((e: unknown) => e as OpsError);
    expect((missing as OpsError).code).toBe('not_found');
  });

  it('cancelling stops fio and removes its files', async () => {
    const ac = new AbortController();
    const run = runOp(deps, volumeBenchmark, { name: vol, runtime: 60, size: '16m' }, { actor, signal: ac.signal });
    setTimeout(() => ac.abort(), 1500);
    const err = await run.catch((e: unknown) => e as OpsError);
    expect((err as OpsError).code).toBe('cancelled');
    expect((await listing(vol)).trim()).toBe('existing');
    expect((await docker(engine, 'ps', '-aq', '--filter', 'label=storage-ops.helper')).trim()).toBe('');
  });
});
