import { listBackups } from '../../backup/catalog.js';
import { formatBytes } from '../../core/format.js';
import { runOp } from '../../core/run-op.js';
import { diskReport } from '../system/disk-report.js';
import { forecastFull } from './forecast.js';
import { recordUsage, usageHistory } from './usage-history.js';
const DAY_MS = 86_400_000;
export async function runReport(deps, spec, ctx) {
    const report = await runOp(deps, diskReport, spec.host ? { host: spec.host } : {}, { actor: ctx.actor, signal: ctx.signal });
    const host = report.host;
    const now = deps.now();
    const history = await usageHistory(deps, host);
    const previous = [...history].reverse().find((s) => s.volumes !== undefined);
    const volumes = Object.fromEntries(report.volumes.map((v) => [v.name, v.size]));
    const fs = report.rootFilesystem;
    if (fs)
        await recordUsage(deps, host, { at: now.toISOString(), usedBytes: fs.usedBytes, capacityBytes: fs.usedBytes + fs.availableBytes, volumes });
    const fullHistory = fs ? await usageHistory(deps, host) : history;
    const forecast = forecastFull(fullHistory.map((s) => ({ at: s.at, usedBytes: s.usedBytes, capacityBytes: s.capacityBytes })), now, spec.trendDays);
    const growth = report.volumes.map((v) => {
        const before = previous?.volumes?.[v.name];
        const grew = v.size !== null && typeof before === 'number' ? v.size - before : null;
        return { volume: v.name, size: v.size, previous: before ?? null, growth: grew, note: previous ? (before === undefined ? 'new since the previous report' : '') : 'first report' };
    });
    const backups = await listBackups(deps, { host });
    const cutoff = now.getTime() - spec.staleBackupDays * DAY_MS;
    const stale = report.volumes
        .map((v) => ({ volume: v.name, last: backups.find((b) => b.volume === v.name)?.createdAt ?? null }))
        .filter((v) => v.last === null || Date.parse(v.last) < cutoff);
    const findings = [];
    if (fs && fs.status !== 'ok') {
        findings.push({ severity: fs.status === 'critical' ? 'critical' : 'warning', message: `root filesystem ${fs.usedPercent} % used (${fs.status} at ${fs.status === 'critical' ? fs.criticalPercent : fs.warnPercent} %)`, advice: '`storage-ops cleanup` previews what can be freed' });
    }
    if (forecast.daysUntilFull !== null && forecast.daysUntilFull < 30) {
        findings.push({ severity: forecast.daysUntilFull < 7 ? 'critical' : 'warning', message: `at the recent trend the filesystem holding ${report.dockerRootDir} is full in ${forecast.daysUntilFull.toFixed(1)} days` });
    }
    for (const s of stale) {
        findings.push({ severity: 'warning', message: `volume ${s.volume} has ${s.last ? `no backup since ${s.last}` : 'never been backed up'} (more than ${spec.staleBackupDays} days)`, advice: `storage-ops backup ${s.volume}${spec.host ? ` --host ${spec.host}` : ''}` });
    }
    for (const w of report.warnings)
        findings.push({ severity: 'warning', message: w });
    const fullText = forecast.daysUntilFull === null ? 'no forecast' : `full in ${forecast.daysUntilFull.toFixed(1)} days`;
    const view = {
        title: `Disk report for ${host} (schedule ${spec.name})`,
        summary: `${fs ? `root filesystem ${fs.usedPercent} % used (${fs.status}), ${fullText}` : 'root filesystem usage unavailable'}; ${report.volumes.length} volume(s); ${stale.length} without a recent backup`,
        fields: [
            { label: 'DockerRootDir', value: report.dockerRootDir },
            { label: 'Used', value: fs?.usedBytes ?? null, type: 'bytes' },
            { label: 'Capacity', value: fs ? fs.usedBytes + fs.availableBytes : null, type: 'bytes' },
            { label: 'Used %', value: fs?.usedPercent ?? null, type: 'percent' },
            { label: 'Growth per day (trend)', value: forecast.bytesPerDay === null ? null : Math.round(forecast.bytesPerDay), type: 'bytes' },
            { label: 'Days until full', value: forecast.daysUntilFull === null ? null : Math.round(forecast.daysUntilFull * 10) / 10 },
            { label: 'Forecast window', value: forecast.note },
        ],
        tables: [
            {
                id: 'summary',
                title: 'Usage by type',
                columns: [
                    { key: 'type', label: 'TYPE', type: 'text' },
                    { key: 'total', label: 'TOTAL', type: 'count' },
                    { key: 'active', label: 'ACTIVE', type: 'count' },
                    { key: 'size', label: 'SIZE', type: 'bytes' },
                    { key: 'reclaimable', label: 'RECLAIMABLE', type: 'bytes' },
                ],
                rows: report.summary.map((r) => ({ type: r.type, total: r.total, active: r.active, size: r.sizeBytes, reclaimable: r.reclaimableBytes })),
            },
            {
                id: 'volume-growth',
                title: previous ? `Volume growth since ${previous.at}` : 'Volumes (growth shows from the next report on)',
                columns: [
                    { key: 'volume', label: 'VOLUME', type: 'text' },
                    { key: 'size', label: 'SIZE', type: 'bytes' },
                    { key: 'growth', label: 'GROWTH', type: 'bytes' },
                    { key: 'note', label: 'NOTE', type: 'text' },
                ],
                rows: growth.map((g) => ({ volume: g.volume, size: g.size, growth: g.growth, note: g.note })),
                empty: `No volumes on ${host}.`,
            },
        ],
        findings,
        charts: fullHistory.length
            ? [
                {
                    id: 'root-usage',
                    title: `Root filesystem usage on ${host}`,
                    kind: 'line',
                    unit: 'percent',
                    points: fullHistory.slice(-200).map((s) => ({ x: s.at, value: s.capacityBytes > 0 ? Math.round((s.usedBytes / s.capacityBytes) * 1000) / 10 : 0 })),
                    thresholds: fs ? [{ label: 'warn', value: fs.warnPercent }, { label: 'critical', value: fs.criticalPercent }] : [],
                },
            ]
            : [],
        notes: [`Largest volumes: ${[...report.volumes].sort((a, b) => (b.size ?? 0) - (a.size ?? 0)).slice(0, 5).map((v) => `${v.name} ${formatBytes(v.size)}`).join(', ') || 'none'}`],
    };
    return {
        view,
        details: {
            host,
            usedPercent: fs?.usedPercent ?? null,
            forecast,
            growth,
            staleBackups: stale,
        },
    };
}
//# sourceMappingURL=kind-report.js.map