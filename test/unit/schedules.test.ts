/**
 * Schedules without an engine: cron and time zone checks (naming the schedule and key), the
 * monitor's hysteresis, the least-squares forecast, the run claim (no overlap), catch-up after
 * downtime and cron firing through a hand-driven clock, monitor posts on level changes only,
 * and `schedule run` handed to a running scheduler.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cronProblem, timezoneProblem } from '../../src/config/cron-syntax.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { SchedulePost } from '../../src/core/events.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { renderViewText } from '../../src/core/views/render-text.js';
import { forecastFull, leastSquares } from '../../src/ops/schedules/forecast.js';
import { nextLevel } from '../../src/ops/schedules/monitor-level.js';
import { MAX_SAMPLES_PER_HOST, recordUsage, usageHistory } from '../../src/ops/schedules/usage-history.js';
import { runSchedule } from '../../src/ops/schedules/schedule-job.js';
import { scheduleRun } from '../../src/ops/schedules/schedule-run.js';
import { claimRun, scheduleData } from '../../src/ops/schedules/schedule-store.js';
import { matchVerb } from '../../src/core/words/parse-words.js';
import { catalog } from '../../src/ops/catalog.js';
import type { CronHandle, CronPort } from '../../src/schedules/cron-port.js';
import { startScheduler } from '../../src/schedules/scheduler.js';
import { FakeEngine, fakeDeps, fakeVolume, testActor } from './fakes.js';
import { buildTar } from './tar-builder.js';
import { drillRecords } from '../../src/backup/restore-drill.js';
import { volumeBackup } from '../../src/ops/backups/volume-backup.js';

/** A cron clock the test fires by hand. */
function fakeCron(): CronPort & { fire(name?: string): void; registered: string[] } {
  const tasks: Array<{ expr: string; fire: () => void; stopped: boolean }> = [];
  return {
    registered: [],
    schedule(expr, _tz, fire): CronHandle {
      const t = { expr, fire, stopped: false };
      tasks.push(t);
      this.registered.push(expr);
      return { nextRun: () => new Date('2026-12-01T02:00:00Z'), stop: () => void (t.stopped = true) };
    },
    problem: (expr) => cronProblem(expr),
    fire(expr) {
      for (const t of tasks) if (!t.stopped && (expr === undefined || t.expr === expr)) t.fire();
    },
  };
}

function posts(deps: Deps): SchedulePost[] {
  const out: SchedulePost[] = [];
  deps.events.subscribe((e) => {
    if (e.type === 'schedule.posted') out.push(e.post);
  });
  return out;
}

const GB = 1e9;

