import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineOp } from '../../src/core/op.js';
import { runOp } from '../../src/core/run-op.js';
import { submitOp } from '../../src/core/approvals.js';
import { volumeCreate } from '../../src/ops/volumes/volume-create.js';
import { FakeEngine, fakeDeps, testActor } from './fakes.js';
import { OpsError } from '../../src/core/errors.js';
import { currentJobId } from '../../src/core/job-scope.js';
import { auditTrail } from '../harness/audit-trail.js';

const destroyer = defineOp({
  name: 'thing_destroy',
  verb: 'destroy',
  summary: 'test op',
  effect: 'destructive',
  input: z.strictObject({ target: z.string().describe('t'), apiToken: z.string().optional().describe('secret') }),
  output: z.object({ destroyed: z.string() }),
  async preview(_deps, input) {
    return { summary: `destroy ${input.target}`, items: [{ kind: 'thing', id: input.target, name: input.target, sizeBytes: 1, action: 'remove' }], totalBytes: 1, notes: [] };
  },
  async run(_deps, input, ctx) {
    return { destroyed: ctx.preview?.items.map((i) => i.id).join(',') ?? 'no preview' };
  },
  view: (o) => ({ title: 'destroyed', summary: o.destroyed }),
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as OpsError).code;
  }
}

describe('runOp', () => {
  it('rejects bad input before touching the engine, naming the field, and audits the refusal', async () => {
    const engine = new FakeEngine();
    const deps = await fakeDeps([engine]);
    const err = await runOp(deps, volumeCreate, { name: '-bad' }, { actor: testActor }).catch((e: unknown) => e as OpsError);
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).code).toBe('invalid_input');
    expect((err as OpsError).message).toMatch(/^create: <name> is invalid/);
    expect(engine.calls).toEqual([]);
    const audit = await auditTrail(deps.state);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ op: 'volume_create', outcome: 'error', error: { code: 'invalid_input' } });
  });

  it('rejects unknown fields (strict inputs)', async () => {
    const deps = await fakeDeps();
    expect(await codeOf(runOp(deps, volumeCreate, { name: 'ok_name', colour: 'red' }, { actor: testActor }))).toBe('invalid_input');
  });

  it('refuses destructive ops without an approved record; confirmed ones run on an approval record', async () => {
    const deps = await fakeDeps();
    expect(await codeOf(runOp(deps, destroyer, { target: 'x' }, { actor: testActor }))).toBe('approval_required');
    const done = await submitOp(deps, destroyer, { target: 'x' }, { actor: testActor, confirmed: true });
    expect(done).toMatchObject({ kind: 'done', output: { destroyed: 'x' } });
    const { approvals } = await deps.state.read();
    const audit = await auditTrail(deps.state);
    expect(approvals).toHaveLength(1);
    expect(approvals?.[0]).toMatchObject({ status: 'executed', decidedBy: 'cli:unit', op: 'thing_destroy' });
    expect(audit.map((a) => `${a.phase}:${a.outcome}`)).toEqual(['finished:error', 'requested:pending', 'decided:ok', 'started:pending', 'finished:ok']);
    expect(audit.slice(1).every((a) => a.approvalId === approvals?.[0]?.id)).toBe(true);
  });

  it('writes started and finished entries around writes, with actor, source, host and duration', async () => {
    const deps = await fakeDeps();
    await runOp(deps, volumeCreate, { name: 'db_data', labels: { a: 'b' } }, { actor: testActor });
    const audit = await auditTrail(deps.state);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ phase: 'started', outcome: 'pending', actor: 'cli:unit', source: 'cli', host: 'fake', op: 'volume_create' });
    expect(audit[1]).toMatchObject({ phase: 'finished', outcome: 'ok', input: { name: 'db_data', labels: { a: 'b' } } });
    expect(typeof audit[1]?.durationMs).toBe('number');
  });

  it('never stores secrets in the audit log', async () => {
    const deps = await fakeDeps();
    await submitOp(deps, destroyer, { target: 'x', apiToken: 'hunter2-very-secret' }, { actor: testActor, confirmed: true });
    const text = JSON.stringify(await deps.state.read());
    expect(text).not.toContain('hunter2-very-secret');
    expect(text).toContain('[redacted]');
  });

  it('reports an op whose output breaks its own schema as an internal error', async () => {
    const liar = defineOp({
      name: 'liar',
      verb: 'liar',
      summary: 'x',
      effect: 'read',
      input: z.strictObject({}),
      output: z.object({ n: z.number() }),
      run: async () => ({ n: 'not a number' }) as unknown as { n: number },
      view: () => ({ title: 'liar', summary: '' }),
    });
    const deps = await fakeDeps();
    expect(await codeOf(runOp(deps, liar, {}, { actor: testActor }))).toBe('internal');
  });

  it('runs an op within its job, so lower layers (helper labels) can name the job', async () => {
    const probe = defineOp({
      name: 'probe',
      verb: 'probe',
      summary: 'x',
      effect: 'read',
      input: z.strictObject({}),
      output: z.object({ job: z.string().nullable() }),
      run: async () => {
        await Promise.resolve();
        return { job: currentJobId() };
      },
      view: () => ({ title: 'probe', summary: '' }),
    });
    const deps = await fakeDeps();
    expect(await runOp(deps, probe, {}, { actor: testActor, jobId: 'job-42' })).toEqual({ job: 'job-42' });
    expect(await runOp(deps, probe, {}, { actor: testActor })).toEqual({ job: null });
  });
});
