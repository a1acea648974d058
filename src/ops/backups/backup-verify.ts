/**
 * backup_verify: proves a backup can be restored. Checks the archive's size and sha256 against
 * its manifest, then reads it end to end (decrypting with the configured age identity,
 * decompressing, walking every tar header) and compares the entry counts with the manifest. An
 * encrypted backup without an identity at hand gets the checksum check only, and says so. The
 * result is recorded in the catalog and the manifest; a failed check is an error (exit 1).
 */
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { getBackup, updateBackup } from '../../backup/catalog.js';
import { loadIdentities } from '../../backup/identity.js';
import { checkArchive } from '../../backup/read-archive.js';
import { checkResticArchive, isResticRecord } from '../../backup/restic-read.js';
import { archivePath, storeDir, updateManifest } from '../../backup/store.js';
import type { BackupManifest, Verification } from '../../state/backup-record.js';
import { defineOp } from '../../core/op.js';
import type { Deps } from '../../core/ports.js';

const Output = z.object({
  id: z.string(),
  volume: z.string(),
  host: z.string(),
  ok: z.boolean(),
  level: z.enum(['full', 'checksum']).describe('full: sha256 and a complete read; checksum: sha256 only (encrypted, no identity)'),
  sha256: z.string().nullable().describe('sha256 of the archive file as read now'),
  expectedSha256: z.string(),
  bytes: z.number().nullable(),
  entries: z.number().int().nullable().describe('tar entries read (full level)'),
  files: z.number().int().nullable(),
  detail: z.string(),
  problems: z.array(z.string()),
  verifiedAt: z.string(),
});

/** Stores a verification in the catalog and in the backup's manifest. */
export async function recordVerification(deps: Deps, m: BackupManifest, v: Verification): Promise<void> {
  const updated: BackupManifest = { ...m, verification: v };
  await updateBackup(deps, updated);
  // A restic backup has no manifest file: the catalog holds its verification.
  if (m.store) return;
  await updateManifest(storeDir(deps), updated).catch((err: unknown) => deps.log.warn('could not record the verification in the manifest', { id: m.id, error: String(err) }));
}

export const backupVerify = defineOp({
  name: 'backup_verify',
  verb: 'verify',
  summary: 'Check a backup: sha256 against its manifest, then read it end to end as tar',
  description:
    'A backup in a restic store is checked with `restic check --read-data-subset` (--subset, default 5%) and read in full through `restic dump`, its sha256 and counts compared with the catalog. Encrypted backups are decrypted with the age identity in backup.identityFile (or STORAGE_OPS_AGE_IDENTITY_FILE); without one only the checksum is checked, and the answer says so. The newest fully verified backup of a volume is never pruned.',
  effect: 'read',
  long: true,
  input: z.strictObject({
    id: z.string().min(1).describe('backup id (from `storage-ops backups`)'),
    subset: z
      .string()
      .regex(/^(none|\d{1,3}(\.\d+)?%|\d+\/\d+)$/, 'use a percentage (5%), a part n/t (1/10), or none')
      .default('5%')
      .describe('restic stores: share of the repository\'s data `restic check --read-data-subset` reads besides the full read of this backup (5%, 1/10; none skips the check)'),
  }),
  output: Output,
  cli: { positional: ['id'] },
  examples: ['db_data_20260130_021500', 'db_data_20260130_021500 --subset 100%'],
  async run(deps, input, ctx) {
    const m = await getBackup(deps, input.id);
    const check = isResticRecord(m)
      ? await checkResticArchive(deps, m, { signal: ctx.signal, onProgress: ctx.onProgress, subset: input.subset === 'none' ? null : input.subset })
      : await checkArchive(m, archivePath(storeDir(deps), m), { identities: m.archive.encryption ? await loadIdentities(deps) : null, signal: ctx.signal, onProgress: ctx.onProgress });
    const at = deps.now().toISOString();
    await recordVerification(deps, m, { at, ok: check.ok, level: check.level, detail: check.detail });
    if (!check.ok) {
      throw new OpsError('corrupt', `backup ${m.id} failed verification: ${check.problems.join('; ')}`, {
        hint: 'Do not restore from it; use another backup of this volume (`storage-ops backups ' + m.volume + '`)',
      });
    }
    return {
      id: m.id,
      volume: m.volume,
      host: m.host,
      ok: check.ok,
      level: check.level,
      sha256: check.sha256,
      expectedSha256: m.archive.sha256,
      bytes: check.bytes,
      entries: check.summary?.entries ?? null,
      files: check.summary?.files ?? null,
      detail: check.detail,
      problems: check.problems,
      verifiedAt: at,
    };
  },
  view(o) {
    const verdict = o.ok ? (o.level === 'full' ? 'OK' : 'checksum OK, content not read') : 'FAILED';
    return {
      title: `Verification of ${o.id}`,
      summary: `Backup ${o.id} (${o.volume} on ${o.host}): ${verdict}`,
      fields: [
        { label: 'Detail', value: o.detail },
        { label: 'Level', value: o.level },
        { label: 'Size', value: o.bytes, type: 'bytes' },
        { label: 'Entries', value: o.entries, type: 'count' },
        { label: 'Files', value: o.files, type: 'count' },
        { label: 'sha256', value: o.sha256 },
        { label: 'Verified at', value: o.verifiedAt, type: 'time' },
      ],
      findings: o.problems.map((p) => ({ severity: o.ok ? ('warning' as const) : ('critical' as const), message: p })),
    };
  },
});
