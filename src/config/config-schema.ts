/**
 * The configuration file's schema (zod). Strict objects: an unknown or misspelt key fails at start
 * with its path, instead of being silently ignored.
 */
import { z } from 'zod';
import { BackupConfigSchema } from './backup-config.js';
import { SchedulesSchema } from './schedule-config.js';
import { LOCAL_STORE } from './restic-store-config.js';

export const HOST_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** An OpenSSH SHA256 key fingerprint: "SHA256:" and the unpadded base64 of 32 bytes. */
export const SSH_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export const TlsSchema = z.strictObject({
  ca: z.string().optional().describe('path to the CA certificate (PEM)'),
  cert: z.string().optional().describe('path to the client certificate (PEM)'),
  key: z.string().optional().describe('path to the client key (PEM)'),
  verify: z.boolean().default(true).describe('verify the engine certificate against the CA'),
});

export const HostSchema = z.strictObject({
  name: z.string().regex(HOST_NAME_PATTERN, 'host names use letters, digits, "_", "." and "-"'),
  url: z
    .string()
    .regex(/^(unix|tcp|ssh):\/\/.+/, 'use unix:///path/docker.sock, tcp://host:2376 (with tls) or ssh://user@host; http:// and https:// are not engine URLs, write tcp:// instead'),
  tls: TlsSchema.optional(),
  sshKey: z.string().optional().describe('path to the ssh private key for ssh:// hosts'),
  knownHosts: z.string().min(1).optional().describe('ssh:// hosts: known_hosts file holding the host key (default: the top-level knownHosts, else ~/.ssh/known_hosts)'),
  hostKeyFingerprint: z
    .string()
    .regex(SSH_FINGERPRINT, 'a pinned host key looks like SHA256:<43 base64 characters>, as `ssh-keygen -lf` prints it')
    .optional()
    .describe('ssh:// hosts: the only host key accepted (SHA256 fingerprint); known_hosts is not consulted then'),
  insecure: z.boolean().optional().describe('tcp:// hosts without tls: allow plain, unauthenticated TCP (anyone reaching the port controls the engine)'),
  description: z.string().optional(),
});

/** Which host keys need which URL scheme; checked after the URL's own format. */
export function hostUrlIssues(h: HostConfig): Array<{ key: string; message: string }> {
  const scheme = /^([a-z]+):/.exec(h.url)?.[1] ?? '';
  const out: Array<{ key: string; message: string }> = [];
  const plainTcp = (scheme === 'tcp' || scheme === 'http') && h.tls === undefined;
  if (plainTcp && h.insecure !== true) {
    out.push({
      key: 'insecure',
      message: `${h.url} has no TLS: anyone who can reach that port controls the engine (root on its host). Add tls { ca, cert, key } (the engine's --tlsverify setup), or set "insecure": true on this host if the network is trusted`,
    });
  }
  if (h.insecure === true && !plainTcp) out.push({ key: 'insecure', message: 'only applies to tcp:// hosts without tls' });
  if (scheme !== 'ssh') {
    for (const key of ['sshKey', 'knownHosts', 'hostKeyFingerprint'] as const) {
      if (h[key] !== undefined) out.push({ key, message: 'only applies to ssh:// hosts' });
    }
  }
  if (h.tls !== undefined && scheme !== 'tcp' && scheme !== 'https') out.push({ key: 'tls', message: 'only applies to tcp:// hosts' });
  return out;
}

export const ThresholdsSchema = z
  .strictObject({
    warnPercent: z.number().min(1).max(100).default(80),
    criticalPercent: z.number().min(1).max(100).default(90),
  })
  .refine((t) => t.warnPercent < t.criticalPercent, {
    message: 'warnPercent must be below criticalPercent',
  });

export const RoleSchema = z.enum(['viewer', 'operator', 'admin']);

/** Identities are "<source>:<id>": cli:alice, slack:U0123ABC, slack-group:S0456DEF, mcp:assistant. */
const identity = z.string().regex(/^(cli|slack|slack-group|mcp|schedule|policy):[^\s]+$/, 'identities look like cli:alice, slack:U0123, slack-group:S0456, mcp:token-name');

