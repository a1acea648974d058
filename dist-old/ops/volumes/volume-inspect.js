/**
 * volume_inspect: one volume's metadata as `docker volume inspect` shows it (CreatedAt, Driver,
 * Labels, Mountpoint, Options, Scope) plus its size and the containers using it.
 */
import { z } from 'zod';
import { listBackups } from '../../backup/catalog.js';
import { shortTime } from '../backups/backup-schemas.js';
import { hostField, volumeName } from '../shared/common-inputs.js';
import { formatBytes } from '../../core/format.js';
import { keyValues } from '../shared/view-parts.js';
import { defineOp } from '../../core/op.js';
import { VolumeInfoSchema } from './volume-schemas.js';
import { usersByVolume, volumeSizes } from './volume-usage.js';
export const volumeInspect = defineOp({
    name: 'volume_inspect',
    verb: 'inspect',
    summary: "Show a volume's metadata, size and the containers using it",
    effect: 'read',
    input: z.strictObject({
        name: volumeName.describe('volume name'),
        host: hostField,
    }),
    output: VolumeInfoSchema.extend({
        host: z.string(),
        status: z.record(z.string(), z.unknown()).nullable(),
        lastBackup: z
            .object({ id: z.string(), createdAt: z.string(), bytes: z.number(), verified: z.enum(['ok', 'checksum', 'failed', 'never']) })
            .nullable()
            .describe("the volume's newest backup in the catalog, null when it has none"),
    }),
    cli: { positional: ['name'] },
    examples: ['db_data', 'db_data --host prod-1'],
    async run(deps, input) {
        const engine = deps.engines.get(input.host);
        const v = await engine.inspectVolume(input.name);
        const [containers, sizes] = await Promise.all([engine.listContainers({ all: true }), volumeSizes(engine)]);
        const usedBy = usersByVolume(containers).get(v.name) ?? [];
        const last = (await listBackups(deps, { volume: v.name, host: engine.host.name }))[0];
        const verified = !last?.verification ? 'never' : !last.verification.ok ? 'failed' : last.verification.level === 'full' ? 'ok' : 'checksum';
        return {
            host: engine.host.name,
            ...v,
            size: sizes.size.get(v.name) ?? null,
            refCount: sizes.refCount.get(v.name) ?? usedBy.length,
            usedBy,
            lastBackup: last ? { id: last.id, createdAt: last.createdAt, bytes: last.archive.bytes, verified } : null,
        };
    },
    view(o) {
        const last = o.lastBackup;
        return {
            title: `Volume ${o.name}`,
            summary: `Volume ${o.name} on ${o.host}: ${formatBytes(o.size)}, ${o.usedBy.length ? `used by ${o.usedBy.length} container(s)` : 'not used by any container'}, last backup ${last ? shortTime(last.createdAt) : 'never'}`,
            fields: [
                { label: 'Name', value: o.name },
                { label: 'Host', value: o.host },
                { label: 'Driver', value: o.driver },
                { label: 'Scope', value: o.scope },
                { label: 'CreatedAt', value: o.createdAt, type: 'time' },
                { label: 'Mountpoint', value: o.mountpoint },
                { label: 'Labels', value: keyValues(o.labels) },
                { label: 'Options', value: keyValues(o.options) },
                { label: 'Size', value: o.size, type: 'bytes' },
                { label: 'Links', value: o.refCount, type: 'count' },
                { label: 'Last backup', value: last ? `${last.id} (${shortTime(last.createdAt)}, ${formatBytes(last.bytes)}, verified: ${last.verified})` : 'none' },
            ],
            tables: [
                {
                    id: 'users',
                    columns: [
                        { key: 'container', label: 'CONTAINER', type: 'text' },
                        { key: 'state', label: 'STATE', type: 'text' },
                        { key: 'mountPath', label: 'MOUNTED AT', type: 'text' },
                        { key: 'mode', label: 'MODE', type: 'text' },
                    ],
                    rows: o.usedBy.map((u) => ({ container: u.name, state: u.state, mountPath: u.mountPath, mode: u.readOnly ? 'ro' : 'rw' })),
                    empty: 'No container uses this volume.',
                },
            ],
        };
    },
});
//# sourceMappingURL=volume-inspect.js.map