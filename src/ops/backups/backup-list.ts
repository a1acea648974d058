/**
 * backup_list: the backup catalog, newest first, per volume and host. --rescan rebuilds the
 * catalog from the sidecar manifests in the store first, so a lost or damaged state file loses
 * no backup; it also reports archives without a manifest and leftovers of interrupted backups.
 */
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { listBackups, rebuildCatalog } from '../../backup/catalog.js';
import { storeDir } from '../../backup/store.js';
import { BackupSummarySchema, shortTime, summarizeBackup, verificationText } from './backup-schemas.js';
import { volumeName } from '../shared/common-inputs.js';
import { formatBytes, table } from '../../core/format.js';
import { defineOp } from '../../core/op.js';

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
  render(o) {
    const lines: string[] = [];
    if (o.rescan) {
      const r = o.rescan;
      lines.push(`Rescanned ${o.storeDir}: ${r.added.length} added, ${r.dropped.length} dropped, ${r.kept} unchanged.`);
      for (const p of r.problems) lines.push(`  problem: ${p}`);
      for (const f of r.orphans) lines.push(`  archive without manifest: ${f}`);
      for (const f of r.partials) lines.push(`  temporary file: ${f}`);
      lines.push('');
    }
    if (o.backups.length === 0) {
      lines.push(`No backups in the catalog (store ${o.storeDir}).`);
      return lines.join('\n');
    }
    lines.push(
      table([
        ['ID', 'VOLUME', 'HOST', 'CREATED', 'SIZE', 'FORMAT', 'VERIFIED', 'KIND'],
        ...o.backups.map((b) => [
          b.id,
          b.volume,
          b.host,
          shortTime(b.createdAt),
          formatBytes(b.bytes),
          `${b.compression}${b.encrypted ? '+age' : ''}`,
          verificationText(b.verification),
          b.kind,
        ]),
      ]),
    );
    lines.push('', `${o.backups.length} backup(s), ${formatBytes(o.backups.reduce((s, b) => s + b.bytes, 0))} in ${o.storeDir}`);
    return lines.join('\n');
  },
});