export const AccessSchema = z.strictObject({
  admins: z.array(identity).default([]),
  operators: z.array(identity).default([]),
  viewers: z.array(identity).default([]),
  cliRole: RoleSchema.default('admin').describe('role of a local CLI user not listed above (they hold the docker socket anyway)'),
  defaultRole: RoleSchema.default('viewer').describe('role of Slack users and MCP clients not listed above'),
  twoPersonRule: z
    .strictObject({ cli: z.boolean().default(false), slack: z.boolean().default(true), mcp: z.boolean().default(true) })
    .default({ cli: false, slack: true, mcp: true })
    .describe('per source: the requester may not approve their own request'),
  approvalTtlMinutes: z.number().int().min(1).max(24 * 60).default(15),
  people: z
    .array(z.strictObject({ name: z.string().min(1), ids: z.array(identity).min(1) }))
    .default([])
    .describe("one person's identities (cli:alice, slack:U0123): the two-person rule holds across them"),
});

export const JobsSchema = z.strictObject({
  perHostConcurrency: z.number().int().min(1).max(64).default(2).describe('jobs running at once per engine; more wait queued'),
  keepFinished: z.number().int().min(10).max(10000).default(200).describe('finished jobs kept in the history (oldest dropped first)'),
});

export const ProtectedSchema = z.strictObject({
  names: z.array(z.string().min(1)).default([]).describe('volume names never removed by prune/cleanup (the seed\'s excludedVolumes)'),
  patterns: z.array(z.string().min(1)).default([]).describe('glob patterns (* and ?) of protected volume names'),
  labels: z.array(z.string().regex(/^[^=\s][^=]*(=.*)?$/)).default(['storage-ops.protected=true']).describe('"key" or "key=value" labels that protect a volume'),
});

export const VolumesSchema = z.strictObject({
  allowedDevices: z
    .array(z.string().regex(/^\//, 'entries are absolute host paths or globs, e.g. /srv/data/*'))
    .default([])
    .describe('host paths and devices (globs: * within a directory, ** across) that admins may bind or mount as volumes; empty refuses them for everyone'),
});

/** An MCP bearer token: its sha256 (hex) in the config, or the name of the environment variable holding it. */
export const McpTokenSchema = z.union([
  z.strictObject({
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'token names use letters, digits, "_", "." and "-"').describe('the client is the identity mcp:<name>'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 is the token\'s SHA-256 as 64 lowercase hex digits (`printf %s "$TOKEN" | sha256sum`)'),
  }),
  z.strictObject({
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'token names use letters, digits, "_", "." and "-"').describe('the client is the identity mcp:<name>'),
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env is the name of an environment variable').describe('environment variable holding the token'),
  }),
]);

export const McpConfigSchema = z.strictObject({
  stdioIdentity: z.string().regex(/^mcp:[^\s]+$/, 'the stdio identity looks like mcp:<name>').default('mcp:stdio').describe('identity of the client of `storage-ops mcp` (stdio)'),
  tokens: z.array(McpTokenSchema).default([]).describe('bearer tokens accepted on /mcp, each mapped to the identity mcp:<name>'),
  readOnly: z.boolean().default(false).describe('refuse every write and destructive tool'),
  allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'origins look like https://host[:port]')).default([]).describe('browser origins allowed to call /mcp besides the listener\'s own'),
  allowedHosts: z.array(z.string().min(1)).default([]).describe('Host header values accepted on /mcp besides localhost and the listener\'s address'),
});

export const SlackConfigSchema = z.strictObject({
  approvalsChannel: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'use the channel id (like C0123ABCD, shown at the bottom of the channel\'s details), not its name')
    .optional()
    .describe('channel id where every approval request is posted, wherever it was made (CLI, MCP, schedules, Slack)'),
});

