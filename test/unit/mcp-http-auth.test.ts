/**
 * The checks in front of /mcp, one by one: tokens from the config (sha256) and the environment,
 * failing fast on a missing or short one; bearer parsing; Host and Origin against the listener.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { hostAllowed, originAllowed } from '../../src/mcp/transports/http-endpoint.js';
import { bearerOf, loadTokens, matchToken } from '../../src/mcp/transports/http-tokens.js';
import { failure } from '../harness/expect-failure.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const mcpConfig = (tokens: unknown[]) => parseConfig({ mcp: { tokens } }, 'test').mcp;

function req(headers: Record<string, string>, localAddress = '127.0.0.1', localPort = 8765): IncomingMessage {
  return { headers, socket: { localAddress, localPort } } as unknown as IncomingMessage;
}

describe('MCP HTTP tokens', () => {
  it('maps a token from the config hash or the environment to its name, and nothing else', () => {
    const tokens = loadTokens(mcpConfig([{ name: 'ci', sha256: sha('ci-token-0123456789abcdef') }, { name: 'bot', env: 'BOT_TOKEN' }]), { BOT_TOKEN: 'bot-token-0123456789abcdef' });
    expect(matchToken(tokens, 'ci-token-0123456789abcdef')).toBe('ci');
    expect(matchToken(tokens, 'bot-token-0123456789abcdef')).toBe('bot');
    expect(matchToken(tokens, 'bot-token-0123456789abcdeX')).toBeNull();
    expect(matchToken([], 'anything')).toBeNull();
  });

  it('fails at start, naming the key, when a token variable is unset or short', async () => {
    const unset = await failure((async () => loadTokens(mcpConfig([{ name: 'bot', env: 'BOT_TOKEN' }]), {}))());
    expect(unset.code).toBe('config');
    expect(unset.message).toMatch(/mcp\.tokens\[0\]\.env names the environment variable BOT_TOKEN .* not set/);
    const short = await failure((async () => loadTokens(mcpConfig([{ name: 'bot', env: 'BOT_TOKEN' }]), { BOT_TOKEN: 'short' }))());
    expect(short.message).toMatch(/shorter than 16/);
  });

  it('rejects bad token entries in the config with the key', () => {
    expect(() => mcpConfig([{ name: 'x', sha256: 'nothex' }])).toThrow(/mcp\.tokens\[0\]/);
    expect(() => mcpConfig([{ name: 'x', sha256: sha('a') }, { name: 'x', env: 'X' }])).toThrow(/duplicate token name "x"/);
  });

  it('reads only well-formed bearer headers', () => {
    expect(bearerOf('Bearer abc')).toBe('abc');
    expect(bearerOf('bearer  abc ')).toBe('abc');
    expect(bearerOf('Basic abc')).toBeNull();
    expect(bearerOf('Bearer a b')).toBeNull();
    expect(bearerOf(undefined)).toBeNull();
  });
});

describe('MCP HTTP Host and Origin', () => {
  it('accepts the listener’s own names and configured hosts only', () => {
    expect(hostAllowed(req({ host: 'localhost:8765' }), [])).toBe(true);
    expect(hostAllowed(req({ host: '127.0.0.1:8765' }), [])).toBe(true);
    expect(hostAllowed(req({ host: 'evil.example:8765' }), [])).toBe(false);
    expect(hostAllowed(req({ host: 'localhost:9999' }), [])).toBe(false);
    expect(hostAllowed(req({}), [])).toBe(false);
    expect(hostAllowed(req({ host: 'storage.internal' }), ['storage.internal'])).toBe(true);
    expect(hostAllowed(req({ host: 'storage.internal:443' }), ['storage.internal'])).toBe(true);
  });

  it('accepts no Origin (not a browser), the listener’s own, and configured ones', () => {
    expect(originAllowed(req({}), [])).toBe(true);
    expect(originAllowed(req({ origin: 'http://localhost:8765' }), [])).toBe(true);
    expect(originAllowed(req({ origin: 'http://localhost:8766' }), [])).toBe(false);
    expect(originAllowed(req({ origin: 'https://evil.example' }), [])).toBe(false);
    expect(originAllowed(req({ origin: 'null' }), [])).toBe(false);
    expect(originAllowed(req({ origin: 'https://ops.example.com' }), ['https://ops.example.com'])).toBe(true);
  });
});
