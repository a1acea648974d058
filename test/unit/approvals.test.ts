import { describe, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import { decideApproval, previewOp, requestOp, submitOp } from '../../src/core/approvals.js';
import { grantPolicy } from '../../src/core/policy.js';
import { volumePrune } from '../../src/ops/volumes/volume-prune.js';
import { volumeRemove } from '../../src/ops/volumes/volume-remove.js';
import { systemCleanup } from '../../src/ops/system/system-cleanup.js';
import { StateStore } from '../../src/state/state-store.js';
import type { Actor } from '../../src/core/op.js';
import { FakeEngine, fakeContainer, fakeDeps, fakeVolume } from './fakes.js';
import { failure as errorOf } from '../harness/expect-failure.js';
import { auditTrail } from '../harness/audit-trail.js';
import { randomUUID } from 'node:crypto';
const key = (): string => randomUUID();
import { decideAndWait, outputOf } from '../harness/settle.js';

const ANON = (n: number): string => String(n).repeat(64).slice(0, 64).replace(/[^0-9]/g, 'a');
const alice: Actor = { id: 'slack:UALICE', source: 'slack', display: 'alice' };
const bob: Actor = { id: 'slack:UBOB', source: 'slack', display: 'bob' };
const carol: Actor = { id: 'slack:UCAROL', source: 'slack', display: 'carol' };
const viewer: Actor = { id: 'slack:UVIEW', source: 'slack' };
const access = { access: { admins: ['slack:UBOB', 'slack-group:SADMINS'], operators: ['slack:UALICE'] } };


function engineWith(): FakeEngine {
  const e = new FakeEngine();
  e.volumes = [fakeVolume(ANON(1)), fakeVolume(ANON(2)), fakeVolume('named_unused'), fakeVolume('used'), fakeVolume('critical_data'), fakeVolume('pinned', { 'storage-ops.protected': 'true' }), fakeVolume('prod_x')];
  e.containers = [fakeContainer('app', ['used'], 'exited')];
  e.df.volumes = e.volumes.map((v, i) => ({ name: v.name, driver: 'local', size: (i + 1) * 1000, refCount: v.name === 'used' ? 1 : 0 }));
  return e;
}

describe('approval workflow', () => {
  it('viewers cannot request; operators get a pending request with the preview; nothing runs yet', async () => {
    const engine = engineWith();
    const deps = await fakeDeps([engine], access);
    expect((await errorOf(requestOp(deps, volumePrune, { all: true }, { actor: viewer }))).code).toBe('forbidden');
    const res = await submitOp(deps, volumePrune, { all: true }, { actor: alice });
    expect(res.kind).toBe('pending');
    const rec = res.kind === 'pending' ? res.approval : null;
    expect(rec).toMatchObject({ status: 'pending', twoPerson: true, requester: { id: 'slack:UALICE' }, op: 'volume_prune', host: 'fake' });
    expect(rec?.input).toEqual({ all: true, host: 'fake' });
    expect(engine.calls.filter((c) => c.startsWith('remove'))).toEqual([]);
  });

  it('the preview lists what goes with sizes and why the rest stays', async () => {
    const deps = await fakeDeps([engineWith()], { ...access, protected: { names: ['critical_data'], patterns: ['prod_*'] } });
    const { preview } = await previewOp(deps, volumePrune, {}, { actor: alice });
    const byName = Object.fromEntries(preview.items.map((i) => [i.name, `${i.action}${i.reason ? ': ' + i.reason : ''}`]));
    expect(byName).toEqual({
      [ANON(1)]: 'remove',
      [ANON(2)]: 'remove',
      named_unused: 'skip: named volume (add --all to include named volumes)',
      used: 'skip: in use by app (exited)',
      critical_data: 'skip: protected by name (config protected.names)',
      pinned: 'skip: protected by label storage-ops.protected=true',
      prod_x: 'skip: protected by pattern "prod_*"',
    });
    expect(preview.totalBytes).toBe(1000 + 2000);
  });

  it('executes exactly the previewed set: newer volumes are not added, changed ones are skipped', async () => {
    const engine = engineWith();
    const deps = await fakeDeps([engine], access);
    const rec = await requestOp(deps, volumePrune, {}, { actor: alice });
    engine.volumes.push(fakeVolume(ANON(3)));
    engine.containers.push(fakeContainer('late', [ANON(2)], 'running'));
    const r = await decideAndWait(deps, rec.id, 'approve', { idempotencyKey: key(), actor: bob });
    const out = r.output as { removed: { name: string }[]; skipped: { name: string; reason: string }[] };
    expect(out.removed.map((x) => x.name)).toEqual([ANON(1)]);
    expect(out.skipped.find((x) => x.name === ANON(2))?.reason).toBe('in use now by late (running)');
    expect(out.skipped.map((x) => x.name)).not.toContain(ANON(3));
    expect(engine.volumes.map((v) => v.name)).toContain(ANON(3));
    expect(r.record).toMatchObject({ status: 'executed', decidedBy: 'slack:UBOB' });
  });

  it('enforces the two-person rule and the admin role for approvals', async () => {
    const engine = engineWith();
    const deps = await fakeDeps([engine], { access: { admins: ['slack:UBOB'], operators: ['slack:UALICE', 'slack:UCAROL'] } });
    const own = await requestOp(deps, volumePrune, {}, { actor: bob });
    expect((await errorOf(decideAndWait(deps, own.id, 'approve', { idempotencyKey: key(), actor: bob }))).message).toMatch(/two-person rule/);
    const e = await errorOf(decideAndWait(deps, own.id, 'approve', { idempotencyKey: key(), actor: carol }));
    expect(e.code).toBe('forbidden');
    expect(e.message).toMatch(/carol \(operator\) may not approve requests: it needs the admin role/);
    const viaGroup: Actor = { id: 'slack:UDAVE', source: 'slack', groups: ['slack-group:SADMINS'] };
    const deps2 = await fakeDeps([engineWith()], access);
    const req = await requestOp(deps2, volumePrune, {}, { actor: alice });
    expect((await decideAndWait(deps2, req.id, 'approve', { idempotencyKey: key(), actor: viaGroup })).record.status).toBe('executed');
    expect(engine.calls.filter((c) => c.startsWith('remove'))).toEqual([]);
  });

  it('a second approval is a no-op that says who decided', async () => {
    const engine = engineWith();
    const deps = await fakeDeps([engine], { access: { admins: ['slack:UBOB', 'slack:UCAROL'], operators: ['slack:UALICE'] } });
    const rec = await requestOp(deps, volumePrune, {}, { actor: alice });
    await decideAndWait(deps, rec.id, 'approve', { idempotencyKey: key(), actor: bob });
    const removals = engine.calls.filter((c) => c.startsWith('removeVolume')).length;
    const again = await decideAndWait(deps, rec.id, 'approve', { idempotencyKey: key(), actor: carol });
    expect(again.alreadyDecided).toBe(true);
    expect(again.message).toMatch(new RegExp(`request ${rec.id} was already approved and executed by slack:UBOB at `));
    expect(engine.calls.filter((c) => c.startsWith('removeVolume')).length).toBe(removals);
  });

  it('two approvals arriving at once (two processes sharing the data dir) execute once', async () => {
    const engine = engineWith();
    const deps = await fakeDeps([engine], { access: { admins: ['slack:UBOB', 'cli:ops'], operators: ['slack:UALICE'] } });
    const rec = await requestOp(deps, volumePrune, {}, { actor: alice });
    const other = { ...deps, state: new StateStore(deps.dataDir) };
    const [a, b] = await Promise.all([
      decideAndWait(deps, rec.id, 'approve', { idempotencyKey: key(), actor: bob }),
      decideAndWait(other, rec.id, 'approve', { idempotencyKey: key(), actor: { id: 'cli:ops', source: 'cli' } }),
    ]);
    expect([a.alreadyDecided, b.alreadyDecided].sort()).toEqual([false, true]);
    expect(engine.calls.filter((c) => c.startsWith('removeVolume'))).toEqual([`removeVolume:${ANON(1)}`, `removeVolume:${ANON(2)}`]);
  });

  it('expired and denied requests never run, and the audit log tells the story', async () => {
    const engine = engineWith();
    const deps = await fakeDeps([engine], access);
    const rec = await requestOp(deps, volumePrune, {}, { actor: alice });
    const later = { ...deps, now: () => new Date(Date.parse(rec.expiresAt) + 1000) };
    const e = await errorOf(decideAndWait(later, rec.id, 'approve', { idempotencyKey: key(), actor: bob }));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(/expired at/);

    const rec2 = await requestOp(deps, volumePrune, {}, { actor: alice });
    const denied = await decideAndWait(deps, rec2.id, 'deny', { idempotencyKey: key(), actor: bob, note: 'denied: not now' });
    expect(denied.message).toMatch(/denied by slack:UBOB; nothing was changed/);
    expect((await decideAndWait(deps, rec2.id, 'approve', { idempotencyKey: key(), actor: bob })).message).toMatch(/already denied by slack:UBOB/);
    expect(engine.calls.filter((c) => c.startsWith('remove'))).toEqual([]);

    const audit = await auditTrail(deps.state);
    const story = (id: string): string[] => audit.filter((a) => a.approvalId === id).map((a) => `${a.phase}:${a.outcome}:${a.actor}`);
    expect(story(rec.id)).toEqual(['requested:pending:slack:UALICE', 'decided:expired:system']);
    expect(story(rec2.id)).toEqual(['requested:pending:slack:UALICE', 'decided:denied:slack:UBOB']);
  });

  it('unknown and malformed ids are clear errors', async () => {
    const deps = await fakeDeps([engineWith()], access);
    expect((await errorOf(decideAndWait(deps, 'zzzz2222', 'approve', { idempotencyKey: key(), actor: bob }))).message).toBe('no approval request "zzzz2222"');
    expect((await errorOf(decideAndWait(deps, '../x', 'approve', { idempotencyKey: key(), actor: bob }))).code).toBe('invalid_input');
  });

  it('the local CLI admin confirms and runs at once; a policy approves as itself', async () => {
    const engine = engineWith();
    const deps = await fakeDeps([engine], access);
    const cli: Actor = { id: 'cli:root', source: 'cli' };
    const res = await submitOp(deps, volumeRemove, { names: ['named_unused'] }, { actor: cli, confirmed: true });
    expect(res.kind).toBe('done');
    expect(res.kind === 'done' ? res.approval : null).toMatchObject({ status: 'executed', decidedBy: 'cli:root', decisionNote: 'confirmed by the requester (cli)' });
    const pol = await submitOp(deps, volumeRemove, { names: [ANON(1)] }, { actor: { id: 'schedule:nightly', source: 'schedule' }, grant: grantPolicy('schedule:nightly') });
    expect(pol.kind === 'done' ? pol.approval?.decidedBy : null).toBe('policy:schedule:nightly');
    // A look-alike object (as JSON input could make) is no grant.
    const forged = { policy: 'schedule:nightly' } as unknown as ReturnType<typeof grantPolicy>;
    expect((await errorOf(submitOp(deps, volumeRemove, { names: [ANON(2)] }, { actor: { id: 'schedule:nightly', source: 'schedule' }, grant: forged }))).code).toBe('forbidden');
    const op = await submitOp(deps, volumeRemove, { names: [ANON(2)] }, { actor: { id: 'slack:UALICE', source: 'slack' }, confirmed: true });
    expect(op.kind).toBe('pending');
  });
});

describe('volume_remove', () => {
  it('never removes a volume in use; a protected one only with --force, by an admin', async () => {
    const engine = engineWith();
    const deps = await fakeDeps([engine], { protected: { names: ['critical_data'] } });
    const cli: Actor = { id: 'cli:root', source: 'cli' };
    const r1 = await submitOp(deps, volumeRemove, { names: ['used', 'critical_data'] }, { actor: cli, confirmed: true });
    expect((await outputOf(deps, r1))).toMatchObject({
      removed: [],
      skipped: [
        { name: 'used', reason: 'in use by app (exited)' },
        { name: 'critical_data', reason: expect.stringMatching(/protected by name.*rm --force/) },
      ],
    });
    const r2 = await submitOp(deps, volumeRemove, { names: ['critical_data'], force: true }, { actor: cli, confirmed: true });
    expect((await outputOf(deps, r2))).toMatchObject({ removed: [{ name: 'critical_data' }] });
    expect((await errorOf(previewOp(deps, volumeRemove, { names: ['nope_vol'] }, { actor: cli }))).code).toBe('not_found');
  });

  it('an engine error on one item leaves the rest going and lists what failed', async () => {
    const engine = engineWith();
    engine.failOn.set(ANON(1), new OpsError('unavailable', 'removing volume on fake failed: device or resource busy'));
    const deps = await fakeDeps([engine]);
    const r = await submitOp(deps, volumePrune, {}, { actor: { id: 'cli:root', source: 'cli' }, confirmed: true });
    const out = (await outputOf(deps, r)) as { removed: { name: string }[]; failed: { name: string; reason: string }[] };
    expect(out?.failed).toEqual([expect.objectContaining({ name: ANON(1), reason: expect.stringMatching(/device or resource busy/) })]);
    expect(out?.removed.map((x) => x.name)).toEqual([ANON(2)]);
  });
});

describe('system_cleanup', () => {
  it('by default removes old stopped containers, old dangling images, unused networks and build cache; volumes only when asked', async () => {
    const engine = new FakeEngine();
    const old = '2026-11-01T00:00:00Z';
    const fresh = '2026-11-30T11:00:00Z';
    engine.containers = [
      fakeContainer('old_exited', [], 'exited', { id: 'c-old', created: old, imageId: 'sha256:img-a' }),
      fakeContainer('new_exited', [], 'exited', { id: 'c-new', created: fresh }),
      fakeContainer('running', ['data'], 'running', { id: 'c-run', created: old, imageId: 'sha256:img-b' }),
    ];
    engine.images = [
      { id: 'sha256:img-a', repoTags: [], created: old, size: 100, dangling: true },
      { id: 'sha256:img-b', repoTags: [], created: old, size: 200, dangling: true },
      { id: 'sha256:img-c', repoTags: ['keep:1'], created: old, size: 300, dangling: false },
      { id: 'sha256:img-d', repoTags: [], created: fresh, size: 400, dangling: true },
    ];
    engine.networks = [
      { id: 'n1', name: 'bridge', driver: 'bridge', created: old, builtIn: true, containers: 0 },
      { id: 'n2', name: 'unused_net', driver: 'bridge', created: old, builtIn: false, containers: 0 },
      { id: 'n3', name: 'busy_net', driver: 'bridge', created: old, builtIn: false, containers: 2 },
    ];
    engine.df.buildCache = [
      { id: 'bc1', type: 'regular', description: 'step', size: 50, inUse: false, shared: false, lastUsedAt: old },
      { id: 'bc2', type: 'regular', description: 'busy', size: 60, inUse: true, shared: false, lastUsedAt: old },
    ];
    engine.df.containers = [{ id: 'c-old', name: 'old_exited', image: '', state: 'exited', status: '', created: old, sizeRw: 10, sizeRootFs: 0, volumes: [] }];
    engine.volumes = [fakeVolume('data'), fakeVolume('loose')];
    const deps = await fakeDeps([engine]);
    const { preview } = await previewOp(deps, systemCleanup, {}, { actor: { id: 'cli:root', source: 'cli' } });
    const plan = preview.items.map((i) => `${i.action} ${i.kind} ${i.name}`);
    expect(plan).toEqual([
      'remove container old_exited',
      'remove image <none> img-a',
      'skip image <none> img-b',
      'remove network unused_net',
      'skip network busy_net',
      'remove build_cache regular step',
      'skip build_cache regular busy',
    ]);
    expect(preview.totalBytes).toBe(10 + 100 + 50);
    const r = await submitOp(deps, systemCleanup, {}, { actor: { id: 'cli:root', source: 'cli' }, confirmed: true });
    const out = (await outputOf(deps, r)) as { removed: { kind: string; name: string }[] };
    expect(out?.removed.map((x) => `${x.kind}:${x.name}`)).toEqual(['container:old_exited', 'image:<none> img-a', 'network:unused_net', 'build_cache:regular step']);
    expect(engine.pruned).toHaveLength(1);
    expect(engine.volumes.map((v) => v.name)).toEqual(['data', 'loose']);

    const withVolumes = await previewOp(deps, systemCleanup, { volumes: true, containers: false }, { actor: { id: 'cli:root', source: 'cli' } });
    expect(withVolumes.preview.items.map((i) => `${i.action} ${i.kind} ${i.name}`)).toEqual(['skip volume data', 'remove volume loose']);
  });
});