export const ConfigSchema = z
  .strictObject({
    hosts: z.array(HostSchema).default([]),
    knownHosts: z.string().min(1).optional().describe('known_hosts file for ssh:// hosts without their own (default ~/.ssh/known_hosts)'),
    volumes: VolumesSchema.default({ allowedDevices: [] }),
    defaultHost: z.string().optional(),
    dataDir: z.string().optional(),
    helperImage: z.string().min(1).default('storage-ops:latest'),
    thresholds: ThresholdsSchema.default({ warnPercent: 80, criticalPercent: 90 }),
    audit: z
      .strictObject({
        maxBytes: z.number().int().min(64 * 1024).default(16 * 1024 * 1024).describe('size at which the audit log starts a new file'),
        maxFiles: z.number().int().min(2).max(10_000).default(16).describe('audit log files kept; the oldest goes when another starts'),
      })
      .default({ maxBytes: 16 * 1024 * 1024, maxFiles: 16 }),
    metrics: z
      .strictObject({
        cacheSeconds: z.number().int().min(0).max(3600).default(60).describe('how long one collection per host is reused by /metrics'),
        tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional().describe('environment variable holding a bearer token /metrics requires'),
        tokenSha256: z.array(z.string().regex(/^[0-9a-fA-F]{64}$/, 'a sha256 digest in hex (64 characters): printf %s "$TOKEN" | sha256sum')).optional().describe('sha256 digests of bearer tokens /metrics accepts'),
      })
      .default({ cacheSeconds: 60 }),
    access: AccessSchema.default(AccessSchema.parse({})),
    jobs: JobsSchema.default(JobsSchema.parse({})),
    protected: ProtectedSchema.default(ProtectedSchema.parse({})),
    backup: BackupConfigSchema.prefault({}),
    mcp: McpConfigSchema.prefault({}),
    slack: SlackConfigSchema.default({}),
    schedules: SchedulesSchema.default([]).describe('schedules serve runs: reports, backups, monitors'),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.hosts.forEach((h, i) => {
      if (seen.has(h.name)) {
        ctx.addIssue({ code: 'custom', path: ['hosts', i, 'name'], message: `duplicate host name "${h.name}"` });
      }
      seen.add(h.name);
      for (const issue of hostUrlIssues(h)) ctx.addIssue({ code: 'custom', path: ['hosts', i, issue.key], message: issue.message });
    });
    const owner = new Map<string, string>();
    cfg.access.people.forEach((p, i) => {
      p.ids.forEach((id, j) => {
        const other = owner.get(id);
        if (other !== undefined && other !== p.name) ctx.addIssue({ code: 'custom', path: ['access', 'people', i, 'ids', j], message: `"${id}" is already one of ${other}'s identities` });
        owner.set(id, p.name);
      });
    });
    const tokenNames = new Set<string>();
    cfg.mcp.tokens.forEach((t, i) => {
      if (tokenNames.has(t.name)) ctx.addIssue({ code: 'custom', path: ['mcp', 'tokens', i, 'name'], message: `duplicate token name "${t.name}"` });
      tokenNames.add(t.name);
    });
    const stores = [LOCAL_STORE, ...cfg.backup.stores.map((st) => st.name)];
    cfg.schedules.forEach((s, i) => {
      if (s.host && cfg.hosts.length > 0 && !seen.has(s.host)) {
        ctx.addIssue({ code: 'custom', path: ['schedules', i, 'host'], message: `schedule "${s.name}": host "${s.host}" is not one of hosts[].name` });
      }
      if (s.store !== undefined && !stores.includes(s.store)) {
        ctx.addIssue({ code: 'custom', path: ['schedules', i, 'store'], message: `schedule "${s.name}": there is no backup store named "${s.store}" (known: ${stores.join(', ')})` });
      }
    });
    if (cfg.defaultHost && !seen.has(cfg.defaultHost)) {
      ctx.addIssue({ code: 'custom', path: ['defaultHost'], message: `"${cfg.defaultHost}" is not one of hosts[].name` });
    }
  });

export type Config = z.output<typeof ConfigSchema>;
export type HostConfig = z.output<typeof HostSchema>;
export type Role = z.output<typeof RoleSchema>;
export type McpConfig = z.output<typeof McpConfigSchema>;
