/**
 * MCP and the kernel's jobs and approvals, on a real engine, through the SDK's Client over
 * InMemoryTransport: a backup without a progress token returns its job at once; with one it
 * streams progress and returns the result; cancelling the request cancels the job and leaves
 * nothing behind; a destructive call confirmed in the client (elicitation) runs, a declined one
 * is withdrawn; jobs read back as storage://jobs/{id}.
 */
import { readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, ElicitRequestSchema, type CallToolResult, type ElicitResult, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { listJobs, waitForJob } from '../../src/core/jobs.js';
import type { Deps } from '../../src/core/ports.js';
import { storeDir } from '../../src/backup/store.js';
import { createMcpServer } from '../../src/mcp/create-server.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';

const text = (r: CallToolResult): string => r.content.filter((c) => c.type === 'text').map((c) => (c as { text: string }).text).join('\n');

async function connect(deps: Deps, identity: string, elicit?: () => ElicitResult): Promise<Client> {
  const server = createMcpServer(deps, identity);
  const client = new Client({ name: 'jobs-test', version: '1.0.0' }, { capabilities: elicit ? { elicitation: { form: {} } } : {} });
  if (elicit) client.setRequestHandler(ElicitRequestSchema, () => elicit());
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  await client.listTools();
  return client;
}

describeDocker('MCP jobs, progress, cancellation and confirmations on a real engine', () => {
  let engine: TestEngine;
  let deps: Deps;
  let client: Client;
  const big = uniqueName('mcp_big');
  const small = uniqueName('mcp_small');

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    deps = await makeDeps([engine], { access: { operators: ['mcp:assistant'], admins: ['mcp:boss'], twoPersonRule: { mcp: false } } });
    for (const v of [big, small]) await docker(engine, 'volume', 'create', v);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${big}:/v`, HELPER_TAG, 'sh', '-c', 'head -c 134217728 /dev/urandom > /v/random.bin');
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${small}:/v`, HELPER_TAG, 'sh', '-c', 'echo hello > /v/a');
    client = await connect(deps, 'mcp:assistant');
  });

  afterAll(async () => {
    await client?.close();
    if (deps) rmSync(deps.dataDir, { recursive: true, force: true });
    if (engine) for (const v of [big, small]) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  it('without a progress token a backup returns its job at once; the job reads back as a resource', async () => {
    const r = (await client.callTool({ name: 'volume_backup', arguments: { volumes: [small] } })) as CallToolResult;
    expect(r.isError, text(r)).toBeFalsy();
    const sc = r.structuredContent as { job: { id: string; status: string; op: string }; result: unknown };
    expect(sc.job.op).toBe('volume_backup');
    expect(['queued', 'running']).toContain(sc.job.status);
    expect(sc.result).toBeNull();
    expect(r.content.some((c) => c.type === 'resource_link' && c.uri === `storage://jobs/${sc.job.id}`)).toBe(true);
    const done = await waitForJob(deps, sc.job.id);
    expect(done.status).toBe('succeeded');
    const res = await client.readResource({ uri: `storage://jobs/${sc.job.id}` });
    const job = (JSON.parse((res.contents[0] as { text: string }).text) as { job: { status: string; result: { backups: Array<{ volume: string }> } } }).job;
    expect(job.status).toBe('succeeded');
    expect(job.result.backups[0]?.volume).toBe(small);
    const shown = (await client.callTool({ name: 'job_show', arguments: { id: sc.job.id } })) as CallToolResult;
    expect((shown.structuredContent as { job: { status: string } }).job.status).toBe('succeeded');
  });

  it('with a progress token a backup streams increasing progress and returns the result', async () => {
    const seen: Progress[] = [];
    // gzip keeps the backup running for a few seconds: job progress reaches MCP about once a second.
    const r = (await client.callTool({ name: 'volume_backup', arguments: { volumes: [big], prune: false, compression: 'gzip' } }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p),
      resetTimeoutOnProgress: true,
    })) as CallToolResult;
    expect(r.isError, text(r)).toBeFalsy();
    const sc = r.structuredContent as { job: { status: string }; result: { backups: Array<{ id: string; volume: string; dataBytes: number }> } };
    expect(sc.job.status).toBe('succeeded');
    expect(sc.result.backups[0]).toMatchObject({ volume: big, dataBytes: 134217728 });
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
    expect(seen.some((p) => typeof p.total === 'number' && p.total > 0)).toBe(true);
    expect(seen.every((p) => typeof p.message === 'string' && p.message.length > 0)).toBe(true);
  });

  it('cancelling the request cancels the backup job; nothing is left behind', async () => {
    const fresh = await makeDeps([engine], { access: { operators: ['mcp:assistant'] } });
    const c = await connect(fresh, 'mcp:assistant');
    try {
      const controller = new AbortController();
      // gzip is slow enough that the stop lands mid-archive; job progress reaches MCP about once a second.
      const call = c.callTool({ name: 'volume_backup', arguments: { volumes: [big], prune: false, compression: 'gzip' } }, CallToolResultSchema, {
        signal: controller.signal,
        onprogress: () => controller.abort('the user pressed stop'),
      });
      await expect(call).rejects.toThrow(/the user pressed stop|abort/i);
      const [job] = await listJobs(fresh, { limit: 1 });
      expect(job?.op).toBe('volume_backup');
      const ended = await waitForJob(fresh, job!.id);
      expect(ended.status).toBe('cancelled');
      expect(ended.cancelRequestedBy).toBe('mcp:assistant');
      expect(readdirSync(storeDir(fresh)).filter((f) => !f.startsWith('.'))).toEqual([]);
      expect((await fresh.state.read()).backups ?? []).toEqual([]);
      expect((await docker(engine, 'ps', '-a', '--filter', 'label=storage-ops.helper', '-q')).trim()).toBe('');
    } finally {
      await c.close();
      rmSync(fresh.dataDir, { recursive: true, force: true });
    }
  });

  it('a destructive call the user confirms in the client runs (admin, two-person rule off); a declined one is withdrawn', async () => {
    const doomed = uniqueName('mcp_rm');
    const kept = uniqueName('mcp_keep');
    for (const v of [doomed, kept]) await docker(engine, 'volume', 'create', v);
    const asked: string[] = [];
    const yes = await connect(deps, 'mcp:boss', () => (asked.push('yes'), { action: 'accept', content: { confirm: true } }));
    const no = await connect(deps, 'mcp:boss', () => ({ action: 'decline' }));
    try {
      const ran = (await yes.callTool({ name: 'volume_remove', arguments: { names: [doomed] } })) as CallToolResult;
      const sc = ran.structuredContent as { outcome: string; approval: { status: string; decidedBy: string }; result: { removed: Array<{ name: string }> } };
      expect(sc.outcome, text(ran)).toBe('executed');
      expect(sc.approval).toMatchObject({ status: 'executed', decidedBy: 'mcp:boss' });
      expect(sc.result.removed.map((x) => x.name)).toEqual([doomed]);
      expect(asked).toEqual(['yes']);
      const declined = (await no.callTool({ name: 'volume_remove', arguments: { names: [kept] } })) as CallToolResult;
      expect((declined.structuredContent as { outcome: string; approval: { status: string } })).toMatchObject({ outcome: 'withdrawn', approval: { status: 'withdrawn' } });
      const names = (await docker(engine, 'volume', 'ls', '-q')).split('\n');
      expect(names).not.toContain(doomed);
      expect(names).toContain(kept);
    } finally {
      await yes.close();
      await no.close();
      await docker(engine, 'volume', 'rm', '-f', kept, doomed).catch(() => undefined);
    }
  });
});
