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
import { archivePath, storeDir, updateManifest } from '../../backup/store.js';
import { defineOp } from '../../core/op.js';
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
export async function recordVerification(deps, m, v) {
    const updated = { ...m, verification: v };
    await updateBackup(deps, updated);
    await updateManifest(storeDir(deps), updated).catch((err) => deps.log.warn('could not record the verification in the manifest', { id: m.id, error: String(err) }));
}
export const backupVerify = defineOp({
    name: 'backup_verify',
    verb: 'verify',
    summary: 'Check a backup: sha256 against its manifest, then read it end to end as tar',
    description: 'Encrypted backups are decrypted with the age identity in backup.identityFile (or STORAGE_OPS_AGE_IDENTITY_FILE); without one only the checksum is checked, and the answer says so. The newest fully verified backup of a volume is never pruned.',
    effect: 'read',
    long: true,
    input: z.strictObject({
        id: z.string().min(1).describe('backup id (from `storage-ops backups`)'),
    }),
    output: Output,
    cli: { positional: ['id'] },
    examples: ['db_data_20260130_021500'],
    async run(deps, input, ctx) {
        const m = await getBackup(deps, input.id);
        const identities = m.archive.encryption ? await loadIdentities(deps) : null;
        const path = archivePath(storeDir(deps), m);
        const check = await checkArchive(m, path, { identities, signal: ctx.signal, onProgress: ctx.onProgress });
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
            findings: o.problems.map((p) => ({ severity: o.ok ? 'warning' : 'critical', message: p })),
        };
    },
});
//# sourceMappingURL=backup-verify.js.map