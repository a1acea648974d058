/**
 * volume_create: creates a volume with labels, a driver and driver options (seed §3.1, §4: NFS
 * `type/o/device`, tmpfs, bind). Unlike `docker volume create`, an existing name is a conflict,
 * not a silent success, and local-driver options are checked before the engine sees them.
 */
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { hostField, stringMap, volumeName } from '../shared/common-inputs.js';
import { defineOp } from '../../core/op.js';
import { VolumeInfoSchema } from './volume-schemas.js';
import { keyValues } from '../shared/view-parts.js';

/** Checks the local driver's mount options, which the engine only checks at first mount. */
export function checkLocalDriverOpts(opts: Record<string, string>): void {
  const type = opts.type;
  const known = new Set(['type', 'o', 'device']);
  const unknown = Object.keys(opts).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new OpsError('invalid_input', `create: driver option(s) ${unknown.join(', ')} are not understood by the local driver`, {
      hint: 'The local driver takes type, o and device (like mount -t TYPE -o O DEVICE)',
    });
  }
  if (!type && (opts.o || opts.device)) {
    throw new OpsError('invalid_input', 'create: driver options o/device need a type (e.g. --opt type=nfs)');
  }
  if (type === 'nfs' || type === 'nfs4') {
    if (!opts.o || !/(^|,)addr=[^,]+/.test(opts.o)) {
      throw new OpsError('invalid_input', 'create: an NFS volume needs the server address in o (e.g. --opt o=addr=192.168.1.100,rw,nfsvers=4)');
    }
    if (!opts.device || !opts.device.includes(':')) {
      throw new OpsError('invalid_input', 'create: an NFS volume needs the export as device (e.g. --opt device=:/data)');
    }
  } else if (type === 'tmpfs') {
    if (opts.device !== undefined && opts.device !== 'tmpfs') {
      throw new OpsError('invalid_input', 'create: a tmpfs volume takes device=tmpfs');
    }
  } else if (type === 'none' && opts.o && /(^|,)bind(,|$)/.test(opts.o) && !opts.device?.startsWith('/')) {
    throw new OpsError('invalid_input', 'create: a bind volume needs an absolute host path as device');
  } else if (type && type !== 'none' && !opts.device) {
    throw new OpsError('invalid_input', `create: a ${type} volume needs a device (e.g. --opt device=/dev/sdb1)`);
  }
}

export const volumeCreate = defineOp({
  name: 'volume_create',
  verb: 'create',
  summary: 'Create a volume with labels, a driver and driver options',
  description: 'Examples from the field: NFS (--opt type=nfs --opt o=addr=HOST,rw,nfsvers=4 --opt device=:/export), tmpfs (--opt type=tmpfs --opt device=tmpfs --opt o=size=100m). Fails if the name is taken.',
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
  async run(deps, input) {
    const engine = deps.engines.get(input.host);
    if (input.driver === 'local') checkLocalDriverOpts(input.driverOpts);
    const existing = await engine.inspectVolume(input.name).catch((err: unknown) => {
      if (err instanceof OpsError && err.code === 'not_found') return null;
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
