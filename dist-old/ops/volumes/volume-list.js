/**
 * volume_list: volumes on an engine, filtered the way `docker volume ls --filter` filters
 * (label, dangling, driver, name), with each volume's size and the containers using it.
 */
import { z } from 'zod';
import { hostField, labelFilter } from '../shared/common-inputs.js';
import { formatBytes } from '../../core/format.js';
import { keyValues } from '../shared/view-parts.js';
import { defineOp } from '../../core/op.js';
import { VolumeInfoSchema } from './volume-schemas.js';
import { usersByVolume, volumeSizes } from './volume-usage.js';
/** A bar chart of more volumes than this is unreadable; the table has them all. */
const CHART_VOLUMES = 20;
export const volumeList = defineOp({
    name: 'volume_list',
    verb: 'volumes',
    summary: 'List volumes with sizes and the containers using them',
    description: 'Filters combine like `docker volume ls --filter`: several labels must all match; dangling=true keeps volumes no container references.',
    effect: 'read',
    input: z.strictObject({
        host: hostField,
        label: z.array(labelFilter).optional().describe('keep volumes with this label ("key" or "key=value"); repeat to require several'),
        dangling: z.boolean().optional().describe('true: only volumes no container references; false: only referenced ones'),
        driver: z.string().min(1).optional().describe('only volumes of this driver (e.g. local)'),
        name: z.string().min(1).optional().describe('only volumes whose name contains this text'),
        sizes: z.boolean().default(true).describe('compute sizes (walks local volumes; turn off on hosts with huge volumes)'),
    }),
    output: z.object({ host: z.string(), volumes: z.array(VolumeInfoSchema) }),
    cli: { flags: { label: 'label' } },
    examples: ['', '--label environment=production', '--dangling', '--driver local --name data'],
    async run(deps, input) {
        const engine = deps.engines.get(input.host);
        const [volumes, containers, sizes] = await Promise.all([
            engine.listVolumes({ label: input.label, dangling: input.dangling, driver: input.driver, name: input.name }),
            engine.listContainers({ all: true }),
            input.sizes ? volumeSizes(engine) : Promise.resolve(null),
        ]);
        const users = usersByVolume(containers);
        return {
            host: engine.host.name,
            volumes: volumes.map((v) => {
                const usedBy = users.get(v.name) ?? [];
                return {
                    name: v.name,
                    driver: v.driver,
                    scope: v.scope,
                    createdAt: v.createdAt,
                    mountpoint: v.mountpoint,
                    labels: v.labels,
                    options: v.options,
                    size: sizes?.size.get(v.name) ?? null,
                    refCount: sizes?.refCount.get(v.name) ?? usedBy.length,
                    usedBy,
                };
            }),
        };
    },
    view(o) {
        const title = `Volumes on ${o.host}`;
        if (o.volumes.length === 0)
            return { title, summary: `No volumes match on ${o.host}.` };
        const sized = o.volumes.filter((v) => v.size !== null);
        const total = sized.reduce((s, v) => s + (v.size ?? 0), 0);
        const unused = o.volumes.filter((v) => v.refCount === 0).length;
        const sizes = sized.length ? `${formatBytes(total)} in total` : 'sizes not computed';
        const largest = [...sized].sort((a, b) => (b.size ?? 0) - (a.size ?? 0)).slice(0, CHART_VOLUMES);
        return {
            title,
            summary: `${o.volumes.length} volume(s) on ${o.host}, ${sizes}; ${unused} not used by any container`,
            tables: [
                {
                    id: 'volumes',
                    columns: [
                        { key: 'name', label: 'NAME', type: 'text' },
                        { key: 'driver', label: 'DRIVER', type: 'text' },
                        { key: 'size', label: 'SIZE', type: 'bytes' },
                        { key: 'usedBy', label: 'USED BY', type: 'text' },
                        { key: 'labels', label: 'LABELS', type: 'text' },
                    ],
                    rows: o.volumes.map((v) => ({
                        name: v.name,
                        driver: v.driver,
                        size: v.size,
                        usedBy: v.usedBy.length ? v.usedBy.map((u) => `${u.name}(${u.state})`).join(',') : '-',
                        labels: keyValues(v.labels, ','),
                    })),
                },
            ],
            charts: largest.length
                ? [{ id: 'volume-sizes', title: sized.length > CHART_VOLUMES ? `Largest ${CHART_VOLUMES} volumes on ${o.host}` : `Volume sizes on ${o.host}`, kind: 'bar', unit: 'bytes', points: largest.map((v) => ({ x: v.name, value: v.size ?? 0 })) }]
                : [],
        };
    },
});
//# sourceMappingURL=volume-list.js.map