/**
 * Prometheus metrics for `serve`'s /metrics, built with prom-client. Per engine: whether it
 * answers, root filesystem usage, `docker system df` sizes and reclaimable space per kind, volume
 * sizes. Per volume: the last good backup's time, size and duration (from the backup catalog) and
 * the last restore drill's outcome. Op calls handled by this process (Slack, MCP over HTTP,
 * schedules, jobs run here): counts by outcome, errors by code, durations. Jobs and approvals by
 * status (from the state file, so every process sharing the data dir counts). Engine collections
 * are cached per host (config metrics.cacheSeconds) because reading the root filesystem starts a
 * helper container. Not an op: scrapes would flood the audit log.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { drillRecords } from '../../backup/restore-drill.js';
import { resticStoreStats } from '../../backup/restic-stats.js';
import { toOpsError } from '../../core/errors.js';
import { jobsOf } from '../../core/jobs.js';
import { ApprovalStatusSchema } from '../../core/approval-record.js';
import { JobStatusSchema } from '../../core/job-record.js';
import type { Deps, StateData } from '../../core/ports.js';
import type { BackupRecord } from '../../state/backup-record.js';
import { summarize } from './disk-report.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Engine metrics: name → help and label names. All gauges, filled from one cached collection per host. */
const ENGINE_GAUGES: Record<string, [string, string[]]> = {
  storage_ops_engine_up: ['1 when the engine answered the last collection', ['host']],
  storage_ops_collect_duration_seconds: ['time the last collection for the engine took', ['host']],
  storage_ops_root_fs_size_bytes: ['size of the filesystem holding DockerRootDir', ['host', 'path']],
  storage_ops_root_fs_used_bytes: ['used bytes on the filesystem holding DockerRootDir', ['host', 'path']],
  storage_ops_root_fs_avail_bytes: ['available bytes on the filesystem holding DockerRootDir', ['host', 'path']],
  storage_ops_root_fs_used_ratio: ['used / (used + available), as df computes it', ['host', 'path']],
  storage_ops_docker_objects: ['objects per kind (docker system df TOTAL)', ['host', 'kind']],
  storage_ops_docker_active_objects: ['active objects per kind (docker system df ACTIVE)', ['host', 'kind']],
  storage_ops_docker_size_bytes: ['size per kind (docker system df SIZE)', ['host', 'kind']],
  storage_ops_docker_reclaimable_bytes: ['reclaimable bytes per kind (docker system df RECLAIMABLE)', ['host', 'kind']],
  storage_ops_volume_size_bytes: ['size of each local volume', ['host', 'volume']],
  storage_ops_volume_links: ['containers referencing each volume', ['host', 'volume']],
};

const KIND: Record<string, string> = { Images: 'images', Containers: 'containers', 'Local Volumes': 'volumes', 'Build Cache': 'build_cache' };

async function collectHost(deps: Deps, host: string): Promise<Sample[]> {
  const started = Date.now();
  const samples: Sample[] = [];
  const l = { host };
  try {
    const engine = deps.engines.get(host);
    const [info, df] = await Promise.all([engine.info(), engine.systemDf()]);
    samples.push({ name: 'storage_ops_engine_up', labels: l, value: 1 });
    try {
      const fs = await engine.filesystemUsage(info.dockerRootDir);
      const fl = { host, path: info.dockerRootDir };
      samples.push(
        { name: 'storage_ops_root_fs_size_bytes', labels: fl, value: fs.totalBytes },
        { name: 'storage_ops_root_fs_used_bytes', labels: fl, value: fs.usedBytes },
        { name: 'storage_ops_root_fs_avail_bytes', labels: fl, value: fs.availableBytes },
        { name: 'storage_ops_root_fs_used_ratio', labels: fl, value: fs.usedBytes + fs.availableBytes > 0 ? fs.usedBytes / (fs.usedBytes + fs.availableBytes) : 0 },
      );
    } catch (err) {
      deps.log.warn('metrics: root filesystem unreadable', { host, error: toOpsError(err).message });
    }
    for (const row of summarize(df)) {
      const kl = { host, kind: KIND[row.type] ?? row.type };
      samples.push(
        { name: 'storage_ops_docker_objects', labels: kl, value: row.total },
        { name: 'storage_ops_docker_active_objects', labels: kl, value: row.active },
        { name: 'storage_ops_docker_size_bytes', labels: kl, value: row.sizeBytes },
        { name: 'storage_ops_docker_reclaimable_bytes', labels: kl, value: row.reclaimableBytes },
      );
    }
    for (const v of df.volumes) {
      if (v.size !== null) samples.push({ name: 'storage_ops_volume_size_bytes', labels: { host, volume: v.name }, value: v.size });
      samples.push({ name: 'storage_ops_volume_links', labels: { host, volume: v.name }, value: v.refCount });
    }
  } catch (err) {
    samples.push({ name: 'storage_ops_engine_up', labels: l, value: 0 });
    deps.log.warn('metrics: engine unreachable', { host, error: toOpsError(err).message });
  }
  samples.push({ name: 'storage_ops_collect_duration_seconds', labels: l, value: (Date.now() - started) / 1000 });
  return samples;
}

