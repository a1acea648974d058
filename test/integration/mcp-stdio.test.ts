/**
 * `storage-ops mcp` spawned as a real stdio server against a real engine, driven by the SDK's
 * Client: the tool list is the catalog, a write and a read act on the engine, a volume resource
 * reads back, and a volume_remove requested over MCP waits, is approved through the CLI, and its
 * outcome is read back by the MCP client.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { catalog } from '../../src/ops/catalog.js';
import { CLI_MAIN, cli, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, uniqueName, type TestEngine } from '../harness/engines.js';

const text = (r: CallToolResult): string => r.content.filter((c) => c.type === 'text').map((c) => (c as { text: string }).text).join('\n');

describeDocker('MCP over stdio (storage-ops mcp)', () => {
  let engine: TestEngine;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  let stderr = '';
  const vol = uniqueName('mcp_stdio');
  const doomed = uniqueName('mcp_doomed');

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    const dir = mkdtempSync(join(tmpdir(), 'so-mcp-stdio-'));
    const config = join(dir, 'config.json');
    // The desk assistant may write and request; approving stays with people.
    writeFileSync(config, JSON.stringify({ hosts: [{ name: 'local', url: engine.url }], mcp: { stdioIdentity: 'mcp:desk' }, access: { operators: ['mcp:desk'] } }));
    env = { ...cliEnv(engine, dir), STORAGE_OPS_CONFIG: config };
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI_MAIN, 'mcp'], env: env as Record<string, string>, stderr: 'pipe' });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    if (engine) await docker(engine, 'volume', 'rm', '-f', vol, doomed).catch(() => undefined);
  });

  it('lists one tool per op and acts on the engine as the configured identity', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(catalog.map((o) => o.name));
    const created = (await client.callTool({ name: 'volume_create', arguments: { name: vol, labels: { app: 'mcp' } } })) as CallToolResult;
    expect(created.isError, `${text(created)}\n${stderr}`).toBeFalsy();
    expect((await docker(engine, 'volume', 'inspect', '--format', '{{json .Labels}}', vol)).trim()).toBe('{"app":"mcp"}');
    const listed = (await client.callTool({ name: 'volume_list', arguments: { name: vol } })) as CallToolResult;
    expect((listed.structuredContent as { volumes: Array<{ name: string }> }).volumes.map((v) => v.name)).toEqual([vol]);
    const res = await client.readResource({ uri: `storage://volumes/local/${vol}` });
    expect(JSON.parse((res.contents[0] as { text: string }).text)).toMatchObject({ name: vol, labels: { app: 'mcp' }, usedBy: [] });
    const audit = JSON.parse(cli(['audit', '--json', '--op', 'volume_create'], env).stdout) as { entries: Array<{ actor: string; source: string; input: { name: string } }> };
    expect(audit.entries.find((e) => e.input.name === vol)).toMatchObject({ actor: 'mcp:desk', source: 'mcp' });
  });

  it('a volume_remove requested over MCP waits, is approved through the CLI, and the MCP client reads the outcome', async () => {
    await docker(engine, 'volume', 'create', doomed);
    const asked = (await client.callTool({ name: 'volume_remove', arguments: { names: [doomed] } })) as CallToolResult;
    const sc = asked.structuredContent as { outcome: string; approval: { id: string } };
    expect(sc.outcome, text(asked)).toBe('awaiting_approval');
    expect((await docker(engine, 'volume', 'ls', '-q')).split('\n')).toContain(doomed);

    // The assistant cannot approve its own request.
    const self = (await client.callTool({ name: 'approval_approve', arguments: { id: sc.approval.id } })) as CallToolResult;
    expect(self.isError).toBe(true);
    expect((await docker(engine, 'volume', 'ls', '-q')).split('\n')).toContain(doomed);

    const approved = cli(['approve', sc.approval.id], env);
    expect(approved.code, approved.stderr).toBe(0);
    expect((await docker(engine, 'volume', 'ls', '-q')).split('\n')).not.toContain(doomed);

    const back = (await client.callTool({ name: 'approval_list', arguments: { all: true } })) as CallToolResult;
    const record = (back.structuredContent as { approvals: Array<{ id: string; status: string; decidedBy: string; execution: { outcome: string } | null }> }).approvals.find(
      (a) => a.id === sc.approval.id,
    );
    expect(record).toMatchObject({ status: 'executed', execution: { outcome: 'ok' } });
    expect(record?.decidedBy).toMatch(/^cli:/);
  });
});
