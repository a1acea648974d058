/**
 * The MCP server through the SDK's real Client over InMemoryTransport, on fake engines: the tool
 * list checked against the catalog (names, schemas, annotations), calls and their structured
 * results, bad input, roles, read-only mode, destructive requests with and without elicitation,
 * resources and prompts.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type CallToolResult, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../../src/mcp/create-server.js';
import { portableSchema } from '../../src/mcp/tools/tool-catalog.js';
import { catalog } from '../../src/ops/catalog.js';
import type { Deps } from '../../src/core/ports.js';
import { fakeContainer, fakeDeps, FakeEngine, fakeVolume } from './fakes.js';
import { auditTrail } from '../harness/audit-trail.js';

interface Connected {
  client: Client;
  deps: Deps;
  engine: FakeEngine;
}

const ACCESS = { operators: ['mcp:assistant'], admins: ['mcp:boss'], viewers: [] };

async function connect(
  opts: { identity?: string; readOnly?: boolean; config?: Record<string, unknown>; elicit?: (message: string) => ElicitResult; engine?: FakeEngine } = {},
): Promise<Connected> {
  const engine = opts.engine ?? new FakeEngine({ name: 'local', url: 'unix:///fake.sock' });
  const deps = await fakeDeps([engine], { access: ACCESS, ...opts.config });
  const server = createMcpServer(deps, opts.identity ?? 'mcp:assistant', opts.readOnly === undefined ? {} : { readOnly: opts.readOnly });
  const client = new Client({ name: 'unit-test', version: '1.0.0' }, { capabilities: opts.elicit ? { elicitation: { form: {} } } : {} });
  if (opts.elicit) {
    const answer = opts.elicit;
    client.setRequestHandler(ElicitRequestSchema, (req) => answer(req.params.message));
  }
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  return { client, deps, engine };
}

const text = (r: CallToolResult): string => r.content.filter((c) => c.type === 'text').map((c) => (c as { text: string }).text).join('\n');
const call = async (c: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => (await c.callTool({ name, arguments: args })) as CallToolResult;

describe('MCP tool list', () => {
  it('has one tool per catalog op, with the op’s schemas and truthful annotations', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(catalog.map((op) => op.name));
    for (const op of catalog) {
      const tool = tools.find((t) => t.name === op.name);
      if (!tool) throw new Error(`no tool ${op.name}`);
      const { $schema: _d, ...input } = portableSchema(z.toJSONSchema(op.input, { io: 'input', target: 'draft-2020-12' })) as Record<string, unknown>;
      expect(tool.inputSchema, op.name).toEqual(input);
      expect(tool.outputSchema?.type, op.name).toBe('object');
      expect(tool.title, op.name).toBeTruthy();
      expect(tool.description, op.name).toContain(op.summary.split(' --')[0]?.split('--')[0]?.slice(0, 20));
      expect(tool.annotations, op.name).toEqual({
        title: tool.title,
        readOnlyHint: op.effect === 'read',
        destructiveHint: op.effect === 'destructive',
        idempotentHint: op.effect === 'read',
        openWorldHint: false,
      });
      if (op.effect === 'destructive') {
        expect(tool.description).toMatch(/never acts on your word alone/);
        expect(Object.keys(tool.outputSchema?.properties ?? {})).toEqual(['outcome', 'message', 'approval', 'job', 'result']);
      } else if (!op.long) {
        const { $schema: _o, ...output } = portableSchema(z.toJSONSchema(op.output, { io: 'output', target: 'draft-2020-12' })) as Record<string, unknown>;
        expect(tool.outputSchema, op.name).toEqual(output);
      }
    }
  });

  it('writes nullable types as anyOf branches of one type each, meaning the same', () => {
    const schema = z.toJSONSchema(z.object({ a: z.string().min(2).nullable().describe('A') }));
    expect(portableSchema(schema)).toMatchObject({ properties: { a: { description: 'A', anyOf: [{ type: 'string', minLength: 2 }, { type: 'null' }] } } });
    const types = JSON.stringify(catalog.map((op) => portableSchema(z.toJSONSchema(op.output, { io: 'output' }))));
    expect(types).not.toMatch(/"type":\[/);
  });

  it('writes CLI flags in descriptions as the field names a model passes', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    const rm = tools.find((t) => t.name === catalog.find((o) => o.verb === 'rm')?.name);
    expect(rm?.description).toContain('`force`');
    expect(rm?.description).not.toContain('--force');
  });
});

describe('MCP tool calls', () => {
  it('a read returns structuredContent matching the outputSchema, the readable text and resource links', async () => {
    const engine = new FakeEngine({ name: 'local', url: 'unix:///fake.sock' });
    engine.volumes.push(fakeVolume('db_data', { app: 'db' }), fakeVolume('cache_data'));
    const { client } = await connect({ engine });
    await client.listTools(); // the Client validates structuredContent against outputSchema once it knows the tools
    const r = await call(client, 'volume_list');
    expect(r.isError).toBeFalsy();
    const sc = r.structuredContent as { host: string; volumes: Array<{ name: string }> };
    expect(sc.host).toBe('local');
    expect(sc.volumes.map((v) => v.name).sort()).toEqual(['cache_data', 'db_data']);
    expect(text(r)).toContain('db_data');
    const links = r.content.filter((c) => c.type === 'resource_link').map((c) => (c as { uri: string }).uri);
    expect(links.sort()).toEqual(['storage://volumes/local/cache_data', 'storage://volumes/local/db_data']);
  });

  it('a write runs for an operator and is audited under the MCP identity', async () => {
    const { client, engine, deps } = await connect();
    const r = await call(client, 'volume_create', { name: 'new_data', labels: { app: 'x' } });
    expect(r.isError, text(r)).toBeFalsy();
    expect(engine.volumes.map((v) => v.name)).toContain('new_data');
    const audit = await auditTrail(deps.state);
    expect(audit.at(-1)).toMatchObject({ actor: 'mcp:assistant', source: 'mcp', op: 'volume_create', outcome: 'ok' });
  });

  it('schema violations come back as isError naming every bad field, and change nothing', async () => {
    const { client, engine } = await connect();
    const r = await call(client, 'volume_create', { name: 'bad/name', colour: 'red' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/invalid_input/);
    expect(text(r)).toMatch(/`name` volume names are/);
    expect(text(r)).toMatch(/unknown field\(s\) `colour`/);
    expect(text(r)).toMatch(/Nothing was changed/);
    const missing = await call(client, 'volume_remove', {});
    expect(text(missing)).toMatch(/`names` is required/);
    expect(engine.calls.filter((c) => c.startsWith('createVolume') || c.startsWith('removeVolume'))).toEqual([]);
  });

  it('an unknown volume or host is an isError with a hint', async () => {
    const { client } = await connect();
    const vol = await call(client, 'volume_inspect', { name: 'no_such_volume' });
    expect(vol.isError).toBe(true);
    expect(text(vol)).toMatch(/not_found.*volume "no_such_volume" does not exist/);
    const host = await call(client, 'volume_list', { host: 'nope' });
    expect(host.isError).toBe(true);
    expect(text(host)).toMatch(/unknown host "nope"/);
  });

  it('an unknown tool is a protocol error', async () => {
    const { client } = await connect();
    await expect(call(client, 'volume_frobnicate')).rejects.toThrow(/Unknown tool "volume_frobnicate"/);
  });

  it('a role that may not run a tool is told which role can', async () => {
    const { client, engine } = await connect({ identity: 'mcp:stranger' });
    const r = await call(client, 'volume_create', { name: 'new_data' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/mcp:stranger \(viewer\) may not .*needs the operator role/);
    expect(engine.volumes).toEqual([]);
    const approve = await call(client, 'approval_approve', { id: 'abcdefgh' });
    expect(text(approve)).toMatch(/needs the admin role/);
  });

  it('read-only mode lists every tool but refuses writes and destructive ones', async () => {
    const { client, engine } = await connect({ readOnly: true });
    engine.volumes.push(fakeVolume('old_data'));
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(catalog.length);
    for (const t of tools) {
      const op = catalog.find((o) => o.name === t.name);
      expect(t.description?.startsWith('Refused on this server'), t.name).toBe(op?.effect !== 'read');
    }
    const create = await call(client, 'volume_create', { name: 'x_data' });
    expect(create.isError).toBe(true);
    expect(text(create)).toMatch(/read-only \(mcp\.readOnly\)/);
    const rm = await call(client, 'volume_remove', { names: ['old_data'] });
    expect(rm.isError).toBe(true);
    expect(engine.volumes.map((v) => v.name)).toEqual(['old_data']);
    const list = await call(client, 'volume_list');
    expect(list.isError).toBeFalsy();
  });
});

describe('MCP destructive tools', () => {
  const withVolumes = (...names: string[]): FakeEngine => {
    const e = new FakeEngine({ name: 'local', url: 'unix:///fake.sock' });
    e.volumes.push(...names.map((n) => fakeVolume(n)));
    return e;
  };

  it('return the preview and a pending approval, and change nothing, when the client cannot ask its user', async () => {
    const engine = withVolumes('old_data', 'busy_data');
    engine.containers.push(fakeContainer('app', ['busy_data']));
    const { client, deps } = await connect({ engine });
    await client.listTools();
    const r = await call(client, 'volume_remove', { names: ['old_data', 'busy_data'] });
    expect(r.isError, text(r)).toBeFalsy();
    const sc = r.structuredContent as { outcome: string; approval: { id: string; status: string; preview: { items: Array<{ name: string; action: string }> } }; result: unknown };
    expect(sc.outcome).toBe('awaiting_approval');
    expect(sc.approval.status).toBe('pending');
    expect(sc.approval.preview.items).toEqual([
      expect.objectContaining({ name: 'old_data', action: 'remove' }),
      expect.objectContaining({ name: 'busy_data', action: 'skip' }),
    ]);
    expect(sc.result).toBeNull();
    expect(text(r)).toContain(`storage-ops approve ${sc.approval.id}`);
    expect(engine.volumes.map((v) => v.name).sort()).toEqual(['busy_data', 'old_data']);
    const { approvals } = await deps.state.read();
    expect(approvals?.map((a) => [a.id, a.requester.id, a.twoPerson])).toEqual([[sc.approval.id, 'mcp:assistant', true]]);
  });

  it('ask the user with the preview; a yes under the two-person rule still waits for an admin', async () => {
    const engine = withVolumes('old_data');
    const asked: string[] = [];
    const { client } = await connect({ engine, elicit: (m) => (asked.push(m), { action: 'accept', content: { confirm: true } }) });
    const r = await call(client, 'volume_remove', { names: ['old_data'] });
    const sc = r.structuredContent as { outcome: string; message: string };
    expect(asked[0]).toMatch(/volume_remove/);
    expect(asked[0]).toMatch(/old_data/);
    expect(sc.outcome).toBe('awaiting_approval');
    expect(sc.message).toMatch(/two-person rule/);
    expect(engine.volumes.map((v) => v.name)).toEqual(['old_data']);
  });

  it('a yes from an admin identity with the two-person rule off for MCP runs exactly the preview', async () => {
    const engine = withVolumes('old_data');
    const { client } = await connect({
      engine,
      identity: 'mcp:boss',
      config: { access: { ...ACCESS, twoPersonRule: { mcp: false } } },
      elicit: () => ({ action: 'accept', content: { confirm: true } }),
    });
    const r = await call(client, 'volume_remove', { names: ['old_data'] });
    const sc = r.structuredContent as { outcome: string; result: { removed: Array<{ name: string }> } };
    expect(sc.outcome, text(r)).toBe('executed');
    expect(sc.result.removed.map((x) => x.name)).toEqual(['old_data']);
    expect(engine.volumes).toEqual([]);
  });

  it('a declined confirmation changes nothing', async () => {
    const engine = withVolumes('old_data');
    const { client } = await connect({ engine, identity: 'mcp:boss', config: { access: { ...ACCESS, twoPersonRule: { mcp: false } } }, elicit: () => ({ action: 'decline' }) });
    const r = await call(client, 'volume_remove', { names: ['old_data'] });
    expect(r.structuredContent).toMatchObject({ outcome: 'withdrawn', approval: { status: 'withdrawn', decidedBy: 'mcp:boss' } });
    expect(engine.volumes.map((v) => v.name)).toEqual(['old_data']);
  });
});

describe('MCP resources and prompts', () => {
  it('reads a volume through the template, the backup catalog, and lists disk reports per host', async () => {
    const engine = new FakeEngine({ name: 'local', url: 'unix:///fake.sock' });
    engine.volumes.push(fakeVolume('db_data'));
    const { client } = await connect({ engine });
    const vol = await client.readResource({ uri: 'storage://volumes/local/db_data' });
    const json = vol.contents.find((c) => c.mimeType === 'application/json') as { text: string };
    expect(JSON.parse(json.text)).toMatchObject({ name: 'db_data', host: 'local', lastBackup: null });
    expect(vol.contents.find((c) => c.mimeType === 'text/plain')).toBeTruthy();
    await expect(client.readResource({ uri: 'storage://volumes/local/nothing_here' })).rejects.toThrow(/does not exist/);
    const catalogRes = await client.readResource({ uri: 'storage://backups' });
    expect(JSON.parse((catalogRes.contents[0] as { text: string }).text)).toMatchObject({ backups: [] });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['storage://backups', 'storage://hosts/local/disk-report']));
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining(['storage://volumes/{host}/{name}', 'storage://backups/{id}']));
  });

  it('offers a health check and a clean-up plan that name real tools', async () => {
    const { client } = await connect();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['plan_cleanup', 'storage_health_check']);
    const names = new Set(catalog.map((o) => o.name));
    for (const p of prompts) {
      const got = await client.getPrompt({ name: p.name, arguments: { host: 'local' } });
      const body = (got.messages[0]?.content as { text: string }).text;
      const mentioned = [...body.matchAll(/\b[a-z]+_[a-z_]+\b/g)].map((m) => m[0]).filter((w) => w.includes('_') && !w.startsWith('storage'));
      expect(mentioned.length, p.name).toBeGreaterThan(2);
      for (const m of mentioned) expect(names.has(m), `${p.name} mentions ${m}`).toBe(true);
    }
  });
});