/** The newest backup per host and volume that did not fail verification. */
function lastGoodBackups(data: StateData): BackupRecord[] {
  const list = Array.isArray(data.backups) ? (data.backups as BackupRecord[]) : [];
  const newest = new Map<string, BackupRecord>();
  for (const b of list) {
    if (b.verification && !b.verification.ok) continue;
    const key = `${b.host}\u0000${b.volume}`;
    const seen = newest.get(key);
    if (!seen || Date.parse(b.finishedAt) > Date.parse(seen.finishedAt)) newest.set(key, b);
  }
  return [...newest.values()];
}

export interface MetricsCollector {
  /** The exposition text for one scrape. */
  collect(): Promise<string>;
  contentType: string;
  /** Stops counting op calls. */
  stop(): void;
}

export function createMetricsCollector(deps: Deps): MetricsCollector {
  const registry = new Registry();
  const engineGauges = new Map(
    Object.entries(ENGINE_GAUGES).map(([name, [help, labelNames]]) => [name, new Gauge({ name, help, labelNames, registers: [registry] })]),
  );
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge => new Gauge({ name, help, labelNames, registers: [registry] });
  const threshold = gauge('storage_ops_threshold_ratio', 'configured root filesystem thresholds', ['level']);
  const pending = gauge('storage_ops_approvals_pending', 'approval requests waiting for a decision (not expired)');
  const approvals = gauge('storage_ops_approvals', 'approval requests in the state file by status', ['status']);
  const jobs = gauge('storage_ops_jobs', 'jobs in the state file by status (every process sharing the data dir)', ['status']);
  const backupTime = gauge('storage_ops_volume_last_backup_timestamp_seconds', 'when the newest good backup of the volume finished (unix time)', ['host', 'volume']);
  const backupSize = gauge('storage_ops_volume_last_backup_size_bytes', 'archive size of the newest good backup of the volume', ['host', 'volume']);
  const backupDuration = gauge('storage_ops_volume_last_backup_duration_seconds', 'how long the newest good backup of the volume took', ['host', 'volume']);
  const drillOk = gauge('storage_ops_drill_success', '1 when the last restore drill of the volume restored it as backed up, 0 when it failed', ['host', 'volume']);
  const drillTime = gauge('storage_ops_drill_last_timestamp_seconds', 'when the last restore drill of the volume ran (unix time)', ['host', 'volume']);
  const drillDuration = gauge('storage_ops_drill_duration_seconds', 'how long the last restore drill of the volume took', ['host', 'volume']);
  const storeBytes = gauge('storage_ops_backup_store_bytes', 'restic backup store size: stored (after deduplication and compression) and logical (what its snapshots restore to)', ['store', 'kind']);
  const storeSnapshots = gauge('storage_ops_backup_store_snapshots', 'snapshots in the restic backup store', ['store']);
  const storeRatio = gauge('storage_ops_backup_store_dedup_ratio', 'logical bytes / stored bytes of the restic backup store', ['store']);
  const calls = new Counter({ name: 'storage_ops_op_calls_total', help: 'op calls handled by this process, by outcome', labelNames: ['op', 'source', 'outcome'], registers: [registry] });
  const errors = new Counter({ name: 'storage_ops_op_errors_total', help: 'failed op calls handled by this process, by error code', labelNames: ['op', 'code'], registers: [registry] });
  const durations = new Histogram({
    name: 'storage_ops_op_duration_seconds',
    help: 'run time of op calls handled by this process',
    labelNames: ['op'],
    buckets: [0.01, 0.05, 0.25, 1, 5, 30, 120, 600, 3600],
    registers: [registry],
  });
  const unsubscribe = deps.events.subscribe((e) => {
    if (e.type !== 'op.finished') return;
    const c = e.call;
    calls.inc({ op: c.op, source: c.source, outcome: c.outcome });
    if (c.outcome === 'error') errors.inc({ op: c.op, code: c.errorCode ?? 'unknown' });
    durations.observe({ op: c.op }, c.durationMs / 1000);
  });

  const cache = new Map<string, { at: number; samples: Promise<Sample[]> }>();
  return {
    contentType: registry.contentType,
    stop: unsubscribe,
    async collect() {
      const ttl = deps.config.metrics.cacheSeconds * 1000;
      const perHost = await Promise.all(
        deps.engines.hosts().map(({ name }) => {
          const hit = cache.get(name);
          if (hit && Date.now() - hit.at < ttl) return hit.samples;
          const samples = collectHost(deps, name);
          cache.set(name, { at: Date.now(), samples });
          return samples;
        }),
      );
      // Reset first: a volume or host that is gone must not linger with its last value.
      for (const g of engineGauges.values()) g.reset();
      for (const s of perHost.flat()) engineGauges.get(s.name)?.set(s.labels, Number.isFinite(s.value) ? s.value : 0);

      const { warnPercent, criticalPercent } = deps.config.thresholds;
      threshold.set({ level: 'warning' }, warnPercent / 100);
      threshold.set({ level: 'critical' }, criticalPercent / 100);

      const data = await deps.state.read();
      const now = Date.now();
      const approvalList = data.approvals ?? [];
      pending.set(approvalList.filter((a) => a.status === 'pending' && Date.parse(a.expiresAt) > now).length);
      for (const status of ApprovalStatusSchema.options) approvals.set({ status }, approvalList.filter((a) => a.status === status).length);
      const jobList = jobsOf(structuredClone(data));
      for (const status of JobStatusSchema.options) jobs.set({ status }, jobList.filter((j) => j.status === status).length);

      for (const g of [backupTime, backupSize, backupDuration, drillOk, drillTime, drillDuration]) g.reset();
      for (const b of lastGoodBackups(data)) {
        const l = { host: b.host, volume: b.volume };
        backupTime.set(l, Date.parse(b.finishedAt) / 1000);
        backupSize.set(l, b.archive.bytes);
        backupDuration.set(l, b.durationMs / 1000);
      }
      for (const d of drillRecords(data)) {
        const l = { host: d.host, volume: d.volume };
        drillOk.set(l, d.ok ? 1 : 0);
        drillTime.set(l, Date.parse(d.at) / 1000);
        drillDuration.set(l, d.durationMs / 1000);
      }
      for (const g of [storeBytes, storeSnapshots, storeRatio]) g.reset();
      for (const st of await resticStoreStats(deps)) {
        if (st.storedBytes !== null) storeBytes.set({ store: st.name, kind: 'stored' }, st.storedBytes);
        if (st.logicalBytes !== null) storeBytes.set({ store: st.name, kind: 'logical' }, st.logicalBytes);
        if (st.snapshots !== null) storeSnapshots.set({ store: st.name }, st.snapshots);
        if (st.dedupRatio !== null) storeRatio.set({ store: st.name }, st.dedupRatio);
      }
      return registry.metrics();
    },
  };
}
