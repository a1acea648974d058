/**
 * MCP over Streamable HTTP at /mcp of a spawned `storage-ops serve` against a real engine: no
 * token and a wrong token get 401, a foreign Origin or Host 403, tokens from the environment and
 * from sha256 hashes in the config map to identities and so to roles, a session stays with its
 * token, and read-only mode lists write tools but refuses them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { catalog } from '../../src/ops/catalog.js';
import { CLI_MAIN, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, uniqueName, type TestEngine } from '../harness/engines.js';

const OPERATOR_TOKEN = 'op-token-0123456789abcdef0123456789';
const VIEWER_TOKEN = 'viewer-token-fedcba9876543210fedcba98';
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const text = (r: CallToolResult): string => r.content.filter((c) => c.type === 'text').map((c) => (c as { text: string }).text).join('\n');

interface Served {
  url: string;
  child: ChildProcess;
}

async function startServe(engine: TestEngine, mcp: Record<string, unknown>): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'so-mcp-http-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ hosts: [{ name: 'local', url: engine.url }], access: { operators: ['mcp:ops-bot'] }, mcp }));
  const env = { ...cliEnv(engine, dir), STORAGE_OPS_CONFIG: config, STORAGE_OPS_HTTP_PORT: '0', TEST_MCP_OPERATOR_TOKEN: OPERATOR_TOKEN };
  const child = spawn(process.execPath, [CLI_MAIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(log);
      if (m?.[1]) resolve(m[1]);
    });
  });
  expect(log).not.toContain(OPERATOR_TOKEN);
  return { url: `${url}/mcp`, child };
}

async function stopServe(s: Served | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** A raw initialize POST, with whatever headers the case needs (node:http, so Host can be set). */
function rawPost(url: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let data = '';
      res.on('data', (d: Buffer) => (data += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describeDocker('MCP over HTTP (/mcp on serve)', () => {
  let engine: TestEngine;
  let served: Served | undefined;
  let readOnly: Served | undefined;
  const vol = uniqueName('mcp_http');

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    const tokens = [
      { name: 'ops-bot', env: 'TEST_MCP_OPERATOR_TOKEN' },
      { name: 'dashboard', sha256: sha256(VIEWER_TOKEN) },
    ];
    served = await startServe(engine, { tokens });
    readOnly = await startServe(engine, { tokens, readOnly: true });
  });

  afterAll(async () => {
    await stopServe(served);
    await stopServe(readOnly);
    if (engine) await docker(engine, 'volume', 'rm', '-f', vol).catch(() => undefined);
  });

  it('answers 401 without a token or with a wrong one, 403 for a foreign Origin or Host', async () => {
    const url = served!.url;
    const none = await rawPost(url, {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).toMatch(/Authorization: Bearer/);
    const wrong = await rawPost(url, { authorization: 'Bearer not-a-configured-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toContain('not-a-configured-token-at-all');
    const foreignOrigin = await rawPost(url, { authorization: `Bearer ${OPERATOR_TOKEN}`, origin: 'https://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    expect((JSON.parse(foreignOrigin.body) as { error: { message: string } }).error.message).toMatch(/Origin "https:\/\/evil\.example" may not call this server/);
    const foreignHost = await rawPost(url, { authorization: `Bearer ${OPERATOR_TOKEN}`, host: 'evil.example:80' });
    expect(foreignHost.status).toBe(403);
    const ownOrigin = await rawPost(url, { authorization: `Bearer ${OPERATOR_TOKEN}`, origin: new URL(url).origin });
    expect(ownOrigin.status).toBe(200);
  });

  it('maps each token to its identity and role: the operator creates, the viewer is told which role can', async () => {
    const operator = await connect(served!.url, OPERATOR_TOKEN);
    const viewer = await connect(served!.url, VIEWER_TOKEN);
    try {
      const { tools } = await viewer.listTools();
      expect(tools.map((t) => t.name)).toEqual(catalog.map((o) => o.name));
      const refused = (await viewer.callTool({ name: 'volume_create', arguments: { name: vol } })) as CallToolResult;
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/mcp:dashboard \(viewer\) may not .* needs the operator role/);
      const created = (await operator.callTool({ name: 'volume_create', arguments: { name: vol } })) as CallToolResult;
      expect(created.isError, text(created)).toBeFalsy();
      expect((await docker(engine, 'volume', 'ls', '-q')).split('\n')).toContain(vol);
      const seen = (await viewer.callTool({ name: 'volume_inspect', arguments: { name: vol } })) as CallToolResult;
      expect((seen.structuredContent as { name: string }).name).toBe(vol);
    } finally {
      await operator.close();
      await viewer.close();
    }
  });

  it('keeps a session with the token that opened it', async () => {
    const init = await rawPost(served!.url, { authorization: `Bearer ${OPERATOR_TOKEN}` });
    const session = init.headers['mcp-session-id'];
    expect(typeof session).toBe('string');
    const hijack = await fetch(served!.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${VIEWER_TOKEN}`, 'mcp-session-id': String(session), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }),
    });
    expect(hijack.status).toBe(403);
  });

  it('read-only mode lists every tool and refuses writes and destructive ones', async () => {
    const client = await connect(readOnly!.url, OPERATOR_TOKEN);
    try {
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(catalog.length);
      expect(tools.find((t) => t.name === 'volume_create')?.description).toMatch(/^Refused on this server: it is read-only/);
      const before = (await docker(engine, 'volume', 'ls', '-q')).split('\n');
      const create = (await client.callTool({ name: 'volume_create', arguments: { name: `${vol}_ro` } })) as CallToolResult;
      expect(create.isError).toBe(true);
      expect(text(create)).toMatch(/read-only/);
      const rm = (await client.callTool({ name: 'volume_remove', arguments: { names: [vol] } })) as CallToolResult;
      expect(rm.isError).toBe(true);
      expect((await docker(engine, 'volume', 'ls', '-q')).split('\n')).toEqual(before);
      const list = (await client.callTool({ name: 'volume_list', arguments: {} })) as CallToolResult;
      expect(list.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});
