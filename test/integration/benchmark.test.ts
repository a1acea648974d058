/**
 * volume_benchmark with a real fio in a helper container on a real engine: figures come back
 * for each direction, the volume is left as it was, and a failing run is explained and cleaned.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { volumeBenchmark } from '../../src/ops/volumes/volume-benchmark.js';
import { benchmarkList } from '../../src/ops/volumes/benchmark-list.js';
import { renderViewText } from '../../src/core/views/render-text.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

describeDocker('volume_benchmark', () => {
  let engine: TestEngine;
  let deps: Deps;
  const vol = uniqueName('bench');
  const small = uniqueName('bench_tmpfs');
  const roomy = uniqueName('bench_tmpfs_roomy');
  const fewInodes = uniqueName('bench_tmpfs_inodes');
  const peer = uniqueName('bench_peer');

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    deps = await makeDeps([engine]);
    await docker(engine, 'volume', 'create', vol);
    await docker(engine, 'volume', 'create', peer);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${vol}:/d`, HELPER_TAG, 'sh', '-c', 'echo keep > /d/existing');
    await docker(engine, 'volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=32m', small);
    await docker(engine, 'volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=64m', roomy);
    await docker(engine, 'volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=64m,nr_inodes=2', fewInodes);
  });

  afterAll(async () => {
    if (engine) await docker(engine, 'volume', 'rm', '-f', vol, small, roomy, fewInodes, peer).catch(() => undefined);
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
    expect(out.previous).toBeNull();
    const write = await runOp(deps, volumeBenchmark, { name: vol, runtime: 1, size: '8m', rw: 'write', bs: '1m' }, { actor });
    expect(write.read).toBeNull();
    expect(write.write?.ioBytes).toBeGreaterThan(0);
    // Other parameters: not compared with the randrw run.
    expect(write.previous).toBeNull();
    expect((await listing(vol)).trim()).toBe('existing');
  });

  it('a second run with the same parameters shows the change against the first; the history compares volumes', async () => {
    const params = { runtime: 1, size: '8m', rw: 'randread' as const, bs: '4k' as const };
    const first = await runOp(deps, volumeBenchmark, { name: vol, ...params }, { actor });
    const second = await runOp(deps, volumeBenchmark, { name: vol, ...params }, { actor });
    expect(second.previous?.id).toBe(first.id);
    expect(second.previous?.read?.iops).toBe(first.read?.iops);
    const text = renderViewText(volumeBenchmark.view(second));
    const pct = ((second.read!.iops - first.read!.iops) / first.read!.iops) * 100;
    expect(text).toContain(`Change since the previous run (${first.id}`);
    const changeLines = text.slice(text.indexOf('Change since')).split('\n');
    // Columns: direction, IOPS before, IOPS change, bandwidth change, p99 change.
    const row = changeLines.find((l) => l.startsWith('read '));
    expect(row, text).toBeDefined();
    const cells = row!.trim().split(/\s+/);
    expect(Number(cells[1])).toBe(first.read!.iops);
    expect(Number(cells[2]!.replace('%', ''))).toBeCloseTo(pct, 0);

    const other = await runOp(deps, volumeBenchmark, { name: peer, ...params }, { actor });
    const list = await runOp(deps, benchmarkList, {}, { actor });
    const latest = list.latest.filter((r) => r.params.rw === 'randread' && r.params.size === '8m');
    expect(latest.map((r) => r.id).sort()).toEqual([second.id, other.id].sort());
    expect(list.runs.map((r) => r.id)).toEqual(expect.arrayContaining([first.id, second.id, other.id]));
    const listText = renderViewText(benchmarkList.view(list));
    expect(listText).toMatch(new RegExp(`^${vol}\\s+\\S+\\s+randread 4k\\s+${second.read!.iops}\\s`, 'm'));
    expect(listText).toMatch(new RegExp(`^${peer}\\s+\\S+\\s+randread 4k\\s+${other.read!.iops}\\s`, 'm'));
    // The chart compares volumes measured with the same parameters: the newest such set.
    const chart = benchmarkList.view(list).charts?.[0];
    expect(chart?.title).toContain('randread 4k');
    expect(chart?.points.map((p) => p.x).sort()).toEqual([peer, vol].sort());
    const onlyVol = await runOp(deps, benchmarkList, { volume: vol }, { actor });
    expect(onlyVol.runs.every((r) => r.volume === vol)).toBe(true);
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

  it('a --size larger than the free space is refused before fio starts, saying how much is free', async () => {
    const runsBefore = (await runOp(deps, benchmarkList, { volume: small }, { actor })).total;
    const err = await runOp(deps, volumeBenchmark, { name: small, runtime: 1, size: '64m', direct: false, ioEngine: 'psync' }, { actor }).catch((e: unknown) => e as OpsError);
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).code).toBe('invalid_input');
    expect((err as OpsError).toLine()).toMatch(/^bench needs 83\.89MB on volume ".*" \(--size 64m x 1 job\(s\) plus 16\.78MB to spare\), but only 33\.\d+MB is free there; fio was not started/);
    expect((err as OpsError).hint).toMatch(/at most 16m per job/);
    expect((await listing(small)).trim()).toBe('');
    expect((await runOp(deps, benchmarkList, { volume: small }, { actor })).total).toBe(runsBefore);
  });

  it('a run that fails says why and what to try, and cleans up', async () => {
    // Space enough by df, but no inodes left for fio's files.
    const err = await runOp(deps, volumeBenchmark, { name: fewInodes, runtime: 1, size: '1m', direct: false, ioEngine: 'psync' }, { actor }).catch((e: unknown) => e as OpsError);
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).toLine()).toMatch(/^fio failed on volume ".*" \(exit \d+\): .*No space left.*out of space or inodes/);
    expect((await listing(fewInodes)).trim()).toBe('');
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
