import { describe, expect, it } from 'vitest';
import { createMetricsCollector, formatPrometheus } from '../../src/ops/system/metrics.js';
import { FakeEngine, fakeDeps } from './fakes.js';

describe('metrics', () => {
  it('formats samples with HELP/TYPE and escaped labels', () => {
    expect(formatPrometheus([{ name: 'storage_ops_volume_size_bytes', labels: { host: 'a', volume: 'we"ird\\' }, value: 5 }])).toBe(
      '# HELP storage_ops_volume_size_bytes size of each local volume\n# TYPE storage_ops_volume_size_bytes gauge\nstorage_ops_volume_size_bytes{host="a",volume="we\\"ird\\\\"} 5\n',
    );
  });

  it('collects per host, marks a failing engine down, and reuses a collection within the cache window', async () => {
    const up = new FakeEngine({ name: 'up', url: 'unix:///up' });
    up.df.volumes = [{ name: 'v', driver: 'local', size: 10, refCount: 1 }];
    const down = new FakeEngine({ name: 'down', url: 'unix:///down' });
    down.info = async () => {
      throw new Error('connect ENOENT');
    };
    const deps = await fakeDeps([up, down], { metrics: { cacheSeconds: 60 } });
    const collect = createMetricsCollector(deps);
    const text = await collect();
    expect(text).toContain('storage_ops_engine_up{host="up"} 1');
    expect(text).toContain('storage_ops_engine_up{host="down"} 0');
    expect(text).toContain('storage_ops_root_fs_used_ratio{host="up",path="/var/lib/docker"} 0.5');
    expect(text).toContain('storage_ops_volume_size_bytes{host="up",volume="v"} 10');
    expect(text).toContain('storage_ops_docker_size_bytes{host="up",kind="volumes"} 10');
    expect(text).toContain('storage_ops_approvals_pending 0');
    const calls = up.calls.length;
    await collect();
    expect(up.calls.length).toBe(calls);
  });
});
