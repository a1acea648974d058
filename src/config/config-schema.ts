/**
 * The configuration file's schema (zod). Strict objects: an unknown or misspelt key fails at start
 * with its path, instead of being silently ignored.
 */
import { z } from 'zod';
import { BackupConfigSchema } from './backup-config.js';

export const HOST_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

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
    .regex(/^(unix|tcp|ssh|http|https):\/\/.+/, 'use unix:///path/docker.sock, tcp://host:2376 or ssh://user@host'),
  tls: TlsSchema.optional(),
  sshKey: z.string().optional().describe('path to the ssh private key for ssh:// hosts'),
  description: z.string().optional(),
});

export const ThresholdsSchema = z
  .strictObject({
    warnPercent: z.number().min(1).max(100).default(80),
    criticalPercent: z.number().min(1).max(100).default(90),
  })
  .refine((t) => t.warnPercent < t.criticalPercent, {
    message: 'warnPercent must be below criticalPercent',
  });

export const ConfigSchema = z
  .strictObject({
    hosts: z.array(HostSchema).default([]),
    defaultHost: z.string().optional(),
    dataDir: z.string().optional(),
    helperImage: z.string().min(1).default('storage-ops:latest'),
    thresholds: ThresholdsSchema.default({ warnPercent: 80, criticalPercent: 90 }),
    audit: z
      .strictObject({ maxEntries: z.number().int().min(100).default(20000) })
      .default({ maxEntries: 20000 }),
    backup: BackupConfigSchema.prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.hosts.forEach((h, i) => {
      if (seen.has(h.name)) {
        ctx.addIssue({ code: 'custom', path: ['hosts', i, 'name'], message: `duplicate host name "${h.name}"` });
      }
      seen.add(h.name);
    });
    if (cfg.defaultHost && !seen.has(cfg.defaultHost)) {
      ctx.addIssue({ code: 'custom', path: ['defaultHost'], message: `"${cfg.defaultHost}" is not one of hosts[].name` });
    }
  });

export type Config = z.output<typeof ConfigSchema>;
export type HostConfig = z.output<typeof HostSchema>;
