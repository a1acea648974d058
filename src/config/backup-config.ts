/**
 * The `backup` section of the configuration: where the backup store is, how archives are
 * compressed and encrypted, and how long they are kept. Strict, like the rest of the file.
 */
import { z } from 'zod';
import { isRecipient } from './age-recipient.js';
import { VOLUME_NAME_PATTERN } from '../core/names.js';
import { LOCAL_STORE, StoresSchema } from './restic-store-config.js';

export const RetentionRuleSchema = z.strictObject({
  days: z.number().int().min(1).nullable().optional().describe('keep backups younger than this many days'),
  keepLast: z.number().int().min(1).nullable().optional().describe('keep the newest N backups'),
});

export const RetentionSchema = z.strictObject({
  days: z.number().int().min(1).nullable().default(7).describe('keep backups younger than this many days (null: no age rule)'),
  keepLast: z.number().int().min(1).nullable().default(null).describe('keep the newest N backups (null: no count rule)'),
  volumes: z
    .record(z.string().regex(VOLUME_NAME_PATTERN, 'keys are volume names'), RetentionRuleSchema)
    .default({})
    .describe('per-volume overrides of days / keepLast'),
});

export const BackupConfigSchema = z
  .strictObject({
    dir: z.string().min(1).optional().describe('backup store directory (default <dataDir>/backups)'),
    compression: z.enum(['zstd', 'gzip', 'none']).default('zstd'),
    compressionLevel: z.number().int().min(1).max(19).optional().describe('zstd 1-19 (default 1), gzip 1-9 (default 6)'),
    encrypt: z.boolean().default(false).describe('encrypt every backup to the recipients'),
    recipients: z
      .array(z.string().refine(isRecipient, 'is not an age X25519 recipient (age1..., see `age-keygen -y`)'))
      .default([]),
    identityFile: z.string().min(1).optional().describe('age identity file for verify/restore of encrypted backups'),
    stopTimeoutSeconds: z.number().int().min(0).max(3600).optional().describe("seconds a container gets to stop (default: the container's own)"),
    retention: RetentionSchema.prefault({}),
    stores: StoresSchema.describe('backup stores besides the local directory: restic repositories'),
    defaultStore: z.string().min(1).default(LOCAL_STORE).describe('store used when `backup` names none: "local" or a name from stores'),
  })
  .superRefine((b, ctx) => {
    if (b.defaultStore !== LOCAL_STORE && !b.stores.some((s) => s.name === b.defaultStore)) {
      ctx.addIssue({ code: 'custom', path: ['defaultStore'], message: `names no store: use "${LOCAL_STORE}" or one of stores[].name (${b.stores.map((s) => s.name).join(', ') || 'none configured'})` });
    }
    if (b.encrypt && b.recipients.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'encrypt is true but no recipients are set' });
    }
    if (b.compression === 'gzip' && b.compressionLevel !== undefined && b.compressionLevel > 9) {
      ctx.addIssue({ code: 'custom', path: ['compressionLevel'], message: 'gzip levels are 1-9' });
    }
  });

export type BackupConfig = z.output<typeof BackupConfigSchema>;
