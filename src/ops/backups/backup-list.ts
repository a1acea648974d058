/**
 * backup_list: the backup catalog, newest first, per volume and host. Reads only; rebuilding
 * the catalog from the store is backup_rescan (a write).
 */
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { listBackups } from '../../backup/catalog.js';
import { storeDir } from '../../backup/store.js';
import { BackupSummarySchema, shortTime, summarizeBackup, verificationText } from './backup-schemas.js';
import { volumeName } from '../shared/common-inputs.js';
import { formatBytes, table } from '../../core/format.js';
import { defineOp } from '../../core/op.js';

const Output = z.object({
  storeDir: z.string(),
  backups: z.array(BackupSummarySchema),
});

export const backupList = defineOp({
  name: 'backup_list',
  verb: 'backups',
  summary: 'List backups from the catalog, newest first (`rescan-backups` rebuilds the catalog from the store)',
  effect: 'read',
  input: z.strictObject({
    volume: volumeName.optional().describe('only backups of this volume'),
    host: z.string().min(1).optional().describe('only backups of volumes on this engine; every engine when omitted'),
  }),
  output: Output,
  cli: { positional: ['volume'] },
  examples: ['', 'db_data', 'db_data --host prod-1'],
  async run(deps, input) {
    const records = await listBackups(deps, { volume: input.volume, host: input.host });
    if (input.host && records.length === 0 && !deps.engines.hosts().some((h) => h.name === input.host)) {
      throw new OpsError('not_found', `unknown host "${input.host}": it is not configured and no backup comes from it`, {
        hint: `Known hosts: ${deps.engines.hosts().map((h) => h.name).join(', ')}`,
      });
    }
    return { storeDir: storeDir(deps), backups: records.map(summarizeBackup) };
  },
  render(o) {
    return renderBackupTable(o);
  },
});

/** The catalog as a table (also shown by rescan-backups). */
export function renderBackupTable(o: { storeDir: string; backups: z.output<typeof BackupSummarySchema>[] }): string {
  if (o.backups.length === 0) return `No backups in the catalog (store ${o.storeDir}).`;
  return [
    table([
      ['ID', 'VOLUME', 'HOST', 'CREATED', 'SIZE', 'FORMAT', 'VERIFIED', 'KIND'],
      ...o.backups.map((b) => [b.id, b.volume, b.host, shortTime(b.createdAt), formatBytes(b.bytes), `${b.compression}${b.encrypted ? '+age' : ''}`, verificationText(b.verification), b.kind]),
    ]),
    '',
    `${o.backups.length} backup(s), ${formatBytes(o.backups.reduce((s, b) => s + b.bytes, 0))} in ${o.storeDir}`,
  ].join('\n');
}
