/**
 * Destructive ops against a real engine: nothing is deleted without an approval record on any
 * path, the executed set equals the previewed set, protected volumes survive prune and cleanup,
 * a double approval executes once, a failing item does not stop the rest, and the audit log
 * tells the whole story of each request.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import { decideApproval, requestOp, submitOp } from '../../src/core/approvals.js';
import type { Actor } from '../../src/core/op.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { systemCleanup } from '../../src/ops/system/system-cleanup.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';
import { volumePrune } from '../../src/ops/volumes/volume-prune.js';
import { volumeRemove } from '../../src/ops/volumes/volume-remove.js';
import type { RemovalResult } from '../../src/ops/shared/removal.js';
import { CLI_MAIN, cli, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { importHelperImage, startPrivateEngine, type PrivateEngine } from '../harness/private-engine.js';
import { randomUUID } from 'node:crypto';
const key = (): string => randomUUID();
import { decideAndWait, outputOf } from '../harness/settle.js';

const run = promisify(execFile);
const alice: Actor = { id: 'slack:UALICE', source: 'slack', display: 'alice' };
const bob: Actor = { id: 'slack:UBOB', source: 'slack', display: 'bob' };
const ACCESS = { access: { admins: ['slack:UBOB'], operators: ['slack:UALICE'] } };

describeDocker('destructive operations on a real engine', () => {
  let engine: TestEngine;
  let deps: Deps;
  const run_ = uniqueName('ap');
  const label = `storage-ops-test=${run_}`;
  const created: string[] = [];
  let user = '';

  const volumeNames = async (): Promise<string[]> => (await docker(engine, 'volume', 'ls', '-q', '--filter', `label=${label}`)).split('\n').filter(Boolean).sort();
  const makeVolume = async (name?: string, extraLabels: string[] = []): Promise<string> => {
    const args = ['volume', 'create', '--label', label, ...extraLabels.flatMap((l) => ['--label', l])];
    const id = (await docker(engine, ...args, ...(name ? [name] : []))).trim();
    created.push(id);
    return id;
  };

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    deps = await makeDeps([engine], { ...ACCESS, protected: { names: [`${run_}_critical`], patterns: [`${run_}_prod_*`] } });
  });

  afterAll(async () => {
    if (!engine) return;
    if (user) await docker(engine, 'rm', '-f', user).catch(() => undefined);
    for (const v of created) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  it('prune: the approved request removes exactly the previewed set; protected and used volumes survive', async () => {
    const anon1 = await makeVolume();
    const anon2 = await makeVolume();
    const named = await makeVolume(`${run_}_named`);
    const critical = await makeVolume(`${run_}_critical`);
    const prod = await makeVolume(`${run_}_prod_db`);
    const pinned = await makeVolume(`${run_}_pinned`, ['storage-ops.protected=true']);
    const used = await makeVolume(`${run_}_used`);
    user = uniqueName('ap_user');
    await docker(engine, 'create', '--name', user, '--network', 'none', '-v', `${used}:/d`, HELPER_TAG, 'true');

    const rec = await requestOp(deps, volumePrune, { label: [label], all: true }, { actor: alice });
    const going = rec.preview.items.filter((i) => i.action === 'remove').map((i) => i.name).sort();
    expect(going).toEqual([anon1, anon2, named].sort());
    expect(Object.fromEntries(rec.preview.items.filter((i) => i.action === 'skip').map((i) => [i.name, i.reason]))).toEqual({
      [critical]: 'protected by name (config protected.names)',
      [prod]: `protected by pattern "${run_}_prod_*"`,
      [pinned]: 'protected by label storage-ops.protected=true',
      [used]: `in use by ${user} (created)`,
    });
    // Nothing happened yet.
    expect(await volumeNames()).toHaveLength(7);

    // Meanwhile: a new unused volume appears, and a previewed one gets a user.
    const late = await makeVolume();
    const lateUser = uniqueName('ap_late');
    await docker(engine, 'create', '--name', lateUser, '--network', 'none', '-v', `${anon2}:/d`, HELPER_TAG, 'true');
    try {
      const r = await decideAndWait(deps, rec.id, 'approve', { idempotencyKey: key(), actor: bob });
      const out = r.output as RemovalResult;
      expect(out.removed.map((x) => x.name).sort()).toEqual([anon1, named].sort());
      expect(out.skipped.find((x) => x.name === anon2)?.reason).toMatch(/in use now by/);
      expect(await volumeNames()).toEqual([anon2, critical, late, pinned, prod, used].sort());
    } finally {
      await docker(engine, 'rm', '-f', lateUser);
    }
  });

  it('no path deletes without an approval record', async () => {
    const v = await makeVolume(`${run_}_nopath`);
    const e = await runOp(deps, volumeRemove, { names: [v] }, { actor: bob }).catch((x: unknown) => x as OpsError);
    expect(e).toBeInstanceOf(OpsError);
    expect((e as OpsError).code).toBe('approval_required');
    // An id that names no record, and a pending one nobody approved, run nothing either.
    expect(((await runOp(deps, volumeRemove, { names: [v] }, { actor: bob, approvalId: 'abcd2345' }).catch((x: unknown) => x)) as OpsError).code).toBe('not_found');
    const unapproved = await requestOp(deps, volumeRemove, { names: [v] }, { actor: alice });
    expect(((await runOp(deps, volumeRemove, undefined, { actor: bob, approvalId: unapproved.id }).catch((x: unknown) => x)) as OpsError).code).toBe('conflict');
    const pending = await submitOp(deps, volumeRemove, { names: [v] }, { actor: alice, confirmed: true });
    expect(pending.kind).toBe('pending');
    expect(await volumeNames()).toContain(v);
  });

  it('CLI: preview and exit 3 without --yes; --yes runs it on an approval record', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'so-ap-cli-'));
    const env = cliEnv(engine, dataDir);
    const v = await makeVolume(`${run_}_cli`);
    const preview = cli(['rm', v], env);
    expect(preview.code).toBe(3);
    expect(preview.stdout).toMatch(new RegExp(`remove\\s+volume\\s+${v}`));
    expect(preview.stdout).toMatch(/Nothing was changed\. Run it again with --yes/);
    expect(await volumeNames()).toContain(v);

    const done = cli(['rm', v, '--yes'], env);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/rm on local: 1 removed/);
    expect(await volumeNames()).not.toContain(v);
    const approvals = JSON.parse(cli(['approvals', '--all', '--json'], env).stdout) as { approvals: { op: string; status: string; decidedBy: string; requester: { id: string } }[] };
    expect(approvals.approvals[0]).toMatchObject({ op: 'volume_remove', status: 'executed' });
    expect(approvals.approvals[0]?.decidedBy).toBe(approvals.approvals[0]?.requester.id);
  });

  it('two approvals at once from two processes execute the request once; the audit tells the story', async () => {
    const shared = await makeDeps([engine], ACCESS);
    const cfg = join(shared.dataDir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ hosts: [{ name: engine.name, url: engine.url }], helperImage: HELPER_TAG, ...ACCESS }));
    const env = { ...cliEnv(engine, shared.dataDir), STORAGE_OPS_CONFIG: cfg };
    const a = await makeVolume();
    const b = await makeVolume();
    const rec = await requestOp(shared, volumePrune, { label: [label] }, { actor: alice });
    expect(rec.preview.items.filter((i) => i.action === 'remove').map((i) => i.name)).toEqual(expect.arrayContaining([a, b]));
    const both = await Promise.all([1, 2].map(() => run(process.execPath, [CLI_MAIN, 'approve', rec.id, '--json'], { env }).then((r) => JSON.parse(r.stdout) as { alreadyDecided: boolean; message: string })));
    expect(both.map((x) => x.alreadyDecided).sort()).toEqual([false, true]);
    expect(both.find((x) => x.alreadyDecided)?.message).toMatch(/was already approved/);
    expect(await volumeNames()).not.toContain(a);
    const audit = (JSON.parse(cli(['audit', '--json', '--limit', '200'], env).stdout) as { entries: { op: string; phase: string; outcome: string; actor: string; approvalId?: string | null }[] }).entries
      .filter((e) => e.approvalId === rec.id)
      .reverse()
      .map((e) => `${e.op} ${e.phase} ${e.outcome} ${e.actor}`);
    expect(audit).toEqual([
      'volume_prune requested pending slack:UALICE',
      expect.stringMatching(/^volume_prune decided ok cli:/),
      expect.stringMatching(/^volume_prune started pending cli:/),
      expect.stringMatching(/^volume_prune finished ok cli:/),
    ]);
  });

  it('an engine error in the middle of a prune: the rest goes on, the result lists what failed', async () => {
    const ok1 = await makeVolume();
    const stuck = await makeVolume();
    const ok2 = await makeVolume();
    const Mountpoint = (await docker(engine, 'volume', 'inspect', '--format', '{{.Mountpoint}}', stuck)).trim();
    // A mount inside the volume makes the engine fail to delete its directory (EBUSY).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', Mountpoint]);
    try {
      const res = await submitOp(deps, volumePrune, { label: [label] }, { actor: { id: 'cli:root', source: 'cli' }, confirmed: true });
      const out = ((await outputOf(deps, res))) as RemovalResult;
      expect(out.failed.map((f) => f.name)).toEqual([stuck]);
      expect(out.failed[0]?.reason).toMatch(/removing volume/);
      expect(out.removed.map((r) => r.name)).toEqual(expect.arrayContaining([ok1, ok2]));
    } finally {
      execFileSync('umount', [Mountpoint]);
    }
  });
});

describeDocker('system_cleanup on a real engine', () => {
  let priv: PrivateEngine;
  let engine: TestEngine;

  beforeAll(async () => {
    priv = await startPrivateEngine('cl', 'overlay2');
    engine = { name: 'cl', driver: 'overlay2', url: priv.url };
    await importHelperImage(priv, HELPER_TAG);
  });

  afterAll(async () => {
    await priv?.stop();
  });

  it('removes the previewed stopped containers, dangling images, build cache and networks; keeps what is used and protected', async () => {
    const deps = await makeDeps([engine], { protected: { names: ['keep_me'] } });
    await docker(engine, 'run', '--name', 'stopped_one', '--network', 'none', HELPER_TAG, 'true');
    await docker(engine, 'run', '-d', '--name', 'runner', '--network', 'none', '-v', 'busy_vol:/d', HELPER_TAG, 'sleep', '600');
    await docker(engine, 'volume', 'create', 'keep_me');
    await docker(engine, 'volume', 'create', 'loose_vol');
    // An untagged (dangling) image and some build cache, made without a registry.
    const ctx = mkdtempSync(join(tmpdir(), 'so-bctx-'));
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY blob /blob\n');
    writeFileSync(join(ctx, 'blob'), Buffer.alloc(200_000, 7));
    // Debian's docker.io client has BuildKit built in; newer clients need the buildx plugin.
    await run('/usr/bin/docker', ['-H', engine.url, 'build', '-q', ctx], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    await run('sh', ['-c', `tar -C ${ctx} -cf - blob | docker -H ${engine.url} import -`]);
    await docker(engine, 'network', 'create', 'unused_net');

    const cutoffArgs = { containersOlderThan: '0m', imagesOlderThan: '0m' };
    const preview = (await submitOp(deps, systemCleanup, { ...cutoffArgs, volumes: true }, { actor: { id: 'slack:U1', source: 'slack' } }).catch((e: unknown) => e)) as OpsError;
    expect(preview.code).toBe('forbidden');

    const res = await submitOp(deps, systemCleanup, { ...cutoffArgs, volumes: true }, { actor: { id: 'cli:root', source: 'cli' }, confirmed: true });
    const out = ((await outputOf(deps, res))) as RemovalResult;
    const removed = out.removed.map((r) => `${r.kind}:${r.name}`);
    expect(removed).toEqual(expect.arrayContaining(['container:stopped_one', 'network:unused_net', 'volume:loose_vol']));
    expect(removed.filter((r) => r.startsWith('image:'))).toHaveLength(2);
    expect(removed.some((r) => r.startsWith('build_cache:')), JSON.stringify(out)).toBe(true);
    expect(out.failed).toEqual([]);
    expect(out.skipped.map((s) => `${s.kind}:${s.name}:${s.reason}`)).toEqual(expect.arrayContaining(['volume:keep_me:protected by name (config protected.names)', 'volume:busy_vol:in use by runner (running)']));

    expect((await docker(engine, 'ps', '-a', '--format', '{{.Names}}')).trim()).toBe('runner');
    expect((await docker(engine, 'images', '-q', '--filter', 'dangling=true')).trim()).toBe('');
    expect((await docker(engine, 'images', '--format', '{{.Repository}}:{{.Tag}}')).trim()).toBe(HELPER_TAG);
    expect((await docker(engine, 'volume', 'ls', '-q')).split('\n').filter(Boolean).sort()).toEqual(['busy_vol', 'keep_me']);
    expect((await docker(engine, 'network', 'ls', '--format', '{{.Name}}')).split('\n').filter(Boolean).sort()).toEqual(['host', 'none']);
    const bc = JSON.parse(await docker(engine, 'system', 'df', '--format', '{{json .}}').then((t) => `[${t.trim().split('\n').join(',')}]`)) as { Type: string; TotalCount: string }[];
    expect(bc.find((x) => x.Type === 'Build Cache')?.TotalCount).toBe('0');
    await docker(engine, 'rm', '-f', 'runner');
  });

  it('never removes the helper image, and takes only the build cache its approved preview listed', async () => {
    const deps = await makeDeps([engine]);
    const root: Actor = { id: 'cli:root', source: 'cli' };
    for (const fill of [3, 5]) {
      const ctx = mkdtempSync(join(tmpdir(), 'so-bctx-'));
      writeFileSync(join(ctx, 'Dockerfile'), `FROM scratch\nCOPY a /a\nCOPY b /b\n`);
      writeFileSync(join(ctx, 'a'), Buffer.alloc(100_000, fill));
      writeFileSync(join(ctx, 'b'), Buffer.alloc(100_000, fill + 1));
      await run('/usr/bin/docker', ['-H', engine.url, 'build', '-q', ctx], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    }
    const request = await requestOp(deps, systemCleanup, { images: 'unused', imagesOlderThan: '0m', buildCache: true }, { actor: root });
    expect(request.preview.items.find((i) => i.kind === 'image' && i.name === HELPER_TAG)).toEqual(
      expect.objectContaining({ action: 'keep', reason: `the helper image of storage-ops (helperImage ${HELPER_TAG}): backups, restores, disk usage and benchmarks run in it` }),
    );
    const cache = request.preview.items.filter((i) => i.kind === 'build_cache' && i.action === 'remove');
    expect(cache.length).toBeGreaterThan(1);
    // One record left out of what is approved, as if the preview had not shown it: it must survive.
    const spared = cache[0]!.id;
    await deps.state.update((d) => {
      const r = d.approvals?.find((a) => a.id === request.id);
      if (r) r.preview.items = r.preview.items.filter((i) => i.id !== spared);
    });
    const { output } = await decideAndWait(deps, request.id, 'approve', { actor: root, idempotencyKey: key() });
    const out = output as RemovalResult;
    expect(out.failed).toEqual([]);
    expect(out.removed.map((r) => r.id)).not.toContain(spared);
    expect(out.removed.filter((r) => r.kind === 'build_cache').length).toBeGreaterThan(0);
    expect(out.skipped).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'image', name: HELPER_TAG, reason: expect.stringMatching(/^the helper image of storage-ops/) })]));
    expect((await deps.engines.get().systemDf()).buildCache.map((b) => b.id)).toContain(spared);
    expect((await docker(engine, 'images', '--format', '{{.Repository}}:{{.Tag}}')).trim()).toBe(HELPER_TAG);
    // And the next backup still has its helper.
    await docker(engine, 'volume', 'create', 'after_cleanup');
    const { backups } = await runOp(deps, volumeBackup, { volumes: ['after_cleanup'], prune: false }, { actor: root });
    expect(backups).toHaveLength(1);
  });
});
