/**
 * backup_list: the backup catalog, newest first, per volume and host. Reads only; rebuilding
 * the catalog from the store is backup_rescan (a write).
 */
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { listBackups } from '../../backup/catalog.js';
import { storeDir } from '../../backup/store.js';
import { BackupSummarySchema, summarizeBackup, verificationText } from './backup-schemas.js';
import { volumeName } from '../shared/common-inputs.js';
import { formatBytes } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
import type { View, ViewFinding } from '../../core/view.js';

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
      throw new OpsError('invalid_input', `unknown host "${input.host}": it is not configured and no backup comes from it`, {
        hint: `Known hosts: ${deps.engines.hosts().map((h) => h.name).join(', ')}`,
      });
    }
    return { storeDir: storeDir(deps), backups: records.map(summarizeBackup) };
  },
  view(o) {
    return backupTableView(o);
  },
});

/** The catalog as a view (also the tail of rescan-backups' view). */
export function backupTableView(o: { storeDir: string; backups: z.output<typeof BackupSummarySchema>[] }, lead = ''): View {
  const total = o.backups.reduce((s, b) => s + b.bytes, 0);
  const findings: ViewFinding[] = [];
  const failed = o.backups.filter((b) => b.verification && !b.verification.ok);
  if (failed.length) findings.push({ severity: 'critical', message: `${failed.length} backup(s) failed verification: ${failed.map((b) => b.id).join(', ')}`, advice: 'Do not restore from them; take a new backup of their volumes' });
  return {
    title: 'Backups',
    summary: o.backups.length
      ? `${lead}${o.backups.length} backup(s), ${formatBytes(total)} in ${o.storeDir}`
      : `${lead}No backups in the catalog (store ${o.storeDir}).`,
    tables: o.backups.length
      ? [
          {
            id: 'backups',
            columns: [
              { key: 'id', label: 'ID', type: 'text' },
              { key: 'volume', label: 'VOLUME', type: 'text' },
              { key: 'host', label: 'HOST', type: 'text' },
              { key: 'created', label: 'CREATED', type: 'time' },
              { key: 'size', label: 'SIZE', type: 'bytes' },
              { key: 'format', label: 'FORMAT', type: 'text' },
              { key: 'verified', label: 'VERIFIED', type: 'text' },
              { key: 'kind', label: 'KIND', type: 'text' },
            ],
            rows: o.backups.map((b) => ({
              id: b.id,
              volume: b.volume,
              host: b.host,
              created: b.createdAt,
              size: b.bytes,
              format: b.snapshotId ? `restic:${b.store}` : `${b.compression}${b.encrypted ? '+age' : ''}`,
              verified: verificationText(b.verification),
              kind: b.kind,
            })),
          },
        ]
      : [],
    findings,
  };
}