describe('schedule configuration', () => {
  it('accepts five-field cron expressions and refuses others, saying why', () => {
    for (const ok of ['0 2 * * *', '*/5 * * * *', '0 8 * * mon-fri', '15,45 1-5/2 1 jan,jul 0', '0 0 1 * 7']) expect(cronProblem(ok), ok).toBeNull();
    expect(cronProblem('0 25 * * *')).toMatch(/hour 25 is out of range 0-23/);
    expect(cronProblem('* * * *')).toMatch(/4 field\(s\); use five/);
    expect(cronProblem('0 0 * * * *')).toMatch(/6 field/);
    expect(cronProblem('0 5-1 * * *')).toMatch(/runs backwards/);
    expect(cronProblem('*/0 * * * *')).toMatch(/step/);
    expect(cronProblem('0 0 * foo *')).toMatch(/month "foo" is not a number/);
    expect(timezoneProblem('Europe/Berlin')).toBeNull();
    expect(timezoneProblem('Mars/Olympus')).toMatch(/not an IANA time zone/);
  });

  it('refuses a bad cron or time zone at load, naming the schedule and the key', () => {
    const base = { name: 'nightly-db', kind: 'backup', volumes: ['db_data'] };
    expect(() => parseConfig({ schedules: [{ ...base, cron: '0 2 * * * *' }] }, 'cfg.json')).toThrow(/key "schedules\[0\]\.cron" is invalid: schedule "nightly-db": cron/);
    expect(() => parseConfig({ schedules: [{ ...base, cron: '0 2 * * *', timezone: 'Europe/Berlln' }] }, 'cfg.json')).toThrow(/key "schedules\[0\]\.timezone" is invalid: schedule "nightly-db": timezone "Europe\/Berlln"/);
    expect(() => parseConfig({ schedules: [{ ...base, cron: '0 2 * * *' }, { ...base, cron: '0 3 * * *' }] }, 'cfg.json')).toThrow(/schedules\[1\]\.name.*duplicate schedule name "nightly-db"/);
    expect(() => parseConfig({ schedules: [{ name: 'b', kind: 'backup', cron: '0 2 * * *' }] }, 'cfg.json')).toThrow(/schedule "b": a backup schedule needs "volumes" or "label"/);
    expect(() => parseConfig({ hosts: [{ name: 'a', url: 'unix:///a.sock' }], schedules: [{ ...base, cron: '0 2 * * *', host: 'b' }] }, 'cfg.json')).toThrow(/schedules\[0\]\.host.*host "b" is not one of hosts/);
    expect(parseConfig({ schedules: [{ ...base, cron: '0 2 * * *', timezone: 'Europe/Berlin' }] }, 'cfg.json').schedules[0]).toMatchObject({ catchUp: false, keepRuns: 50 });
    // A backup schedule may name its store; it must exist, and only backups have one.
    const offsite = { name: 'offsite', kind: 'restic', repository: '/srv/restic', passwordFile: '/etc/so/pw' };
    expect(parseConfig({ backup: { stores: [offsite] }, schedules: [{ ...base, cron: '0 2 * * *', store: 'offsite' }] }, 'cfg.json').schedules[0]).toMatchObject({ store: 'offsite' });
    expect(parseConfig({ schedules: [{ ...base, cron: '0 2 * * *', store: 'local' }] }, 'cfg.json').schedules[0]).toMatchObject({ store: 'local' });
    expect(() => parseConfig({ backup: { stores: [offsite] }, schedules: [{ ...base, cron: '0 2 * * *', store: 'ofsite' }] }, 'cfg.json')).toThrow(/schedules\[0\]\.store.*there is no backup store named "ofsite" \(known: local, offsite\)/);
    expect(() => parseConfig({ schedules: [{ name: 'r', kind: 'report', cron: '0 8 * * *', store: 'local' }] }, 'cfg.json')).toThrow(/schedules\[0\]\.store.*"store" applies to backup schedules only/);
  });

  it('finds two-word verbs before one-word ones', () => {
    expect(matchVerb(catalog, ['schedule', 'rm', 'x'])).toMatchObject({ op: { name: 'schedule_remove' }, rest: ['x'] });
    expect(matchVerb(catalog, ['rm', 'x'])).toMatchObject({ op: { name: 'volume_remove' }, rest: ['x'] });
    expect(matchVerb(catalog, ['schedules'])).toMatchObject({ op: { name: 'schedule_list' }, rest: [] });
    expect(matchVerb(catalog, ['schedule_run', 'x'])).toMatchObject({ op: { name: 'schedule_run' }, rest: ['x'] });
    expect(matchVerb(catalog, ['schedule', 'frobnicate'])).toBeNull();
  });
});

describe('monitor hysteresis', () => {
  it('rises at once, falls only a margin below the level it is in', () => {
    const l = { warnPercent: 80, criticalPercent: 90, marginPercent: 5 };
    const seq = [50, 80, 79, 76, 90, 88, 86, 84, 76, 74, 95, 40];
    const levels: string[] = [];
    let level: 'ok' | 'warning' | 'critical' = 'ok';
    for (const p of seq) levels.push((level = nextLevel(level, p, l)));
    expect(levels).toEqual(['ok', 'warning', 'warning', 'warning', 'critical', 'critical', 'critical', 'warning', 'warning', 'ok', 'critical', 'ok']);
  });
});

