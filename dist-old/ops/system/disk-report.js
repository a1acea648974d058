/**
 * disk_report: everything `docker system df -v` shows (images, containers, local volumes, build
 * cache, with counts, sizes and reclaimable space computed the way the docker CLI does), plus the
 * usage of the filesystem holding DockerRootDir against warn/critical thresholds and the five
 * largest containers and images (seed §6.2). Works against remote engines: the filesystem is read
 * through a helper container on the engine, never from this process's own disk.
 */
import { z } from 'zod';
import { toOpsError } from '../../core/errors.js';
import { hostField } from '../shared/common-inputs.js';
import { formatBytes, formatPercent, shortId } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
const SummaryRow = z.object({
    type: z.enum(['Images', 'Containers', 'Local Volumes', 'Build Cache']),
    total: z.number().int(),
    active: z.number().int(),
    sizeBytes: z.number(),
    reclaimableBytes: z.number(),
    reclaimablePercent: z.number().describe('reclaimable share of size, 0-100'),
});
const RootFs = z.object({
    path: z.string(),
    filesystem: z.string(),
    totalBytes: z.number(),
    usedBytes: z.number(),
    availableBytes: z.number(),
    usedPercent: z.number().describe('as df computes it: used / (used + available)'),
    status: z.enum(['ok', 'warning', 'critical']),
    warnPercent: z.number(),
    criticalPercent: z.number(),
});
const Image = z.object({
    id: z.string(),
    repoTags: z.array(z.string()),
    created: z.string(),
    size: z.number(),
    sharedSize: z.number().describe('-1 when the engine did not compute it'),
    uniqueSize: z.number(),
    containers: z.number(),
});
const Container = z.object({
    id: z.string(),
    name: z.string(),
    image: z.string(),
    state: z.string(),
    status: z.string(),
    sizeRw: z.number().describe('bytes written in the container layer'),
    sizeRootFs: z.number().describe('container layer plus its image'),
    volumes: z.array(z.string()),
});
const Output = z.object({
    host: z.string(),
    dockerRootDir: z.string(),
    driver: z.string(),
    rootFilesystem: RootFs.nullable().describe('null when it could not be read (see warnings)'),
    summary: z.array(SummaryRow),
    images: z.array(Image),
    containers: z.array(Container),
    volumes: z.array(z.object({ name: z.string(), driver: z.string(), size: z.number().nullable(), refCount: z.number() })),
    buildCache: z.array(z.object({ id: z.string(), type: z.string(), description: z.string(), size: z.number(), inUse: z.boolean(), shared: z.boolean(), lastUsedAt: z.string().nullable() })),
    topContainers: z.array(Container).describe('five largest by writable-layer size'),
    topImages: z.array(Image).describe('five largest by size'),
    warnings: z.array(z.string()),
});
const isActiveContainer = (state) => /running|paused|restarting/.test(state);
/** The four summary rows of `docker system df`, computed as the docker CLI computes them. */
export function summarize(df) {
    const pct = (part, whole) => (whole > 0 ? Math.floor((part * 100) / whole) : 0);
    const imageUsed = df.images
        .filter((i) => i.containers > 0 && i.size !== -1 && i.sharedSize !== -1)
        .reduce((s, i) => s + i.size - i.sharedSize, 0);
    const imgReclaim = Math.max(0, df.layersSize - imageUsed);
    const ctrSize = df.containers.reduce((s, c) => s + c.sizeRw, 0);
    const ctrReclaim = df.containers.filter((c) => !isActiveContainer(c.state)).reduce((s, c) => s + c.sizeRw, 0);
    const sized = df.volumes.filter((v) => v.size !== null);
    const volSize = sized.reduce((s, v) => s + (v.size ?? 0), 0);
    const volReclaim = sized.filter((v) => v.refCount === 0).reduce((s, v) => s + (v.size ?? 0), 0);
    const bcSize = df.buildCache.filter((b) => !b.shared).reduce((s, b) => s + b.size, 0);
    const bcReclaim = df.buildCache.filter((b) => !b.shared && !b.inUse).reduce((s, b) => s + b.size, 0);
    return [
        { type: 'Images', total: df.images.length, active: df.images.filter((i) => i.containers > 0).length, sizeBytes: df.layersSize, reclaimableBytes: imgReclaim, reclaimablePercent: pct(imgReclaim, df.layersSize) },
        { type: 'Containers', total: df.containers.length, active: df.containers.filter((c) => isActiveContainer(c.state)).length, sizeBytes: ctrSize, reclaimableBytes: ctrReclaim, reclaimablePercent: pct(ctrReclaim, ctrSize) },
        { type: 'Local Volumes', total: df.volumes.length, active: df.volumes.filter((v) => v.refCount > 0).length, sizeBytes: volSize, reclaimableBytes: volReclaim, reclaimablePercent: pct(volReclaim, volSize) },
        { type: 'Build Cache', total: df.buildCache.length, active: df.buildCache.filter((b) => b.inUse).length, sizeBytes: bcSize, reclaimableBytes: bcReclaim, reclaimablePercent: pct(bcReclaim, bcSize) },
    ];
}
export const diskReport = defineOp({
    name: 'disk_report',
    verb: 'report',
    summary: 'Report Docker disk usage, root filesystem usage against thresholds, and the largest items',
    description: 'What `docker system df -v` shows, plus usage of the filesystem holding DockerRootDir (read on the engine host through a helper container) against the warn/critical thresholds (default 80/90 %), and the five largest containers and images.',
    effect: 'read',
    input: z.strictObject({
        host: hostField,
        warnPercent: z.number().min(1).max(100).optional().describe('warning threshold for root filesystem usage, percent (config thresholds.warnPercent, default 80)'),
        criticalPercent: z.number().min(1).max(100).optional().describe('critical threshold, percent (config thresholds.criticalPercent, default 90)'),
    }),
    output: Output,
    examples: ['', '--host prod-1 --warn-percent 70'],
    async run(deps, input, ctx) {
        const engine = deps.engines.get(input.host);
        const warnPercent = input.warnPercent ?? deps.config.thresholds.warnPercent;
        const criticalPercent = input.criticalPercent ?? deps.config.thresholds.criticalPercent;
        const [info, df] = await Promise.all([engine.info(), engine.systemDf()]);
        const warnings = [];
        let rootFilesystem = null;
        try {
            const fs = await engine.filesystemUsage(info.dockerRootDir, ctx.signal);
            const denom = fs.usedBytes + fs.availableBytes;
            const usedPercent = denom > 0 ? Math.round((fs.usedBytes / denom) * 1000) / 10 : 0;
            const status = usedPercent >= criticalPercent ? 'critical' : usedPercent >= warnPercent ? 'warning' : 'ok';
            rootFilesystem = { ...fs, usedPercent, status, warnPercent, criticalPercent };
        }
        catch (err) {
            warnings.push(`root filesystem usage unavailable: ${toOpsError(err).toLine()}`);
        }
        const images = df.images.map((i) => ({ ...i, uniqueSize: i.sharedSize >= 0 ? i.size - i.sharedSize : i.size }));
        const containers = df.containers.map(({ id, name, image, state, status, sizeRw, sizeRootFs, volumes }) => ({ id, name, image, state, status, sizeRw, sizeRootFs, volumes }));
        return {
            host: engine.host.name,
            dockerRootDir: info.dockerRootDir,
            driver: info.driver,
            rootFilesystem,
            summary: summarize(df),
            images,
            containers,
            volumes: df.volumes,
            buildCache: df.buildCache,
            topContainers: [...containers].sort((a, b) => b.sizeRw - a.sizeRw).slice(0, 5),
            topImages: [...images].sort((a, b) => b.size - a.size).slice(0, 5),
            warnings,
        };
    },
    view(o) {
        const fs = o.rootFilesystem;
        const summary = fs
            ? `Host ${o.host} (${o.driver}): ${o.dockerRootDir} on ${fs.filesystem} is ${formatPercent(fs.usedPercent)} full ` +
                `(${formatBytes(fs.usedBytes)} used, ${formatBytes(fs.availableBytes)} free of ${formatBytes(fs.totalBytes)}) - ${fs.status === 'ok' ? 'OK' : fs.status.toUpperCase()} ` +
                `(warn ${fs.warnPercent}%, critical ${fs.criticalPercent}%)`
            : `Host ${o.host} (${o.driver}): ${o.dockerRootDir}`;
        const reclaimable = o.summary.reduce((s, r) => s + r.reclaimableBytes, 0);
        const tables = [
            {
                id: 'usage',
                columns: [
                    { key: 'type', label: 'TYPE', type: 'text' },
                    { key: 'total', label: 'TOTAL', type: 'count' },
                    { key: 'active', label: 'ACTIVE', type: 'count' },
                    { key: 'size', label: 'SIZE', type: 'bytes' },
                    { key: 'reclaimable', label: 'RECLAIMABLE', type: 'bytes' },
                    { key: 'reclaimablePercent', label: '%', type: 'percent' },
                ],
                rows: o.summary.map((r) => ({ type: r.type, total: r.total, active: r.active, size: r.sizeBytes, reclaimable: r.reclaimableBytes, reclaimablePercent: r.reclaimablePercent })),
            },
        ];
        if (o.topContainers.length) {
            tables.push({
                id: 'largest-containers',
                title: 'Largest containers',
                columns: [
                    { key: 'name', label: 'NAME', type: 'text' },
                    { key: 'image', label: 'IMAGE', type: 'text' },
                    { key: 'state', label: 'STATE', type: 'text' },
                    { key: 'size', label: 'SIZE', type: 'bytes' },
                    { key: 'virtual', label: 'VIRTUAL', type: 'bytes' },
                ],
                rows: o.topContainers.map((c) => ({ name: c.name, image: c.image, state: c.state, size: c.sizeRw, virtual: c.sizeRootFs })),
            });
        }
        if (o.topImages.length) {
            tables.push({
                id: 'largest-images',
                title: 'Largest images',
                columns: [
                    { key: 'image', label: 'IMAGE', type: 'text' },
                    { key: 'id', label: 'ID', type: 'text' },
                    { key: 'size', label: 'SIZE', type: 'bytes' },
                    { key: 'containers', label: 'CONTAINERS', type: 'count' },
                ],
                rows: o.topImages.map((i) => ({ image: i.repoTags[0] ?? '<none>', id: shortId(i.id), size: i.size, containers: i.containers })),
            });
        }
        if (o.volumes.length) {
            tables.push({
                id: 'volumes',
                title: 'Volumes',
                columns: [
                    { key: 'name', label: 'NAME', type: 'text' },
                    { key: 'driver', label: 'DRIVER', type: 'text' },
                    { key: 'links', label: 'LINKS', type: 'count' },
                    { key: 'size', label: 'SIZE', type: 'bytes' },
                ],
                rows: [...o.volumes].sort((a, b) => (b.size ?? -1) - (a.size ?? -1)).map((v) => ({ name: v.name, driver: v.driver, links: v.refCount, size: v.size })),
            });
        }
        const findings = [];
        if (fs && fs.status !== 'ok') {
            findings.push({
                severity: fs.status,
                message: `${o.dockerRootDir} on ${o.host} is ${formatPercent(fs.usedPercent)} full, over the ${fs.status === 'critical' ? 'critical' : 'warning'} threshold of ${fs.status === 'critical' ? fs.criticalPercent : fs.warnPercent}%`,
                advice: `${formatBytes(reclaimable)} is reclaimable: preview a clean-up with \`storage-ops cleanup --host ${o.host}\``,
            });
        }
        for (const w of o.warnings)
            findings.push({ severity: 'warning', message: w });
        const charts = [
            {
                id: 'usage-per-kind',
                title: `Docker disk usage on ${o.host}`,
                kind: 'stacked-bar',
                unit: 'bytes',
                points: o.summary.flatMap((r) => [
                    { x: r.type, series: 'in use', value: r.sizeBytes - r.reclaimableBytes },
                    { x: r.type, series: 'reclaimable', value: r.reclaimableBytes },
                ]),
            },
        ];
        if (fs) {
            charts.push({
                id: 'root-filesystem',
                title: `${o.dockerRootDir} on ${o.host}`,
                kind: 'gauge',
                unit: 'percent',
                points: [{ x: 'used', value: fs.usedPercent }],
                thresholds: [
                    { label: 'warn', value: fs.warnPercent },
                    { label: 'critical', value: fs.criticalPercent },
                ],
            });
        }
        return {
            title: `Docker disk usage on ${o.host}`,
            summary,
            fields: [{ label: 'Reclaimable', value: reclaimable, type: 'bytes' }],
            tables,
            findings,
            charts,
        };
    },
});
//# sourceMappingURL=disk-report.js.map