/**
 * backup_list: the backup catalog, newest first, per volume and host. --rescan rebuilds the
 * catalog from the sidecar manifests in the store first, so a lost or damaged state file loses
 * no backup; it also reports archives without a manifest and leftovers of interrupted backups.
 */
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { listBackups, rebuildCatalog } from '../../backup/catalog.js';
import { storeDir } from '../../backup/store.js';
import { BackupSummarySchema, summarizeBackup, verificationText } from './backup-schemas.js';
import { volumeName } from '../shared/common-inputs.js';
import { formatBytes } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
import type { ViewFinding } from '../../core/view.js';

const Output = z.object({
  storeDir: z.string(),
  backups: z.array(BackupSummarySchema),
  rescan: z
    .object({
      added: z.array(z.string()).describe('found in the store, missing from the catalog'),
      dropped: z.array(z.string()).describe('in the catalog, but no longer in the store'),
      kept: z.number().int(),
      problems: z.array(z.string()).describe('manifests that could not be used, and why'),
      orphans: z.array(z.string()).describe('archive files without a manifest'),
      partials: z.array(z.string()).describe('temporary files (of a backup running now, or interrupted)'),
    })
    .nullable(),
});

export const backupList = defineOp({
  name: 'backup_list',
  verb: 'backups',
  summary: 'List backups from the catalog, newest first; --rescan rebuilds the catalog from the store',
  effect: 'read',
  input: z.strictObject({
    volume: volumeName.optional().describe('only backups of this volume'),
    host: z.string().min(1).optional().describe('only backups of volumes on this engine; every engine when omitted'),
    rescan: z.boolean().default(false).describe("rebuild the catalog from the manifests in the backup store first (after losing the state file)"),
  }),
  output: Output,
  cli: { positional: ['volume'] },
  examples: ['', 'db_data', '--rescan', 'db_data --host prod-1'],
  async run(deps, input) {
    let rescan: z.output<typeof Output>['rescan'] = null;
    if (input.rescan) {
      const r = await rebuildCatalog(deps);
      rescan = {
        added: r.added,
        dropped: r.dropped,
        kept: r.kept,
        problems: r.scan.problems,
        orphans: r.scan.orphans,
        partials: r.scan.partials.map((p) => `${p.name}${p.live ? ' (being written now)' : ' (interrupted; `prune-backups` removes it)'}`),
      };
    }
    const records = await listBackups(deps, { volume: input.volume, host: input.host });
    if (input.host && records.length === 0 && !deps.engines.hosts().some((h) => h.name === input.host)) {
      throw new OpsError('invalid_input', `unknown host "${input.host}": it is not configured and no backup comes from it`, {
        hint: `Known hosts: ${deps.engines.hosts().map((h) => h.name).join(', ')}`,
      });
    }
    return { storeDir: storeDir(deps), backups: records.map(summarizeBackup), rescan };
  },
  view(o) {
    const r = o.rescan;
    const rescanned = r ? `Rescanned ${o.storeDir}: ${r.added.length} added, ${r.dropped.length} dropped, ${r.kept} unchanged. ` : '';
    const total = o.backups.reduce((s, b) => s + b.bytes, 0);
    const findings: ViewFinding[] = r
      ? [
          ...r.problems.map((p) => ({ severity: 'warning' as const, message: `problem: ${p}` })),
          ...r.orphans.map((f) => ({ severity: 'warning' as const, message: `archive without manifest: ${f}`, advice: 'It is not in the catalog, so nothing restores or prunes it; remove it or keep it by hand' })),
        ]
      : [];
    const failed = o.backups.filter((b) => b.verification && !b.verification.ok);
    if (failed.length) findings.push({ severity: 'critical', message: `${failed.length} backup(s) failed verification: ${failed.map((b) => b.id).join(', ')}`, advice: 'Do not restore from them; take a new backup of their volumes' });
    return {
      title: 'Backups',
      summary: o.backups.length
        ? `${rescanned}${o.backups.length} backup(s), ${formatBytes(total)} in ${o.storeDir}`
        : `${rescanned}No backups in the catalog (store ${o.storeDir}).`,
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
      notes: r ? r.partials.map((f) => `temporary file: ${f}`) : [],
    };
  },
});
