import { describe, expect, it } from 'vitest';
import { diskReport, summarize } from '../../src/ops/system/disk-report.js';
import { runOp } from '../../src/core/run-op.js';
import { renderViewText } from '../../src/core/views/render-text.js';
import { FakeEngine, fakeDeps, testActor } from './fakes.js';

const df = {
  layersSize: 1000,
  images: [
    { id: 'sha256:a', repoTags: ['a:1'], created: '', size: 600, sharedSize: 100, containers: 1 },
    { id: 'sha256:b', repoTags: ['b:1'], created: '', size: 400, sharedSize: 100, containers: 0 },
  ],
  containers: [
    { id: 'c1', name: 'run', image: 'a:1', state: 'running', status: 'Up', created: '', sizeRw: 50, sizeRootFs: 650, volumes: ['v1'] },
    { id: 'c2', name: 'old', image: 'a:1', state: 'exited', status: 'Exited', created: '', sizeRw: 30, sizeRootFs: 630, volumes: [] },
  ],
  volumes: [
    { name: 'v1', driver: 'local', size: 200, refCount: 1 },
    { name: 'v2', driver: 'local', size: 300, refCount: 0 },
    { name: 'nfs', driver: 'local', size: null, refCount: 0 },
  ],
  buildCache: [
    { id: 'b1', type: 'regular', description: '', size: 70, inUse: false, shared: false, lastUsedAt: null },
    { id: 'b2', type: 'regular', description: '', size: 20, inUse: true, shared: false, lastUsedAt: null },
    { id: 'b3', type: 'regular', description: '', size: 99, inUse: false, shared: true, lastUsedAt: null },
  ],
};

describe('summarize', () => {
  it('computes sizes and reclaimable space the way the docker CLI does', () => {
    expect(summarize(df)).toEqual([
      { type: 'Images', total: 2, active: 1, sizeBytes: 1000, reclaimableBytes: 500, reclaimablePercent: 50 },
      { type: 'Containers', total: 2, active: 1, sizeBytes: 80, reclaimableBytes: 30, reclaimablePercent: 37 },
      { type: 'Local Volumes', total: 3, active: 1, sizeBytes: 500, reclaimableBytes: 300, reclaimablePercent: 60 },
      { type: 'Build Cache', total: 3, active: 1, sizeBytes: 90, reclaimableBytes: 70, reclaimablePercent: 77 },
    ]);
  });
});

describe('disk_report', () => {
  it('grades root filesystem usage against the thresholds and reads it on the engine', async () => {
    const engine = new FakeEngine();
    engine.df = df;
    engine.fs = { path: '', filesystem: '/dev/sdb', totalBytes: 100, usedBytes: 85, availableBytes: 15 };
    const deps = await fakeDeps([engine]);
    const out = await runOp(deps, diskReport, {}, { actor: testActor });
    expect(out.rootFilesystem).toMatchObject({ usedPercent: 85, status: 'warning', warnPercent: 80, criticalPercent: 90, path: '/var/lib/docker' });
    expect(engine.calls).toContain('filesystemUsage:/var/lib/docker');
    expect(out.topContainers.map((c) => c.name)).toEqual(['run', 'old']);
    expect(out.topImages.map((i) => i.repoTags[0])).toEqual(['a:1', 'b:1']);
    const critical = await runOp(deps, diskReport, { criticalPercent: 85, warnPercent: 50 }, { actor: testActor });
    expect(critical.rootFilesystem?.status).toBe('critical');
    expect(renderViewText(diskReport.view(out))).toMatch(/85\.0% full.*WARNING/);
  });

  it('still reports everything else when the root filesystem cannot be read', async () => {
    const engine = new FakeEngine();
    engine.fs = new Error('helper image missing');
    const deps = await fakeDeps([engine]);
    const out = await runOp(deps, diskReport, {}, { actor: testActor });
    expect(out.rootFilesystem).toBeNull();
    expect(out.warnings[0]).toMatch(/root filesystem usage unavailable: .*helper image missing/);
    expect(out.summary).toHaveLength(4);
  });
});
