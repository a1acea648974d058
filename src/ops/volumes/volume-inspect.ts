/**
 * volume_inspect: one volume's metadata as `docker volume inspect` shows it (CreatedAt, Driver,
 * Labels, Mountpoint, Options, Scope) plus its size and the containers using it.
 */
import { z } from 'zod';
import { listBackups } from '../../backup/catalog.js';
import { shortTime } from '../backups/backup-schemas.js';
import { hostField, volumeName } from '../shared/common-inputs.js';
import { formatBytes, table } from '../../core/format.js';
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
      .object({ id: z.string(), createdAt: z.string(), bytes: z.number(), verified: z.enum(['ok', 'sealed', 'checksum', 'failed', 'never']) })
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
    const verified: 'ok' | 'sealed' | 'checksum' | 'failed' | 'never' = !last?.verification ? 'never' : !last.verification.ok ? 'failed' : last.verification.level === 'full' ? 'ok' : last.verification.level;
    return {
      host: engine.host.name,
      ...v,
      size: sizes.size.get(v.name) ?? null,
      refCount: sizes.refCount.get(v.name) ?? usedBy.length,
      usedBy,
      lastBackup: last ? { id: last.id, createdAt: last.createdAt, bytes: last.archive.bytes, verified } : null,
    };
  },
  render(o) {
    const kv = (m: Record<string, string>): string => Object.entries(m).map(([k, v]) => `${k}=${v}`).join(', ') || '-';
    const lines = [
      table([
        ['Name', o.name],
        ['Host', o.host],
        ['Driver', o.driver],
        ['Scope', o.scope],
        ['CreatedAt', o.createdAt ?? '-'],
        ['Mountpoint', o.mountpoint],
        ['Labels', kv(o.labels)],
        ['Options', kv(o.options)],
        ['Size', formatBytes(o.size)],
        ['Links', String(o.refCount)],
        ['Last backup', o.lastBackup ? `${o.lastBackup.id} (${shortTime(o.lastBackup.createdAt)}, ${formatBytes(o.lastBackup.bytes)}, verified: ${o.lastBackup.verified})` : 'none'],
      ]),
    ];
    if (o.usedBy.length) {
      lines.push('', table([['CONTAINER', 'STATE', 'MOUNTED AT', 'MODE'], ...o.usedBy.map((u) => [u.name, u.state, u.mountPath, u.readOnly ? 'ro' : 'rw'])]));
    } else {
      lines.push('', 'No container uses this volume.');
    }
    return lines.join('\n');
  },
});