describe('fill-up forecast', () => {
  it('fits a least-squares line', () => {
    const fit = leastSquares([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }, { x: 3, y: 7.5 }]);
    expect(fit?.slope).toBeCloseTo(2.15, 5);
    expect(fit?.intercept).toBeCloseTo(0.9, 5);
    expect(leastSquares([{ x: 1, y: 1 }, { x: 1, y: 2 }])).toBeNull();
  });

  it('says when the filesystem fills at the trend within the window, and when it cannot tell', () => {
    const now = new Date('2026-11-30T00:00:00Z');
    const day = (d: number): string => new Date(now.getTime() - d * 86_400_000).toISOString();
    // 1 GB a day over the last 10 days, 60 of 100 GB used now; an old outlier outside the window.
    const history = [{ at: day(40), usedBytes: 99 * GB, capacityBytes: 100 * GB }, ...[10, 8, 6, 4, 2, 0].map((d) => ({ at: day(d), usedBytes: (60 - d) * GB, capacityBytes: 100 * GB }))];
    const f = forecastFull(history, now, 14);
    expect(f.samples).toBe(6);
    expect(f.windowStart).toBe(day(10));
    expect(f.bytesPerDay).toBeCloseTo(GB, -3);
    expect(f.daysUntilFull).toBeCloseTo(40, 5);
    expect(f.note).toMatch(/least squares over 6 samples .* \(window 14 day\(s\)\)/);
    expect(forecastFull(history.slice(-2), now, 14)).toMatchObject({ daysUntilFull: null, note: expect.stringMatching(/not enough history/) });
    const flat = [4, 2, 0].map((d) => ({ at: day(d), usedBytes: 50 * GB, capacityBytes: 100 * GB }));
    expect(forecastFull(flat, now, 14)).toMatchObject({ daysUntilFull: null, note: expect.stringMatching(/not growing/) });
  });
});

async function monitorDeps(extra: Record<string, unknown> = {}): Promise<{ deps: Deps; engine: FakeEngine }> {
  const engine = new FakeEngine();
  const deps = await fakeDeps([engine], { schedules: [{ name: 'disk', kind: 'monitor', cron: '*/5 * * * *', channel: 'C0123ABCD', ...extra }] });
  return { deps, engine };
}

const usage = (engine: FakeEngine, percent: number): void => {
  engine.fs = { path: '/var/lib/docker', filesystem: '/dev/sda1', totalBytes: 100 * GB, usedBytes: percent * GB, availableBytes: (100 - percent) * GB };
};

