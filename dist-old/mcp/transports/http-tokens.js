/**
 * Bearer tokens for MCP over HTTP: config `mcp.tokens` lists them by name, each either as the
 * sha256 of the token (so the config file holds no secret) or as the name of the environment
 * variable that holds it. A presented token is hashed and compared in constant time; it maps to
 * the identity mcp:<name>, and so to a role through `access`. Tokens are never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { OpsError } from '../../core/errors.js';
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest();
/** Fails at start, naming the key, when a token's environment variable is unset or too short to be safe. */
export function loadTokens(config, env) {
    const tokens = [];
    for (const [i, t] of config.tokens.entries()) {
        if ('sha256' in t) {
            tokens.push({ name: t.name, digest: Buffer.from(t.sha256, 'hex') });
            continue;
        }
        const value = env[t.env];
        if (!value) {
            throw new OpsError('config', `mcp.tokens[${i}].env names the environment variable ${t.env} for the MCP client "${t.name}", and it is not set`, {
                hint: `Set ${t.env} to that client's token (openssl rand -hex 32 makes one), or remove the entry`,
            });
        }
        if (value.length < 16) {
            throw new OpsError('config', `mcp.tokens[${i}]: the token in ${t.env} is shorter than 16 characters`, { hint: 'Use a long random token: openssl rand -hex 32' });
        }
        tokens.push({ name: t.name, digest: sha256(value) });
    }
    return tokens;
}
/** The token's name, or null; every known token is compared so timing says nothing about which. */
export function matchToken(tokens, presented) {
    const digest = sha256(presented);
    let found = null;
    for (const t of tokens) {
        if (timingSafeEqual(t.digest, digest) && found === null)
            found = t.name;
    }
    return found;
}
/** "Bearer abc" → "abc"; anything else → null. */
export function bearerOf(header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return m?.[1] ?? null;
}
//# sourceMappingURL=http-tokens.js.map