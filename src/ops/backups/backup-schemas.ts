/**
 * Output shapes shared by the backup ops (backup, backups, verify, restore, prune-backups), and
 * helpers for showing a backup, declared once.
 */
import { z } from 'zod';
import type { BackupManifest } from '../../state/backup-record.js';

export const BackupSummarySchema = z.object({
  id: z.string().describe('backup id: <volume>_<YYYYMMDD_HHmmss> (UTC)'),
  volume: z.string(),
  host: z.string().describe('engine the volume was read from'),
  kind: z.enum(['manual', 'scheduled', 'safety']),
  reason: z.string().nullable(),
  createdAt: z.string(),
  durationMs: z.number(),
  file: z.string().describe('archive file name in the backup store'),
  bytes: z.number().describe('archive size'),
  sha256: z.string(),
  compression: z.enum(['zstd', 'gzip', 'none']),
  encrypted: z.boolean(),
  recipients: z.array(z.string()).describe('age recipients (public keys) for encrypted backups'),
  entries: z.number().int().describe('tar entries (files, directories, links) besides the volume root'),
  files: z.number().int().describe('regular files'),
  dataBytes: z.number().describe('bytes of file data in the volume'),
  labels: z.record(z.string(), z.string()).describe("the volume's labels"),
  verification: z
    .object({ at: z.string(), ok: z.boolean(), level: z.enum(['full', 'checksum']), detail: z.string() })
    .nullable()
    .describe('latest verification, null when never verified'),
  store: z.string().describe('backup store: "local" (backup.dir) or a restic store name'),
  snapshotId: z.string().nullable().describe('restic snapshot id (restic stores only)'),
  addedBytes: z.number().nullable().describe('restic stores: bytes this backup added to the repository after deduplication'),
});

export type BackupSummary = z.output<typeof BackupSummarySchema>;

export function summarizeBackup(m: BackupManifest): BackupSummary {
  return {
    id: m.id,
    volume: m.volume,
    host: m.host,
    kind: m.kind,
    reason: m.reason,
    createdAt: m.createdAt,
    durationMs: m.durationMs,
    file: m.archive.file,
    bytes: m.archive.bytes,
    sha256: m.archive.sha256,
    compression: m.archive.compression,
    encrypted: m.archive.encryption !== null,
    recipients: m.archive.encryption?.recipients ?? [],
    entries: m.content.entries,
    files: m.content.files,
    dataBytes: m.content.dataBytes,
    labels: m.labels,
    verification: m.verification,
    store: m.store?.name ?? 'local',
    snapshotId: m.store?.snapshotId ?? null,
    addedBytes: m.store?.addedBytes ?? null,
  };
}

export function verificationText(v: BackupSummary['verification']): string {
  if (!v) return 'never';
  if (!v.ok) return 'FAILED';
  return v.level === 'full' ? 'ok' : 'checksum';
}

/** "2026-11-30 12:00:05Z" from an ISO time. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