describe('scheduler', () => {
  it('a monitor fired by the clock posts once per level change and on recovery', async () => {
    const { deps, engine } = await monitorDeps();
    const seen = posts(deps);
    const cron = fakeCron();
    const s = await startScheduler(deps, { cron, pollMs: 3_600_000 });
    try {
      expect(cron.registered).toEqual(['*/5 * * * *']);
      for (const p of [50, 85, 86, 95, 93, 60]) {
        usage(engine, p);
        cron.fire();
        await s.idle();
      }
    } finally {
      await s.stop();
    }
    expect(seen.map((p) => p.view.summary.split(':')[0])).toEqual(['ok → warning', 'warning → critical', 'critical → ok']);
    expect(seen[2]?.view.summary).toMatch(/recovered/);
    expect(seen.every((p) => p.channel === 'C0123ABCD' && p.jobId !== null)).toBe(true);
    const file = join(deps.dataDir, seen[0]?.file ?? 'missing');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^# Disk monitor disk on fake\n\nok → warning/);
    const status = scheduleData(await deps.state.read()).status.disk;
    expect(status?.runs.map((r) => r.outcome)).toEqual(Array(6).fill('succeeded'));
    expect(status?.runs.every((r) => r.trigger === 'cron' && r.jobId)).toBe(true);
    expect(status?.current).toBeNull();
  });

  it('autoCleanup at critical removes build cache and dangling images (never volumes) under the schedule\'s policy approval, and posts its preview', async () => {
    const { deps, engine } = await monitorDeps({ autoCleanup: true });
    engine.volumes = [fakeVolume('orphan')];
    engine.df.volumes = [{ name: 'orphan', driver: 'local', size: 5 * GB, refCount: 0 }];
    engine.images = [
      { id: 'sha256:dangling1', repoTags: [], created: '2026-01-01T00:00:00Z', size: 2 * GB, dangling: true },
      { id: 'sha256:tagged1', repoTags: ['app:1'], created: '2026-01-01T00:00:00Z', size: 3 * GB, dangling: false },
    ];
    engine.df.images = engine.images.map((i) => ({ id: i.id, repoTags: i.repoTags, created: i.created, size: i.size, sharedSize: 0, containers: 0 }));
    engine.df.buildCache = [{ id: 'cache1', type: 'regular', description: 'RUN make', size: GB, inUse: false, shared: false, lastUsedAt: null }];
    const seen = posts(deps);
    usage(engine, 95);
    expect((await runSchedule(deps, deps.config.schedules[0]!, 'cron', 'schedule:cron')).outcome).toBe('succeeded');
    const post = seen[0]!.view;
    expect(post.summary).toMatch(/^ok → critical/);
    expect(post.notes?.join('\n')).toMatch(/Automatic clean-up \(policy schedule:disk, request \w+\)/);
    expect(post.notes?.join('\n')).toMatch(/remove image <none> dangling1 \(2GB\)\n  remove build_cache regular RUN make \(1GB\)/);
    expect(post.notes?.join('\n')).toMatch(/Clean-up removed 2 item\(s\), 3GB reclaimed; volumes are never touched/);
    expect(engine.images.map((i) => i.id)).toEqual(['sha256:tagged1']);
    expect(engine.df.buildCache).toEqual([]);
    expect(engine.volumes.map((v) => v.name)).toEqual(['orphan']);
    const approval = ((await deps.state.read()).approvals ?? []).find((a) => a.op === 'system_cleanup');
    expect(approval).toMatchObject({ status: 'executed', decidedBy: 'policy:schedule:disk', requester: { id: 'schedule:disk' } });
    // Still critical on the next check: no second post and no second clean-up.
    expect((await runSchedule(deps, deps.config.schedules[0]!, 'cron', 'schedule:cron')).outcome).toBe('succeeded');
    expect(seen).toHaveLength(1);
    expect(((await deps.state.read()).approvals ?? []).filter((a) => a.op === 'system_cleanup')).toHaveLength(1);
  });

  it('never overlaps a run still going, and keeps the history bounded', async () => {
    const { deps, engine } = await monitorDeps({ keepRuns: 2 });
    usage(engine, 10);
    const spec = deps.config.schedules[0]!;
    expect(await claimRun(deps, 'disk', 'cron')).toEqual({ kind: 'claimed' });
    expect(await claimRun(deps, 'disk', 'cron')).toMatchObject({ kind: 'busy' });
    const skipped = await runSchedule(deps, spec, 'manual', 'cli:unit');
    expect(skipped).toMatchObject({ outcome: 'skipped', jobId: null, summary: expect.stringMatching(/previous run .* is still going/) });
    // The claim's owner is this live process with no job yet: still busy until it is released.
    await deps.state.update((d) => void (scheduleData(d).status.disk!.current = null));
    for (let i = 0; i < 3; i++) expect((await runSchedule(deps, spec, 'manual', 'cli:unit')).outcome).toBe('succeeded');
    expect(scheduleData(await deps.state.read()).status.disk?.runs).toHaveLength(2);
  });

  it('catches up once at start when a run was due while serve was down, only with catchUp', async () => {
    for (const [catchUp, due, expected] of [
      [true, '2026-11-30T11:00:00Z', ['catch-up']],
      [false, '2026-11-30T11:00:00Z', []],
      [true, '2026-11-30T13:00:00Z', []],
    ] as const) {
      const { deps, engine } = await monitorDeps({ catchUp });
      usage(engine, 10);
      await deps.state.update((d) => void (scheduleData(d).status.disk = { nextDueAt: due, current: null, runs: [] }));
      const s = await startScheduler(deps, { cron: fakeCron(), pollMs: 3_600_000 });
      const runs = await s.idle();
      await s.stop();
      expect(runs.map((r) => r.trigger), `catchUp ${catchUp}, due ${due}`).toEqual(expected);
      // The next due time is recorded for the next start.
      expect(scheduleData(await deps.state.read()).status.disk?.nextDueAt).toBe('2026-12-01T02:00:00.000Z');
    }
  });

  it('`schedule run` hands the run to a running scheduler and names its job', async () => {
    const { deps, engine } = await monitorDeps();
    usage(engine, 10);
    const s = await startScheduler(deps, { cron: fakeCron(), pollMs: 3_600_000 });
    try {
      const asked = runOp(deps, scheduleRun, { name: 'disk' }, { actor: testActor });
      // The request is in the state file once the op waits; the scheduler's poll takes it.
      let out: Awaited<typeof asked> | null = null;
      void asked.then((o) => (out = o));
      while (out === null) {
        await s.poll();
        await new Promise((r) => setImmediate(r));
      }
      expect(out).toMatchObject({ ranIn: 'serve', status: 'started', jobId: expect.stringMatching(/^[a-z0-9]{8}$/) });
      await s.idle();
      expect(scheduleData(await deps.state.read()).status.disk?.runs).toMatchObject([{ trigger: 'manual', requestedBy: 'cli:unit', outcome: 'succeeded', jobId: (out as { jobId: string } | null)?.jobId }]);
    } finally {
      await s.stop();
    }
    // With no serve, it runs here and says so.
    const here = await runOp(deps, scheduleRun, { name: 'disk' }, { actor: testActor });
    expect(here).toMatchObject({ ranIn: 'this process', status: 'succeeded' });
    expect(renderViewText(scheduleRun.view(here))).toMatch(/no serve is running, so it ran in this process: succeeded/);
  });

  it('picks up schedules added and removed at runtime', async () => {
    const deps = await fakeDeps([new FakeEngine()]);
    const cron = fakeCron();
    const s = await startScheduler(deps, { cron, pollMs: 3_600_000 });
    try {
      expect(s.active()).toEqual([]);
      const { scheduleAdd } = await import('../../src/ops/schedules/schedule-add.js');
      const { scheduleRemove } = await import('../../src/ops/schedules/schedule-remove.js');
      await runOp(deps, scheduleAdd, { name: 'weekly', kind: 'report', cron: '0 8 * * mon' }, { actor: testActor });
      await s.poll();
      expect(s.active()).toEqual(['weekly']);
      expect(cron.registered).toEqual(['0 8 * * mon']);
      await expect(runOp(deps, scheduleAdd, { name: 'weekly', kind: 'report', cron: '0 9 * * mon' }, { actor: testActor })).rejects.toThrow(/already exists/);
      await runOp(deps, scheduleRemove, { name: 'weekly' }, { actor: testActor });
      await s.poll();
      expect(s.active()).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});

describe('restore drill', () => {
  it('fails when the engine gives back less than the archive held, says what differs, and removes the scratch volume', async () => {
    const engine = new FakeEngine();
    engine.volumes = [fakeVolume('db')];
    engine.volumeTars.set('db', buildTar([{ name: 'a.txt', content: 'aaa' }, { name: 'b.txt', content: 'bbbb' }]));
    const deps = await fakeDeps([engine], { schedules: [{ name: 'drill', kind: 'drill', cron: '0 4 * * sun' }] });
    await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor: testActor });
    const seen = posts(deps);
    const spec = deps.config.schedules[0]!;

    // Restorable: the scratch volume reads back as the archive held it.
    expect((await runSchedule(deps, spec, 'manual', 'cli:unit')).outcome).toBe('succeeded');
    expect(seen[0]?.view.summary).toMatch(/^1 volume\(s\) restorable/);
    const scratch = engine.calls.find((c) => c.startsWith('createVolume:storage-ops-drill-db-'))?.slice('createVolume:'.length);
    expect(engine.calls).toContain(`removeVolume:${scratch}`);

    // An engine that drops a file on the way in: the drill reads the scratch volume back and says what differs.
    engine.importVolume = async (name, tar) => {
      for await (const _ of tar) void _;
      engine.volumeTars.set(name, buildTar([{ name: 'a.txt', content: 'aaa' }]));
    };
    expect((await runSchedule(deps, spec, 'manual', 'cli:unit')).outcome).toBe('succeeded');
    expect(seen[1]?.view.summary).toBe('1 of 1 volume(s) NOT restorable: db');
    expect(seen[1]?.view.findings?.[0]?.message).toMatch(
      /^db \(backup db_\d{8}_\d{6}\): the restored volume differs from the backup: regular files 1 instead of 2; entries 1 instead of 2; bytes of file data 3 instead of 7; tree checksum [0-9a-f]{64} instead of [0-9a-f]{64}$/,
    );
    expect(engine.volumes.filter((v) => v.name.startsWith('storage-ops-drill-'))).toEqual([]);
    expect(drillRecords(await deps.state.read())).toMatchObject([{ volume: 'db', ok: false }]);

    // Scratch volumes of killed drills (over a day old, no live drill holding them) go at the next drill; others stay.
    const old = new Date(deps.now().getTime() - 2 * 86_400_000).toISOString();
    engine.volumes.push(
      { ...fakeVolume('storage-ops-drill-db-dead0001', { 'storage-ops.drill': 'true', 'storage-ops.drill.backup': 'db_20260101_000000' }), createdAt: old },
      { ...fakeVolume('storage-ops-drill-db-young001', { 'storage-ops.drill': 'true' }), createdAt: deps.now().toISOString() },
      { ...fakeVolume('not-a-drill'), createdAt: old },
    );
    await runSchedule(deps, spec, 'manual', 'cli:unit');
    expect(seen[2]?.view.notes).toContain('Removed scratch volume(s) left by interrupted drills: storage-ops-drill-db-dead0001');
    expect(engine.volumes.map((v) => v.name)).toEqual(['db', 'storage-ops-drill-db-young001', 'not-a-drill']);

    // A volume with no backup is a failed drill too.
    const none = await fakeDeps([new FakeEngine()], { schedules: [{ name: 'drill', kind: 'drill', cron: '0 4 * * sun', volumes: ['ghost'] }] });
    const nonePosts = posts(none);
    await runSchedule(none, none.config.schedules[0]!, 'manual', 'cli:unit');
    expect(nonePosts[0]?.view.findings?.[0]?.message).toBe(`ghost: volume ghost has no backup on ${none.engines.get().host.name} to restore`);
  });
});

describe('restore drill and disk space', () => {
  it('skips a volume whose scratch copy would take the root filesystem to critical, says so, and records no failure', async () => {
    const engine = new FakeEngine();
    engine.volumes = [fakeVolume('db')];
    engine.volumeTars.set('db', buildTar([{ name: 'a.txt', content: 'x'.repeat(2000) }]));
    const deps = await fakeDeps([engine], { schedules: [{ name: 'drill', kind: 'drill', cron: '0 4 * * sun' }] });
    await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor: testActor });
    const seen = posts(deps);
    // 10 kB filesystem, 7 kB used: 2 kB more would make it 90 %.
    engine.fs = { path: '/var/lib/docker', filesystem: '/dev/sda1', totalBytes: 10_000, usedBytes: 7_000, availableBytes: 3_000 };
    await runSchedule(deps, deps.config.schedules[0]!, 'manual', 'cli:unit');
    expect(seen[0]?.view.summary).toBe('No volume drilled; 1 skipped for lack of space: db');
    expect(seen[0]?.view.findings).toMatchObject([{ severity: 'warning', message: expect.stringMatching(/^db \(backup db_\d{8}_\d{6}\) was not drilled: restoring 2kB would take \/var\/lib\/docker on fake to 90\.0 % \(critical at 90 %\)$/) }]);
    expect(engine.calls.filter((c) => c.startsWith('createVolume:'))).toEqual([]);
    expect(drillRecords(await deps.state.read())).toEqual([]);
  });
});

