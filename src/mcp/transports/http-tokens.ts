/**
 * Bearer tokens for MCP over HTTP: config `mcp.tokens` lists them by name, each either as the
 * sha256 of the token (so the config file holds no secret) or as the name of the environment
 * variable that holds it. A presented token is hashed and compared in constant time; it maps to
 * the identity mcp:<name>, and so to a role through `access`. Tokens are never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { McpConfig } from '../../config/config-schema.js';
import type { Logger } from '../../core/logger.js';

export interface KnownToken {
  name: string;
  digest: Buffer;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function loadTokens(config: McpConfig, env: NodeJS.ProcessEnv, log: Logger): KnownToken[] {
  const tokens: KnownToken[] = [];
  for (const t of config.tokens) {
    if ('sha256' in t) {
      tokens.push({ name: t.name, digest: Buffer.from(t.sha256, 'hex') });
      continue;
    }
    const value = env[t.env];
    if (!value) {
      log.warn('mcp token not set; that client cannot connect', { token: t.name, env: t.env });
      continue;
    }
    if (value.length < 16) {
      log.warn('mcp token shorter than 16 characters is ignored; use a long random one (openssl rand -hex 32)', { token: t.name, env: t.env });
      continue;
    }
    tokens.push({ name: t.name, digest: sha256(value) });
  }
  return tokens;
}

/** The token's name, or null; every known token is compared so timing says nothing about which. */
export function matchToken(tokens: readonly KnownToken[], presented: string): string | null {
  const digest = sha256(presented);
  let found: string | null = null;
  for (const t of tokens) {
    if (timingSafeEqual(t.digest, digest) && found === null) found = t.name;
  }
  return found;
}

/** "Bearer abc" → "abc"; anything else → null. */
export function bearerOf(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1] ?? null;
}
