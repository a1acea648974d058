/**
 * volume_list: volumes on an engine, filtered the way `docker volume ls --filter` filters
 * (label, dangling, driver, name), with each volume's size and the containers using it.
 */
import { z } from 'zod';
import { hostField, labelFilter } from '../shared/common-inputs.js';
import { formatBytes, table } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
import { VolumeInfoSchema } from './volume-schemas.js';
import { usersByVolume, volumeSizes } from './volume-usage.js';

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
  render(o) {
    if (o.volumes.length === 0) return `No volumes match on ${o.host}.`;
    return table([
      ['NAME', 'DRIVER', 'SIZE', 'USED BY', 'LABELS'],
      ...o.volumes.map((v) => [
        v.name,
        v.driver,
        formatBytes(v.size),
        v.usedBy.length ? v.usedBy.map((u) => `${u.name}(${u.state})`).join(',') : '-',
        Object.entries(v.labels).map(([k, x]) => `${k}=${x}`).join(',') || '-',
      ]),
    ]);
  },
});
