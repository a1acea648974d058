import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decideApproval, requestOp, submitOp, withdrawApproval } from '../../src/core/approvals.js';
import { startEventRelay } from '../../src/core/event-relay.js';
import type { KernelEvent } from '../../src/core/events.js';
import { cancelJob, getJob, listJobs, startJob, waitForJob } from '../../src/core/jobs.js';
import { defineOp, type Actor } from '../../src/core/op.js';
import type { Deps } from '../../src/core/ports.js';
import { ownerStamp } from '../../src/core/process-owner.js';
import { recoverInterrupted } from '../../src/core/recovery.js';
import { runOp } from '../../src/core/run-op.js';
import { StateStore } from '../../src/state/state-store.js';
import { volumeRemove } from '../../src/ops/volumes/volume-remove.js';
import { failure } from '../harness/expect-failure.js';
import { FakeEngine, fakeDeps, fakeVolume, testActor } from './fakes.js';
import { auditTrail } from '../harness/audit-trail.js';

/** A long op that reports progress and runs until told to finish (or is cancelled). */
function slowOp() {
  let finish: () => void = () => undefined;
  const gate = new Promise<void>((r) => (finish = r));
  const op = defineOp({
    name: 'thing_slow',
    verb: 'slow',
    summary: 'x',
    effect: 'write',
    long: true,
    input: z.strictObject({ host: z.string().optional().describe('h'), n: z.number().default(1).describe('n') }),
    output: z.object({ n: z.number() }),
    async run(_deps, input, ctx) {
      ctx.onProgress({ phase: 'reading', done: 50, total: 100, unit: 'bytes', rate: 25 });
      await new Promise<void>((resolve, reject) => {
        void gate.then(resolve);
        ctx.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
      });
      return { n: input.n };
    },
    view: (o) => ({ title: 'test', summary: `did ${o.n}` }),
  });
  return { op, finish };
}

/** A second "process": same data dir, its own state store, bus and job registry view. */
function otherProcess(deps: Deps): Deps {
  return { ...deps, state: new StateStore(deps.dataDir), events: { emit: () => undefined, subscribe: () => () => undefined } };
}

