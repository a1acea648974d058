/**
 * What is known about one backup: the sidecar manifest written next to its archive (the source
 * of truth: the catalog can be rebuilt from manifests alone) and the catalog record kept in the
 * state file's `backups` collection, which is the manifest plus its latest verification.
 */
import { z } from 'zod';

export const MANIFEST_FORMAT = 'storage-ops-backup/1';

/**
 * Backup ids: `<volume>_<YYYYMMDD_HHmmss>` (UTC), with `-N` when that second is taken. The pattern
 * admits no path separators, so an id is always a plain file name in the store.
 */
export const BACKUP_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,199}_\d{8}_\d{6}(?:-\d{1,4})?$/;

export const RootAttributesSchema = z.object({
  mode: z.number().int().describe('permission bits of the volume root (e.g. 0o700 as 448)'),
  uid: z.number().int(),
  gid: z.number().int(),
  mtime: z.number().describe('seconds since the epoch'),
});

export const ContentSchema = z.object({
  tarBytes: z.number().int().describe('size of the uncompressed tar stream'),
  entries: z.number().int().describe('tar entries other than the volume root'),
  files: z.number().int().describe('regular files'),
  dirs: z.number().int(),
  symlinks: z.number().int(),
  hardlinks: z.number().int(),
  others: z.number().int().describe('devices, fifos'),
  dataBytes: z.number().int().describe('sum of regular file sizes'),
  root: RootAttributesSchema.nullable().describe('owner, mode and mtime of the volume root, restored with it'),
});

export const EncryptionSchema = z.object({
  format: z.literal('age'),
  recipients: z.array(z.string()).describe('age X25519 recipients (public keys) that can decrypt'),
});

export const HookRunSchema = z.object({
  container: z.string(),
  phase: z.enum(['pre', 'post']),
  command: z.string(),
  exitCode: z.number().int(),
});

export const VerificationSchema = z.object({
  at: z.string().describe('ISO time of the check'),
  ok: z.boolean(),
  level: z.enum(['full', 'checksum']).describe('full: checksum and the whole archive read as tar; checksum: sha256 only (encrypted, no identity)'),
  detail: z.string().describe('what was checked, or what failed'),
});

/**
 * Where a backup lives when it is not an archive file in the local store: a restic snapshot
 * holding the tar stream as one file (`path`). Absent for local backups.
 */
export const ResticLocationSchema = z.object({
  name: z.string().describe('store name (backup.stores[].name)'),
  kind: z.literal('restic'),
  snapshotId: z.string().regex(/^[0-9a-f]{64}$/).describe('restic snapshot id'),
  path: z.string().describe('path of the tar file inside the snapshot, e.g. /db_data.tar'),
  addedBytes: z.number().int().nullable().describe('bytes this backup added to the repository (restic data_added); null when not known (rebuilt from the repository)'),
});
export type ResticLocation = z.output<typeof ResticLocationSchema>;

export const BackupManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  id: z.string().regex(BACKUP_ID_PATTERN),
  kind: z.enum(['manual', 'scheduled', 'safety']).describe('safety: taken by a restore before it overwrote the volume'),
  reason: z.string().nullable().describe('why it was taken, for safety backups'),
  volume: z.string(),
  host: z.string().describe('engine the volume was read from'),
  volumeDriver: z.string(),
  labels: z.record(z.string(), z.string()).describe("the volume's labels"),
  createdAt: z.string().describe('ISO time the backup started'),
  finishedAt: z.string(),
  durationMs: z.number(),
  actor: z.string().describe('who asked for it'),
  archive: z.object({
    file: z.string().describe('archive file name in the backup store'),
    bytes: z.number().int(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    format: z.literal('tar'),
    compression: z.enum(['zstd', 'gzip', 'none']),
    encryption: EncryptionSchema.nullable(),
  }),
  content: ContentSchema,
  consistency: z.object({
    stoppedContainers: z.array(z.string()).describe('containers stopped for the archive and restarted after'),
    hooks: z.array(HookRunSchema),
  }),
  verification: VerificationSchema.nullable().describe('latest verification, also kept in the manifest'),
  tool: z.object({ name: z.string(), version: z.string() }),
  store: ResticLocationSchema.optional().describe('the restic snapshot holding this backup; absent: an archive file in the local store'),
});

export type BackupManifest = z.output<typeof BackupManifestSchema>;
export type Verification = z.output<typeof VerificationSchema>;
export type BackupContent = z.output<typeof ContentSchema>;

/** The catalog record: the manifest as found in the store. */
export const BackupRecordSchema = BackupManifestSchema;
export type BackupRecord = BackupManifest;

export const BackupCollectionSchema = z.array(BackupRecordSchema);
