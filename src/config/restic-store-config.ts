/**
 * The `backup.stores` entries: named backup stores besides the built-in local directory (`local`).
 * Today one kind, `restic`: a restic repository (local path, sftp:, rest:, s3:, ...) reached by
 * running the restic program. Secrets never sit in the config file: the repository password comes
 * from a file (`passwordFile`) or an environment variable (`passwordEnv`), and backend
 * credentials are copied from this process's environment (`envFrom`); `env` holds only plain,
 * non-secret settings, and a secret-looking name there is refused.
 */
import { z } from 'zod';
import { isSecretName } from '../core/redact.js';

export const STORE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
/** The built-in store: the backup directory (backup.dir). */
export const LOCAL_STORE = 'local';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables storage-ops sets itself for the restic child; the config may not override them. */
const RESERVED_ENV = new Set(['RESTIC_REPOSITORY', 'RESTIC_REPOSITORY_FILE', 'RESTIC_PASSWORD', 'RESTIC_PASSWORD_FILE', 'RESTIC_PASSWORD_COMMAND', 'RESTIC_CACHE_DIR', 'PATH', 'HOME']);

export const ResticStoreSchema = z
  .strictObject({
    name: z
      .string()
      .regex(STORE_NAME_PATTERN, 'store names use letters, digits, "_", "." and "-"')
      .refine((n) => n !== LOCAL_STORE, `"${LOCAL_STORE}" is the built-in backup directory; pick another name`)
      .describe('name used by `backup --store NAME` and shown in the catalog'),
    kind: z.literal('restic').describe('restic: a restic repository, driven through the restic program'),
    repository: z.string().min(1).describe('restic repository: /local/path, sftp:user@host:/path, rest:http://host:8000/, s3:..., (what restic -r takes)'),
    passwordFile: z.string().min(1).optional().describe('file holding the repository password (passed to restic as RESTIC_PASSWORD_FILE)'),
    passwordEnv: z.string().regex(ENV_NAME, 'passwordEnv is the name of an environment variable').optional().describe('environment variable of this process holding the repository password'),
    env: z
      .record(z.string().regex(ENV_NAME, 'keys are environment variable names'), z.string())
      .default({})
      .describe('plain, non-secret variables for restic (AWS_DEFAULT_REGION, ...); secrets go in envFrom'),
    envFrom: z
      .record(z.string().regex(ENV_NAME, 'keys are environment variable names'), z.string().regex(ENV_NAME, 'values are environment variable names'))
      .default({})
      .describe('variables for restic copied from this process\'s environment: { "AWS_SECRET_ACCESS_KEY": "OFFSITE_AWS_SECRET" }'),
    init: z.boolean().default(false).describe('create the repository (restic init) when it does not exist yet'),
    compression: z
      .enum(['auto', 'off', 'max'])
      .default('auto')
      .describe('how restic compresses new data (restic --compression): auto (its default: smaller, slower), off (fastest, for incompressible data or a fast store), max (smallest, slowest)'),
  })
  .superRefine((s, ctx) => {
    if ((s.passwordFile === undefined) === (s.passwordEnv === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'set exactly one of passwordFile (a file holding the repository password) and passwordEnv (an environment variable holding it)' });
    }
    for (const k of Object.keys(s.env)) {
      if (RESERVED_ENV.has(k)) ctx.addIssue({ code: 'custom', path: ['env', k], message: `${k} is set by storage-ops itself (from repository / passwordFile / passwordEnv)` });
      else if (isSecretName(k)) ctx.addIssue({ code: 'custom', path: ['env', k], message: `looks like a secret; the config file must not hold it: put it in an environment variable and name that in envFrom ({ "${k}": "SOME_VARIABLE" })` });
    }
    for (const k of Object.keys(s.envFrom)) {
      if (RESERVED_ENV.has(k)) ctx.addIssue({ code: 'custom', path: ['envFrom', k], message: `${k} is set by storage-ops itself (from repository / passwordFile / passwordEnv)` });
    }
  });

export type ResticStoreConfig = z.output<typeof ResticStoreSchema>;

export const StoresSchema = z.array(ResticStoreSchema).default([]).superRefine((stores, ctx) => {
  const seen = new Set<string>();
  stores.forEach((s, i) => {
    if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate store name "${s.name}"` });
    seen.add(s.name);
  });
});
