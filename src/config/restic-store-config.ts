/**
 * The `backup.stores` entries: named backup stores besides the built-in local directory (`local`).
 * Today one kind, `restic`: a restic repository (local path, sftp:, rest:, s3:, ...) reached by
 * running the restic program. Secrets never sit in the config file: the repository password comes
 * from a file (`passwordFile`) or an environment variable (`passwordEnv`), and backend
 * credentials are copied from this process's environment (`envFrom`); `env` holds only plain,
 * non-secret settings, and a secret-looking name there is refused. (The one exception is a REST
 * server's user:password in a rest: URL, where restic before 0.17 takes them only; it is masked
 * in everything printed.) `options` are restic's
 * extended options (`-o backend.name=value`: the ssh command of an sftp repository, an S3
 * storage class); they go on restic's command line, so they are held to the same rule.
 */
import { z } from 'zod';
import { isSecretName, redactCommand } from '../core/redact.js';

export const STORE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
/** The built-in store: the backup directory (backup.dir). */
export const LOCAL_STORE = 'local';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables storage-ops sets itself for the restic child; the config may not override them. */
const RESERVED_ENV = new Set(['RESTIC_REPOSITORY', 'RESTIC_REPOSITORY_FILE', 'RESTIC_PASSWORD', 'RESTIC_PASSWORD_FILE', 'RESTIC_PASSWORD_COMMAND', 'RESTIC_CACHE_DIR', 'PATH', 'HOME']);
/** restic's extended option names: the backend, a dot, the option (`restic options` lists them). */
const OPTION_NAME = /^[a-z][a-z0-9]*\.[a-z0-9][a-z0-9-]*$/;
/** Backends restic names in its repository strings; anything else (a path) is the local backend. */
const BACKENDS = new Set(['local', 'sftp', 'rest', 's3', 'b2', 'azure', 'gs', 'swift', 'rclone', 'smb']);

/** The restic backend a repository string selects ("local" for a plain path), null when unsure. */
function backendOf(repository: string): string | null {
  const m = /^([a-z][a-z0-9]*):/.exec(repository);
  if (!m) return repository.startsWith('/') || repository.startsWith('.') ? 'local' : null;
  return BACKENDS.has(m[1]!) ? m[1]! : null;
}

export const ResticStoreSchema = z
  .strictObject({
    name: z
      .string()
      .regex(STORE_NAME_PATTERN, 'store names use letters, digits, "_", "." and "-"')
      .refine((n) => n !== LOCAL_STORE, `"${LOCAL_STORE}" is the built-in backup directory; pick another name`)
      .describe('name used by `backup --store NAME` and shown in the catalog'),
    kind: z.literal('restic').describe('restic: a restic repository, driven through the restic program'),
    repository: z.string().min(1).describe('restic repository: /local/path, sftp:user@host:/path, rest:http://host:8000/, s3:..., (what restic -r takes); a rest: URL may carry user:password@ (masked in all output; restic 0.17+ also reads RESTIC_REST_USERNAME/RESTIC_REST_PASSWORD, which envFrom can supply)'),
    passwordFile: z.string().min(1).optional().describe('file holding the repository password (passed to restic as RESTIC_PASSWORD_FILE)'),
    passwordEnv: z.string().regex(ENV_NAME, 'passwordEnv is the name of an environment variable').optional().describe('environment variable of this process holding the repository password'),
    // Key names are checked in superRefine: zod reports a bad record key only as "Invalid key in record".
    env: z
      .record(z.string(), z.string())
      .default({})
      .describe('plain, non-secret variables for restic (AWS_DEFAULT_REGION, ...); secrets go in envFrom'),
    envFrom: z
      .record(z.string(), z.string().regex(ENV_NAME, 'values are environment variable names'))
      .default({})
      .describe('variables for restic copied from this process\'s environment: { "AWS_SECRET_ACCESS_KEY": "OFFSITE_AWS_SECRET" }'),
    options: z
      .record(z.string(), z.string().min(1).regex(/^[^\n\r\0]*$/, 'values are one line'))
      .default({})
      .describe(
        'restic extended options, given as `-o key=value` to every restic run of this store: { "sftp.command": "ssh -p 2222 -i /keys/id -o BatchMode=yes backup@host -s sftp", "s3.storage-class": "STANDARD_IA" }; each key must belong to the repository\'s backend; they are on restic\'s command line, so secret-looking keys or values are refused (secrets go in envFrom)',
      ),
    init: z.boolean().default(false).describe('create the repository (restic init) when it does not exist yet'),
    compression: z
      .enum(['auto', 'off', 'max'])
      .default('auto')
      .describe('how restic compresses new data (restic --compression): auto (its default), off (less CPU, more bytes written), max (smallest, slowest)'),
  })
  .superRefine((s, ctx) => {
    if ((s.passwordFile === undefined) === (s.passwordEnv === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'set exactly one of passwordFile (a file holding the repository password) and passwordEnv (an environment variable holding it)' });
    }
    for (const k of Object.keys(s.env)) {
      if (!ENV_NAME.test(k)) ctx.addIssue({ code: 'custom', path: ['env', k], message: 'keys are environment variable names' });
      else if (RESERVED_ENV.has(k)) ctx.addIssue({ code: 'custom', path: ['env', k], message: `${k} is set by storage-ops itself (from repository / passwordFile / passwordEnv)` });
      else if (isSecretName(k)) ctx.addIssue({ code: 'custom', path: ['env', k], message: `looks like a secret; the config file must not hold it: put it in an environment variable and name that in envFrom ({ "${k}": "SOME_VARIABLE" })` });
    }
    for (const k of Object.keys(s.envFrom)) {
      if (!ENV_NAME.test(k)) ctx.addIssue({ code: 'custom', path: ['envFrom', k], message: 'keys are environment variable names' });
      else if (RESERVED_ENV.has(k)) ctx.addIssue({ code: 'custom', path: ['envFrom', k], message: `${k} is set by storage-ops itself (from repository / passwordFile / passwordEnv)` });
    }
    const backend = backendOf(s.repository);
    for (const [k, v] of Object.entries(s.options)) {
      if (!OPTION_NAME.test(k)) {
        ctx.addIssue({ code: 'custom', path: ['options', k], message: 'keys are restic option names, backend.name (sftp.command, s3.storage-class; `restic options` lists them)' });
        continue;
      }
      // Options are command-line arguments: anyone on the machine can read them in the process list.
      if (isSecretName(k)) {
        ctx.addIssue({ code: 'custom', path: ['options', k], message: 'looks like a secret; restic options are passed on its command line, which every user of the machine can read: give restic the secret through envFrom instead' });
      } else if (redactCommand(v).secrets.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['options', k], message: 'the value holds what looks like a credential (a password option, NAME=secret or user:password@ in a URL); options are on restic\'s command line, which every user of the machine can read: use a key file or envFrom instead' });
      }
      const prefix = k.split('.')[0]!;
      // restic silently ignores an option of another backend: a typo would go unnoticed.
      if (backend !== null && BACKENDS.has(prefix) && prefix !== backend) {
        ctx.addIssue({ code: 'custom', path: ['options', k], message: `is an option of restic's ${prefix} backend, but this store's repository uses the ${backend} backend, which would ignore it` });
      }
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
