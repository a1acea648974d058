/**
 * backup_rescan: rebuilds the backup catalog from the sidecar manifests in the store, so a lost
 * or damaged state file loses no backup; also reports archives without a manifest and the
 * temporary files of runs in progress or dead. It rewrites the catalog, so it is a write (an
 * operator's op), unlike backup_list.
 */
import { z } from 'zod';
import { rebuildCatalog } from '../../backup/catalog.js';
import { liveTokens } from '../../backup/locks.js';
import { storeDir } from '../../backup/store.js';
import { defineOp } from '../../core/op.js';
import { BackupSummarySchema, summarizeBackup } from './backup-schemas.js';
import { backupTableView } from './backup-list.js';
import { listBackups } from '../../backup/catalog.js';

const Output = z.object({
  storeDir: z.string(),
  added: z.array(z.string()).describe('found in the store, missing from the catalog'),
  dropped: z.array(z.string()).describe('in the catalog, but no longer in the store'),
  kept: z.number().int(),
  problems: z.array(z.string()).describe('manifests that could not be used, and why'),
  orphans: z.array(z.string()).describe('archive files without a manifest'),
  partials: z.array(z.string()).describe('temporary files (of a run in progress, or of one that died)'),
  backups: z.array(BackupSummarySchema).describe('the catalog afterwards, newest first'),
});

export const backupRescan = defineOp({
  name: 'backup_rescan',
  verb: 'rescan-backups',
  summary: 'Rebuild the backup catalog from the manifests in the backup store (after losing the state file)',
  description: 'Replaces the catalog with what the sidecar manifests in the store say, and reports archives without a manifest and leftover temporary files (`prune-backups` removes those of dead runs).',
  effect: 'write',
  input: z.strictObject({}),
  output: Output,
  examples: [''],
  async run(deps) {
    const r = await rebuildCatalog(deps, await liveTokens(deps));
    return {
      storeDir: storeDir(deps),
      added: r.added,
      dropped: r.dropped,
      kept: r.kept,
      problems: r.scan.problems,
      orphans: r.scan.orphans,
      partials: r.scan.partials.map((p) => `${p.name}${p.live ? ' (being written now)' : ' (left by a run that died; `prune-backups` removes it)'}`),
      backups: (await listBackups(deps)).map(summarizeBackup),
    };
  },
  view(o) {
    const v = backupTableView(o, `Rescanned ${o.storeDir}: ${o.added.length} added, ${o.dropped.length} dropped, ${o.kept} unchanged. `);
    return {
      ...v,
      title: 'Backup catalog rescanned',
      findings: [
        ...o.problems.map((p) => ({ severity: 'warning' as const, message: `problem: ${p}` })),
        ...o.orphans.map((f) => ({ severity: 'warning' as const, message: `archive without manifest: ${f}`, advice: 'It is not in the catalog, so nothing restores or prunes it; remove it or keep it by hand' })),
        ...(v.findings ?? []),
      ],
      notes: o.partials.map((f) => `temporary file: ${f}`),
    };
  },
});
