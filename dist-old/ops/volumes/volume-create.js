/**
 * volume_create: creates a volume with labels, a driver and driver options (seed §3.1, §4: NFS
 * `type/o/device`, tmpfs, bind). Unlike `docker volume create`, an existing name is a conflict,
 * not a silent success, and driver options are checked before the engine sees them: host paths
 * and devices only by an admin within volumes.allowedDevices (volume-options.ts).
 */
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { roleOf } from '../../core/roles.js';
import { hostField, stringMap, volumeName } from '../shared/common-inputs.js';
import { defineOp } from '../../core/op.js';
import { authorizeVolumeReach, classifyVolumeOptions } from './volume-options.js';
import { VolumeInfoSchema } from './volume-schemas.js';
import { keyValues } from '../shared/view-parts.js';
export { checkLocalDriverOpts } from './volume-options.js';
export const volumeCreate = defineOp({
    name: 'volume_create',
    verb: 'create',
    summary: 'Create a volume with labels, a driver and driver options',
    description: 'Examples from the field: NFS (--opt type=nfs --opt o=addr=HOST,rw,nfsvers=4 --opt device=:/export), tmpfs (--opt type=tmpfs --opt device=tmpfs --opt o=size=100m). Fails if the name is taken. Volumes that bind a host path (type=none,o=bind) or mount a device (type=ext4,device=/dev/...) reach the host itself: only admins may create them, and only for paths in the config\'s volumes.allowedDevices.',
    effect: 'write',
    input: z.strictObject({
        name: volumeName.describe('name of the new volume'),
        host: hostField,
        driver: z.string().min(1).default('local').describe('volume driver (default local)'),
        driverOpts: stringMap.default({}).describe('driver options as key=value (local driver: type, o, device)'),
        labels: stringMap.default({}).describe('labels as key=value'),
    }),
    output: VolumeInfoSchema.extend({ host: z.string() }),
    cli: { positional: ['name'], flags: { driverOpts: 'opt', labels: 'label' } },
    examples: [
        'app_data',
        'db_data --label environment=production --label app=database',
        'nfs_data --opt type=nfs --opt o=addr=192.168.1.100,rw,nfsvers=4 --opt device=:/data',
        'cache --opt type=tmpfs --opt device=tmpfs --opt o=size=100m',
    ],
    async run(deps, input, ctx) {
        const engine = deps.engines.get(input.host);
        // Host paths and devices need an admin and the allowlist; refused before anything is made.
        authorizeVolumeReach(deps.config, roleOf(deps.config, ctx.actor), input.name, classifyVolumeOptions(input.driver, input.driverOpts));
        const existing = await engine.inspectVolume(input.name).catch((err) => {
            if (err instanceof OpsError && err.code === 'not_found')
                return null;
            throw err;
        });
        if (existing) {
            throw new OpsError('conflict', `volume "${input.name}" already exists on host "${engine.host.name}" (driver ${existing.driver}, created ${existing.createdAt ?? 'at an unknown time'})`, {
                hint: 'Pick another name, or use the existing volume',
            });
        }
        const v = await engine.createVolume({ name: input.name, driver: input.driver, driverOpts: input.driverOpts, labels: input.labels });
        return { host: engine.host.name, ...v, size: null, refCount: 0, usedBy: [] };
    },
    view(o) {
        return {
            title: `Volume ${o.name} created`,
            summary: `Created volume ${o.name} on ${o.host} (driver ${o.driver}).`,
            fields: [
                { label: 'Labels', value: keyValues(o.labels) },
                { label: 'Options', value: keyValues(o.options) },
                { label: 'Mountpoint', value: o.mountpoint },
            ],
        };
    },
});
//# sourceMappingURL=volume-create.js.map