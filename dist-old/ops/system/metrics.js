/**
 * Prometheus metrics for `serve`'s /metrics: per engine, whether it answers, root filesystem
 * usage, `docker system df` sizes and reclaimable space per kind, and volume sizes; plus pending
 * approvals. Collections are cached per host (config metrics.cacheSeconds) because reading the
 * root filesystem starts a helper container. Not an op: scrapes would flood the audit log.
 */
import { toOpsError } from '../../core/errors.js';
import { summarize } from './disk-report.js';
const HELP = {
    storage_ops_engine_up: ['1 when the engine answered the last collection', 'gauge'],
    storage_ops_collect_duration_seconds: ['time the last collection for the engine took', 'gauge'],
    storage_ops_root_fs_size_bytes: ['size of the filesystem holding DockerRootDir', 'gauge'],
    storage_ops_root_fs_used_bytes: ['used bytes on the filesystem holding DockerRootDir', 'gauge'],
    storage_ops_root_fs_avail_bytes: ['available bytes on the filesystem holding DockerRootDir', 'gauge'],
    storage_ops_root_fs_used_ratio: ['used / (used + available), as df computes it', 'gauge'],
    storage_ops_docker_objects: ['objects per kind (docker system df TOTAL)', 'gauge'],
    storage_ops_docker_active_objects: ['active objects per kind (docker system df ACTIVE)', 'gauge'],
    storage_ops_docker_size_bytes: ['size per kind (docker system df SIZE)', 'gauge'],
    storage_ops_docker_reclaimable_bytes: ['reclaimable bytes per kind (docker system df RECLAIMABLE)', 'gauge'],
    storage_ops_volume_size_bytes: ['size of each local volume', 'gauge'],
    storage_ops_volume_links: ['containers referencing each volume', 'gauge'],
    storage_ops_threshold_ratio: ['configured root filesystem thresholds', 'gauge'],
    storage_ops_approvals_pending: ['approval requests waiting for a decision', 'gauge'],
};
const KIND = { Images: 'images', Containers: 'containers', 'Local Volumes': 'volumes', 'Build Cache': 'build_cache' };
const escape = (v) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
export function formatPrometheus(samples) {
    const out = [];
    for (const [name, [help, type]] of Object.entries(HELP)) {
        const mine = samples.filter((s) => s.name === name);
        if (mine.length === 0)
            continue;
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        for (const s of mine) {
            const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
            out.push(`${name}${labels ? `{${labels}}` : ''} ${Number.isFinite(s.value) ? s.value : 0}`);
        }
    }
    return out.join('\n') + '\n';
}
async function collectHost(deps, host) {
    const started = Date.now();
    const samples = [];
    const l = { host };
    try {
        const engine = deps.engines.get(host);
        const [info, df] = await Promise.all([engine.info(), engine.systemDf()]);
        samples.push({ name: 'storage_ops_engine_up', labels: l, value: 1 });
        try {
            const fs = await engine.filesystemUsage(info.dockerRootDir);
            const fl = { host, path: info.dockerRootDir };
            samples.push({ name: 'storage_ops_root_fs_size_bytes', labels: fl, value: fs.totalBytes }, { name: 'storage_ops_root_fs_used_bytes', labels: fl, value: fs.usedBytes }, { name: 'storage_ops_root_fs_avail_bytes', labels: fl, value: fs.availableBytes }, { name: 'storage_ops_root_fs_used_ratio', labels: fl, value: fs.usedBytes + fs.availableBytes > 0 ? fs.usedBytes / (fs.usedBytes + fs.availableBytes) : 0 });
        }
        catch (err) {
            deps.log.warn('metrics: root filesystem unreadable', { host, error: toOpsError(err).message });
        }
        for (const row of summarize(df)) {
            const kl = { host, kind: KIND[row.type] ?? row.type };
            samples.push({ name: 'storage_ops_docker_objects', labels: kl, value: row.total }, { name: 'storage_ops_docker_active_objects', labels: kl, value: row.active }, { name: 'storage_ops_docker_size_bytes', labels: kl, value: row.sizeBytes }, { name: 'storage_ops_docker_reclaimable_bytes', labels: kl, value: row.reclaimableBytes });
        }
        for (const v of df.volumes) {
            if (v.size !== null)
                samples.push({ name: 'storage_ops_volume_size_bytes', labels: { host, volume: v.name }, value: v.size });
            samples.push({ name: 'storage_ops_volume_links', labels: { host, volume: v.name }, value: v.refCount });
        }
    }
    catch (err) {
        samples.push({ name: 'storage_ops_engine_up', labels: l, value: 0 });
        deps.log.warn('metrics: engine unreachable', { host, error: toOpsError(err).message });
    }
    samples.push({ name: 'storage_ops_collect_duration_seconds', labels: l, value: (Date.now() - started) / 1000 });
    return samples;
}
/** A /metrics handler body with a per-host cache. */
export function createMetricsCollector(deps) {
    const cache = new Map();
    return async () => {
        const ttl = deps.config.metrics.cacheSeconds * 1000;
        const perHost = await Promise.all(deps.engines.hosts().map(({ name }) => {
            const hit = cache.get(name);
            if (hit && Date.now() - hit.at < ttl)
                return hit.samples;
            const samples = collectHost(deps, name);
            cache.set(name, { at: Date.now(), samples });
            return samples;
        }));
        const { warnPercent, criticalPercent } = deps.config.thresholds;
        const pending = ((await deps.state.read()).approvals ?? []).filter((a) => a.status === 'pending' && Date.parse(a.expiresAt) > Date.now()).length;
        return formatPrometheus([
            ...perHost.flat(),
            { name: 'storage_ops_threshold_ratio', labels: { level: 'warning' }, value: warnPercent / 100 },
            { name: 'storage_ops_threshold_ratio', labels: { level: 'critical' }, value: criticalPercent / 100 },
            { name: 'storage_ops_approvals_pending', labels: {}, value: pending },
        ]);
    };
}
//# sourceMappingURL=metrics.js.map