const until = async (cond: () => Promise<boolean>, what: string): Promise<void> => {
  for (let i = 0; i < 100; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('jobs', () => {
  it('runs in the background, persists progress with an ETA and the result, and emits started/progress/finished', async () => {
    const deps = await fakeDeps();
    const events: string[] = [];
    deps.events.subscribe((e) => 'job' in e && events.push(`${e.type}:${e.job.status}`));
    const { op, finish } = slowOp();
    const job = await startJob(deps, op, { n: 7 }, { actor: testActor });
    expect(job).toMatchObject({ status: 'queued', op: 'thing_slow', host: 'fake', input: { n: 7 }, actor: { id: 'cli:unit' } });
    await until(async () => (await getJob(deps, job.id)).progress?.phase === 'reading', 'progress');
    expect((await getJob(deps, job.id)).progress).toMatchObject({ done: 50, total: 100, rate: 25, etaSeconds: 2 });
    finish();
    const ended = await waitForJob(deps, job.id);
    expect(ended).toMatchObject({ status: 'succeeded', result: { n: 7 }, summary: 'did 7', error: null });
    expect(events[0]).toBe('job.started:queued');
    expect(events).toContain('job.progress:running');
    expect(events.at(-1)).toBe('job.finished:succeeded');
  });

  it('is cancelled from another process within seconds; cancelling a finished job is refused', async () => {
    const deps = await fakeDeps();
    const { op } = slowOp();
    const job = await startJob(deps, op, {}, { actor: testActor });
    await until(async () => (await getJob(deps, job.id)).status === 'running', 'running');
    const other = otherProcess(deps);
    await cancelJob(other, job.id, testActor);
    const ended = await waitForJob(other, job.id);
    expect(ended).toMatchObject({ status: 'cancelled', cancelRequestedBy: 'cli:unit', error: { code: 'cancelled' } });
    const e = await failure(cancelJob(other, job.id, testActor));
    expect(e).toMatchObject({ code: 'conflict' });
    expect(e.message).toMatch(new RegExp(`job ${job.id} \\(slow\\) already ended cancelled`));
  });

  it('bad ids: malformed is invalid input, unknown is not found; only the starter or an admin cancels', async () => {
    const deps = await fakeDeps(undefined, { access: { operators: ['slack:UOP', 'slack:UOTHER'] } });
    expect((await failure(getJob(deps, '../x'))).code).toBe('invalid_input');
    expect((await failure(getJob(deps, 'zzzz2222'))).message).toBe('no job "zzzz2222"');
    const { op, finish } = slowOp();
    const job = await startJob(deps, op, {}, { actor: { id: 'slack:UOP', source: 'slack' } });
    expect((await failure(cancelJob(deps, job.id, { id: 'slack:UOTHER', source: 'slack' }))).code).toBe('forbidden');
    finish();
    await waitForJob(deps, job.id);
  });

  it('queues jobs beyond the per-host limit, counted across processes', async () => {
    const deps = await fakeDeps(undefined, { jobs: { perHostConcurrency: 1 } });
    const a = slowOp();
    const b = slowOp();
    const first = await startJob(deps, a.op, {}, { actor: testActor });
    await until(async () => (await getJob(deps, first.id)).status === 'running', 'first running');
    const second = await startJob(otherProcess(deps), b.op, {}, { actor: testActor });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await getJob(deps, second.id)).toMatchObject({ status: 'queued', progress: { phase: 'queued' } });
    a.finish();
    b.finish();
    await waitForJob(deps, first.id);
    expect((await waitForJob(deps, second.id)).status).toBe('succeeded');
  });

  it('keeps a bounded history, newest first', async () => {
    const deps = await fakeDeps(undefined, { jobs: { keepFinished: 10 } });
    for (let i = 0; i < 12; i++) {
      const { op, finish } = slowOp();
      finish();
      await waitForJob(deps, (await startJob(deps, op, { n: i }, { actor: testActor })).id);
    }
    const jobs = await listJobs(deps, { limit: 100 });
    expect(jobs).toHaveLength(10);
    expect(jobs[0]?.input).toEqual({ n: 11 });
  });
});

describe('recovery', () => {
  it('marks jobs and approval executions of dead processes interrupted, audited; live ones stay', async () => {
    const deps = await fakeDeps();
    const me = ownerStamp();
    // A process on this machine whose pid is gone, and one elsewhere whose heartbeat stopped long ago.
    const deadHere = { ...me, processId: 'dead-here', pid: 2 ** 22 + 17 };
    const silentElsewhere = { ...me, processId: 'silent', hostname: 'recreated-container', bootId: 'other-boot' };
    const base = { verb: 'slow', host: 'fake', actor: { id: 'cli:x', source: 'cli' }, input: {}, approvalId: null, progress: null, result: null, summary: null, error: null, createdAt: '2026-11-30T11:00:00Z', startedAt: '2026-11-30T11:00:00Z', finishedAt: null, cancelRequestedBy: null };
    await deps.state.update((data) => {
      data.processes = { silent: { ...silentElsewhere, heartbeatAt: '2026-11-30T11:00:00Z' } };
      data.jobs = [
        { ...base, id: 'aaaa2222', op: 'thing_slow', status: 'running', owner: deadHere },
        { ...base, id: 'bbbb2222', op: 'thing_slow', status: 'running', owner: silentElsewhere },
        { ...base, id: 'cccc2222', op: 'thing_slow', status: 'running', owner: me },
      ];
    });
    const found = await recoverInterrupted(deps);
    expect(found.jobs.map((j) => j.id).sort()).toEqual(['aaaa2222', 'bbbb2222']);
    const jobs = await listJobs(deps);
    expect(jobs.find((j) => j.id === 'aaaa2222')).toMatchObject({ status: 'interrupted', error: { message: expect.stringMatching(/stopped before the job ended/) } });
    expect(jobs.find((j) => j.id === 'cccc2222')?.status).toBe('running');
    const audit = await auditTrail(deps.state);
    expect(audit.filter((a) => a.error?.code === 'interrupted')).toHaveLength(2);
  });

  it('a live process in another pid namespace with the same hostname and boot is not taken for dead', async () => {
    const deps = await fakeDeps();
    const me = ownerStamp();
    // Two containers sharing a data dir, both with hostname "storage-ops": the pid means nothing here.
    const otherContainer = { ...me, processId: 'other-ns', pid: 2 ** 22 + 29, pidNs: 'pid:[4026599999]' };
    await deps.state.update((data) => {
      data.processes = { 'other-ns': { ...otherContainer, heartbeatAt: deps.now().toISOString() } };
      data.jobs = [{ id: 'ffff2222', op: 'thing_slow', verb: 'slow', host: 'fake', actor: { id: 'cli:x', source: 'cli' }, input: {}, approvalId: null, progress: null, result: null, summary: null, error: null, createdAt: '2026-11-30T11:00:00Z', startedAt: '2026-11-30T11:00:00Z', finishedAt: null, cancelRequestedBy: null, status: 'running', owner: otherContainer }];
    });
    expect((await recoverInterrupted(deps)).jobs).toEqual([]);
    expect((await getJob(deps, 'ffff2222')).status).toBe('running');
  });

  it('someone waiting on a job whose process died gets it back interrupted instead of waiting for ever', async () => {
    const deps = await fakeDeps();
    const deadHere = { ...ownerStamp(), processId: 'dead-waited', pid: 2 ** 22 + 19 };
    await deps.state.update((data) => {
      data.jobs = [{ id: 'dddd2222', op: 'thing_slow', verb: 'slow', host: 'fake', actor: { id: 'cli:x', source: 'cli' }, input: {}, approvalId: null, progress: null, result: null, summary: null, error: null, createdAt: '2026-11-30T11:00:00Z', startedAt: '2026-11-30T11:00:00Z', finishedAt: null, cancelRequestedBy: null, status: 'running', owner: deadHere }];
    });
    const ended = await waitForJob(deps, 'dddd2222');
    expect(ended.status).toBe('interrupted');
    expect(ended.error?.message).toMatch(/stopped before the job ended/);
  });

  it('a serve process notices a job whose process died and announces it interrupted', async () => {
    const deps = await fakeDeps();
    const relay = await startEventRelay(deps, 60_000);
    const seen: string[] = [];
    deps.events.subscribe((e) => 'job' in e && seen.push(`${e.type}:${e.job.id}:${e.job.status}`));
    const deadHere = { ...ownerStamp(), processId: 'dead-relayed', pid: 2 ** 22 + 23 };
    await deps.state.update((data) => {
      data.jobs = [{ id: 'eeee2222', op: 'thing_slow', verb: 'slow', host: 'fake', actor: { id: 'cli:x', source: 'cli' }, input: {}, approvalId: null, progress: null, result: null, summary: null, error: null, createdAt: '2026-11-30T11:00:00Z', startedAt: '2026-11-30T11:00:00Z', finishedAt: null, cancelRequestedBy: null, status: 'running', owner: deadHere }];
    });
    for (let i = 0; i < 10; i++) await relay.poll();
    expect(seen).toContain('job.finished:eeee2222:interrupted');
    expect((await getJob(deps, 'eeee2222')).status).toBe('interrupted');
    relay.stop();
  });
});

describe('approvals by id', () => {
  const alice: Actor = { id: 'slack:UALICE', source: 'slack' };
  const bob: Actor = { id: 'slack:UBOB', source: 'slack' };
  const aliceCli: Actor = { id: 'cli:alice', source: 'cli' };
  const config = {
    access: { admins: ['slack:UALICE', 'slack:UBOB', 'cli:alice'], people: [{ name: 'alice', ids: ['slack:UALICE', 'cli:alice'] }], twoPersonRule: { cli: true, slack: true, mcp: true } },
  };
  const engine = (): FakeEngine => {
    const e = new FakeEngine();
    e.volumes = [fakeVolume('old_a'), fakeVolume('old_b')];
    return e;
  };

  it('a record runs once: replayed or altered executions are refused, and nothing runs twice', async () => {
    const deps = await fakeDeps([engine()], config);
    const rec = await requestOp(deps, volumeRemove, { names: ['old_a'] }, { actor: alice });
    expect((await failure(runOp(deps, volumeRemove, undefined, { actor: bob, approvalId: rec.id }))).code).toBe('conflict');
    await decideApproval(deps, rec.id, 'approve', { actor: bob, idempotencyKey: 'click-1' });
    expect((await deps.state.read()).approvals?.[0]?.status).toBe('executed');
    const replay = await failure(runOp(deps, volumeRemove, undefined, { actor: bob, approvalId: rec.id }));
    expect(replay).toMatchObject({ code: 'conflict', message: `approval ${rec.id} is executed; it cannot run again` });

    const rec2 = await requestOp(deps, volumeRemove, { names: ['old_b'] }, { actor: alice });
    const altered = await failure(runOp(deps, volumeRemove, { names: ['other'], host: 'fake', force: false }, { actor: bob, approvalId: rec2.id }));
    expect(altered.message).toMatch(/was given for other input/);
  });

  it('the same decision delivered twice is a no-op that says so; another admin is told who decided', async () => {
    const deps = await fakeDeps([engine()], config);
    const rec = await requestOp(deps, volumeRemove, { names: ['old_a'] }, { actor: alice });
    await decideApproval(deps, rec.id, 'approve', { actor: bob, idempotencyKey: 'click-1' });
    const again = await decideApproval(deps, rec.id, 'approve', { actor: bob, idempotencyKey: 'click-1' });
    expect(again).toMatchObject({ alreadyDecided: true, message: expect.stringMatching(/already approved and executed by slack:UBOB at .*\(this very decision, delivered again\)$/) });
    const other = await decideApproval(deps, rec.id, 'deny', { actor: alice, idempotencyKey: 'click-2' });
    expect(other.message).toMatch(/already approved and executed by slack:UBOB/);
  });

  it('the two-person rule holds across one person’s identities; AI clients never approve', async () => {
    const deps = await fakeDeps([engine()], { ...config, access: { ...config.access, admins: [...config.access.admins, 'mcp:assistant'] } });
    const rec = await requestOp(deps, volumeRemove, { names: ['old_a'] }, { actor: alice });
    const self = await failure(decideApproval(deps, rec.id, 'approve', { actor: aliceCli, idempotencyKey: 'k-self' }));
    expect(self).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/two-person rule/) });
    const ai = await failure(decideApproval(deps, rec.id, 'approve', { actor: { id: 'mcp:assistant', source: 'mcp' }, idempotencyKey: 'k-ai' }));
    expect(ai).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/AI clients .* never approve/) });
    const viaSubmit = await submitOp(deps, volumeRemove, { names: ['old_b'] }, { actor: { id: 'mcp:assistant', source: 'mcp' }, confirmed: true });
    expect(viaSubmit.kind).toBe('pending');
  });

  it('the requester withdraws their own pending request (any of their identities); others cannot', async () => {
    const deps = await fakeDeps([engine()], config);
    const rec = await requestOp(deps, volumeRemove, { names: ['old_a'] }, { actor: alice });
    expect((await failure(withdrawApproval(deps, rec.id, bob))).code).toBe('forbidden');
    expect(await withdrawApproval(deps, rec.id, aliceCli)).toMatchObject({ status: 'withdrawn' });
    expect((await failure(withdrawApproval(deps, rec.id, alice))).message).toMatch(/is withdrawn; only pending requests/);
    expect((await decideApproval(deps, rec.id, 'approve', { actor: bob, idempotencyKey: 'late' })).alreadyDecided).toBe(true);
  });

  it('a request made by another process reaches this process’s subscribers through the relay', async () => {
    const deps = await fakeDeps([engine()], config);
    const relay = await startEventRelay(deps, 60_000);
    const seen: KernelEvent[] = [];
    deps.events.subscribe((e) => seen.push(e));
    const rec = await requestOp(otherProcess(deps), volumeRemove, { names: ['old_a'] }, { actor: alice });
    await relay.poll();
    expect(seen.map((e) => e.type)).toEqual(['approval.requested']);
    await decideApproval(otherProcess(deps), rec.id, 'approve', { actor: bob, idempotencyKey: 'x' });
    await relay.poll();
    expect(seen.map((e) => e.type)).toEqual(['approval.requested', 'approval.decided', 'approval.executed']);
    await relay.poll();
    expect(seen).toHaveLength(3);
    relay.stop();
  });
});
