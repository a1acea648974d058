/**
 * /metrics on fakes: per-host collection with a cache, a failing engine marked down, escaped
 * labels, the last good backup and the last drill per volume, op calls counted from the kernel's
 * op.finished events, jobs and approvals by status.
 */
import { describe, expect, it } from 'vitest';
import { recordDrill } from '../../src/backup/restore-drill.js';
import { runOp } from '../../src/core/run-op.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';
import { volumeInspect } from '../../src/ops/volumes/volume-inspect.js';
import { createMetricsCollector } from '../../src/ops/system/metrics.js';
import { FakeEngine, fakeDeps, fakeVolume, testActor } from './fakes.js';
import { buildTar } from './tar-builder.js';

describe('metrics', () => {
  it('collects per host, marks a failing engine down, escapes labels, and reuses a collection within the cache window', async () => {
    const up = new FakeEngine({ name: 'up', url: 'unix:///up' });
    up.df.volumes = [
      { name: 'v', driver: 'local', size: 10, refCount: 1 },
      { name: 'we"ird\\', driver: 'local', size: 5, refCount: 0 },
    ];
    const down = new FakeEngine({ name: 'down', url: 'unix:///down' });
    down.info = async () => {
      throw new Error('connect ENOENT');
    };
    const deps = await fakeDeps([up, down], { metrics: { cacheSeconds: 60 } });
    const metrics = createMetricsCollector(deps);
    try {
      expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await metrics.collect();
      expect(text).toContain('# HELP storage_ops_volume_size_bytes size of each local volume\n# TYPE storage_ops_volume_size_bytes gauge\n');
      expect(text).toContain('storage_ops_engine_up{host="up"} 1');
      expect(text).toContain('storage_ops_engine_up{host="down"} 0');
      expect(text).toContain('storage_ops_root_fs_used_ratio{host="up",path="/var/lib/docker"} 0.5');
      expect(text).toContain('storage_ops_volume_size_bytes{host="up",volume="v"} 10');
      expect(text).toContain('storage_ops_volume_size_bytes{host="up",volume="we\\"ird\\\\"} 5');
      expect(text).toContain('storage_ops_docker_size_bytes{host="up",kind="volumes"} 15');
      expect(text).toContain('storage_ops_approvals_pending 0');
      expect(text).toContain('storage_ops_threshold_ratio{level="critical"} 0.9');
      const calls = up.calls.length;
      await metrics.collect();
      expect(up.calls.length).toBe(calls);
    } finally {
      metrics.stop();
    }
  });

  it('per volume: the last good backup and the last drill; op calls, errors and durations; jobs and approvals by status', async () => {
    const engine = new FakeEngine({ name: 'prod-1', url: 'unix:///prod-1' });
    engine.volumes = [fakeVolume('db'), fakeVolume('cache')];
    engine.volumeTars.set('db', buildTar([{ name: 'a', content: 'x'.repeat(100) }]));
    const deps = await fakeDeps([engine]);
    const metrics = createMetricsCollector(deps);
    try {
      const { backups } = await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor: testActor });
      const b = backups[0]!;
      await expect(runOp(deps, volumeInspect, { name: 'gone' }, { actor: testActor })).rejects.toThrow();
      const at = new Date('2026-12-01T04:00:00Z');
      await recordDrill(deps, { volume: 'db', host: 'prod-1', backupId: b.id, backupCreatedAt: b.createdAt, ok: true, failure: null, checks: [], scratch: 's', scratchRemoved: true, durationMs: 1500, notes: [] }, at);
      await recordDrill(deps, { volume: 'cache', host: 'prod-1', backupId: null, backupCreatedAt: null, ok: false, failure: 'no backup', checks: [], scratch: '', scratchRemoved: true, durationMs: 0, notes: [] }, at);

      const text = await metrics.collect();
      const record = (await deps.state.read()).backups as Array<{ id: string; finishedAt: string; archive: { bytes: number }; durationMs: number }>;
      const m = record.find((r) => r.id === b.id)!;
      expect(text).toContain(`storage_ops_volume_last_backup_timestamp_seconds{host="prod-1",volume="db"} ${Date.parse(m.finishedAt) / 1000}`);
      expect(text).toContain(`storage_ops_volume_last_backup_size_bytes{host="prod-1",volume="db"} ${m.archive.bytes}`);
      expect(text).toContain(`storage_ops_volume_last_backup_duration_seconds{host="prod-1",volume="db"} ${m.durationMs / 1000}`);
      expect(text).not.toContain('storage_ops_volume_last_backup_timestamp_seconds{host="prod-1",volume="cache"}');
      expect(text).toContain('storage_ops_drill_success{host="prod-1",volume="db"} 1');
      expect(text).toContain('storage_ops_drill_success{host="prod-1",volume="cache"} 0');
      expect(text).toContain(`storage_ops_drill_last_timestamp_seconds{host="prod-1",volume="db"} ${at.getTime() / 1000}`);
      expect(text).toContain('storage_ops_drill_duration_seconds{host="prod-1",volume="db"} 1.5');
      expect(text).toContain('storage_ops_op_calls_total{op="volume_backup",source="cli",outcome="ok"} 1');
      expect(text).toContain('storage_ops_op_calls_total{op="volume_inspect",source="cli",outcome="error"} 1');
      expect(text).toContain('storage_ops_op_errors_total{op="volume_inspect",code="not_found"} 1');
      expect(text).toMatch(/storage_ops_op_duration_seconds_count\{op="volume_backup"\} 1/);
      expect(text).toContain('storage_ops_jobs{status="running"} 0');
      expect(text).toContain('storage_ops_approvals{status="pending"} 0');

      // A backup that failed verification is not the last good one.
      await deps.state.update((data) => {
        for (const r of data.backups as Array<{ id: string; verification: unknown }>) if (r.id === b.id) r.verification = { at: at.toISOString(), ok: false, level: 'full', detail: 'damaged' };
      });
      expect(await metrics.collect()).not.toContain('storage_ops_volume_last_backup_timestamp_seconds{host="prod-1",volume="db"}');
    } finally {
      metrics.stop();
    }
  });
});