describe('report schedule', () => {
  it('reports growth since the previous report, a least-squares fill-up forecast with its window, stale backups, and writes the chart PNG', async () => {
    const engine = new FakeEngine();
    engine.volumes = [fakeVolume('db'), fakeVolume('logs')];
    engine.volumeTars.set('db', buildTar([{ name: 'a', content: 'x' }]));
    const deps = await fakeDeps([engine], { schedules: [{ name: 'weekly', kind: 'report', cron: '0 8 * * *', staleBackupDays: 3, trendDays: 14 }] });
    const seen = posts(deps);
    const spec = deps.config.schedules[0]!;
    const day0 = Date.parse('2026-11-01T08:00:00Z');
    await runOp(deps, volumeBackup, { volumes: ['db'] }, { actor: testActor });
    for (let day = 0; day < 4; day++) {
      deps.now = () => new Date(day0 + day * 86_400_000);
      // 1 GB more every day on a 100 GB filesystem; db grows 1000 bytes a day, logs stays.
      engine.fs = { path: '/var/lib/docker', filesystem: '/dev/sda1', totalBytes: 100 * GB, usedBytes: (50 + day) * GB, availableBytes: (50 - day) * GB };
      engine.df.volumes = [
        { name: 'db', driver: 'local', size: 5000 + day * 1000, refCount: 1 },
        { name: 'logs', driver: 'local', size: 700, refCount: 0 },
      ];
      expect((await runSchedule(deps, spec, 'cron', 'schedule:cron')).outcome).toBe('succeeded');
    }
    const first = seen[0]!.view;
    expect(first.fields).toContainEqual({ label: 'Days until full', value: null });
    expect(first.tables?.find((t) => t.id === 'volume-growth')?.rows[0]).toMatchObject({ volume: 'db', growth: null, note: 'first report' });

    const last = seen[3]!.view;
    expect(last.summary).toMatch(/^root filesystem 53 % used \(ok\), full in 47\.0 days; 2 volume\(s\); 1 without a recent backup$/);
    expect(last.fields).toContainEqual({ label: 'Growth per day (trend)', value: GB, type: 'bytes' });
    expect(last.fields).toContainEqual({ label: 'Days until full', value: 47 });
    expect(last.fields).toContainEqual({ label: 'Forecast window', value: 'least squares over 4 samples from 2026-11-01T08:00:00.000Z to 2026-11-04T08:00:00.000Z (window 14 day(s))' });
    expect(last.tables?.find((t) => t.id === 'volume-growth')).toMatchObject({
      title: 'Volume growth since 2026-11-03T08:00:00.000Z',
      rows: [
        { volume: 'db', size: 8000, growth: 1000, note: '' },
        { volume: 'logs', size: 700, growth: 0, note: '' },
      ],
    });
    // db was backed up "today" (the fake clock's day 0 is before the backup's real time), logs never.
    expect(last.findings?.map((f) => f.message)).toEqual(['volume logs has never been backed up (more than 3 days)']);
    expect(last.charts?.[0]).toMatchObject({ id: 'root-usage', kind: 'line', unit: 'percent', points: [{ value: 50 }, { value: 51 }, { value: 52 }, { value: 53 }] });

    // Without Slack: the markdown in reports/ and the chart as a PNG beside it.
    const md = readFileSync(join(deps.dataDir, seen[3]!.file!), 'utf8');
    const png = /!\[[^\]]+\]\(([^)]+\.png)\)/.exec(md)?.[1];
    expect(png).toMatch(/^weekly-20261104T080000Z-\w{8}-root-usage\.png$/);
    expect(readFileSync(join(deps.dataDir, 'reports', png!)).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(md).toContain('| db | 8kB | 1kB |  |');
  });
});

describe('usage history', () => {
  it('is kept per host, in time order, and bounded (oldest samples go first)', async () => {
    const deps = await fakeDeps([new FakeEngine()]);
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const sample = (i: number) => ({ at: new Date(t0 + i * 60_000).toISOString(), usedBytes: i, capacityBytes: 10_000 });
    await deps.state.update((data) => {
      data.usageHistory = { a: Array.from({ length: MAX_SAMPLES_PER_HOST }, (_, i) => sample(i + 1)) };
    });
    await recordUsage(deps, 'a', sample(0));
    await recordUsage(deps, 'a', sample(MAX_SAMPLES_PER_HOST + 1));
    await recordUsage(deps, 'b', sample(5));
    const a = await usageHistory(deps, 'a');
    expect(a).toHaveLength(MAX_SAMPLES_PER_HOST);
    expect(a[0]?.usedBytes).toBe(2);
    expect(a.at(-1)?.usedBytes).toBe(MAX_SAMPLES_PER_HOST + 1);
    expect(await usageHistory(deps, 'b')).toEqual([sample(5)]);
  });
});
