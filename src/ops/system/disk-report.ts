/**
 * disk_report: everything `docker system df -v` shows (images, containers, local volumes, build
 * cache, with counts, sizes and reclaimable space computed the way the docker CLI does), plus the
 * usage of the filesystem holding DockerRootDir against warn/critical thresholds and the five
 * largest containers and images (seed §6.2). Works against remote engines: the filesystem is read
 * through a helper container on the engine, never from this process's own disk.
 */
import { z } from 'zod';
import { OpsError, toOpsError } from '../../core/errors.js';
import { hostField } from '../shared/common-inputs.js';
import { formatBytes, formatPercent, shortId } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
import type { SystemDf } from '../../core/ports.js';
import type { ViewChart, ViewFinding, ViewTable } from '../../core/view.js';
import { resticStoreStats } from '../../backup/restic-stats.js';

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
  buildCache: z.array(
    z.object({ id: z.string(), type: z.string(), description: z.string(), size: z.number(), inUse: z.boolean(), shared: z.boolean(), lastUsedAt: z.string().nullable() }),
  ),
  topContainers: z.array(Container).describe('five largest by writable-layer size'),
  topImages: z.array(Image).describe('five largest by size'),
  warnings: z.array(z.string()),
  backupStores: z
    .array(
      z.object({
        name: z.string(),
        kind: z.literal('restic'),
        storedBytes: z.number().nullable().describe('bytes the repository holds (restic stats --mode raw-data)'),
        logicalBytes: z.number().nullable().describe('bytes its snapshots restore to (restic stats --mode restore-size)'),
        snapshots: z.number().nullable(),
        dedupRatio: z.number().nullable().describe('logical / stored bytes'),
        error: z.string().nullable(),
      }),
    )
    .describe('restic backup stores (backup.stores): size and deduplication; empty without stores'),
});

export type DiskReport = z.output<typeof Output>;

const isActiveContainer = (state: string): boolean => /running|paused|restarting/.test(state);

/** The four summary rows of `docker system df`, computed as the docker CLI computes them. */
export function summarize(df: SystemDf): z.output<typeof SummaryRow>[] {
  const pct = (part: number, whole: number): number => (whole > 0 ? Math.floor((part * 100) / whole) : 0);
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
  description: 'What `docker system df -v` shows, plus usage of the filesystem holding DockerRootDir (read on the engine host through a helper container) against the warn/critical thresholds (default 80/90 %), and the five largest containers and images; with restic backup stores configured, each store\'s size and deduplication ratio.',
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
    // restic stores are measured while the engine answers (each takes restic runs of its own).
    const backupStoresP = resticStoreStats(deps);
    const warnPercent = input.warnPercent ?? deps.config.thresholds.warnPercent;
    const criticalPercent = input.criticalPercent ?? deps.config.thresholds.criticalPercent;
    if (warnPercent >= criticalPercent) {
      const w = input.warnPercent !== undefined ? `--warn-percent ${warnPercent}` : `the configured warning threshold (thresholds.warnPercent, ${warnPercent})`;
      const c = input.criticalPercent !== undefined ? `--critical-percent ${criticalPercent}` : `the configured critical threshold (thresholds.criticalPercent, ${criticalPercent})`;
      throw new OpsError('invalid_input', `report: ${w} must be below ${c}, or nothing could ever be a warning`, {
        hint: 'Give a warning threshold lower than the critical one, e.g. --warn-percent 80 --critical-percent 90',
      });
    }
    // The root filesystem is read by a helper container; it runs while the engine computes
    // system df (on an engine with many volumes that is the long part), not after it.
    const infoP = engine.info();
    const fsP = infoP.then((i) => engine.filesystemUsage(i.dockerRootDir, ctx.signal)).then(
      (fs) => ({ fs, err: null }),
      (err: unknown) => ({ fs: null, err }),
    );
    const [info, df] = await Promise.all([infoP, engine.systemDf()]);
    const warnings: string[] = [];
    let rootFilesystem: z.output<typeof RootFs> | null = null;
    try {
      const { fs, err } = await fsP;
      if (!fs) throw err;
      const denom = fs.usedBytes + fs.availableBytes;
      const usedPercent = denom > 0 ? Math.round((fs.usedBytes / denom) * 1000) / 10 : 0;
      const status = usedPercent >= criticalPercent ? 'critical' : usedPercent >= warnPercent ? 'warning' : 'ok';
      rootFilesystem = { ...fs, usedPercent, status, warnPercent, criticalPercent };
    } catch (err) {
      warnings.push(`root filesystem usage unavailable: ${toOpsError(err).toLine()}`);
    }
    const backupStores = await backupStoresP;
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
      warnings: [...warnings, ...backupStores.flatMap((st) => (st.error ? [`backup store ${st.name}: ${st.error}`] : []))],
      backupStores,
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
    const tables: ViewTable[] = [
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
    if (o.backupStores.length) {
      tables.push({
        id: 'backup-stores',
        title: 'Backup stores (restic)',
        columns: [
          { key: 'store', label: 'STORE', type: 'text' },
          { key: 'snapshots', label: 'SNAPSHOTS', type: 'count' },
          { key: 'stored', label: 'STORED', type: 'bytes' },
          { key: 'logical', label: 'RESTORE SIZE', type: 'bytes' },
          { key: 'dedup', label: 'DEDUP', type: 'text' },
        ],
        rows: o.backupStores.map((st) => ({ store: st.name, snapshots: st.snapshots, stored: st.storedBytes, logical: st.logicalBytes, dedup: st.dedupRatio === null ? '-' : `${st.dedupRatio.toFixed(2)}x` })),
      });
    }
    const findings: ViewFinding[] = [];
    if (fs && fs.status !== 'ok') {
      findings.push({
        severity: fs.status,
        message: `${o.dockerRootDir} on ${o.host} is ${formatPercent(fs.usedPercent)} full, over the ${fs.status === 'critical' ? 'critical' : 'warning'} threshold of ${fs.status === 'critical' ? fs.criticalPercent : fs.warnPercent}%`,
        advice: `${formatBytes(reclaimable)} is reclaimable: preview a clean-up with \`storage-ops cleanup --host ${o.host}\``,
      });
    }
    for (const w of o.warnings) findings.push({ severity: 'warning', message: w });
    const charts: ViewChart[] = [
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
