/**
 * Schedules against a real engine: a backup schedule run now backs up the labelled volumes and
 * applies retention through an approval decided by the schedule's policy; a monitor posts once
 * on a level change and not again at the same level; `schedule add`, `run` and `rm` through the
 * built CLI, running in the CLI process without serve and handed to serve when one runs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listBackups } from '../../src/backup/catalog.js';
import type { SchedulePost } from '../../src/core/events.js';
import type { Deps } from '../../src/core/ports.js';
import { runSchedule } from '../../src/ops/schedules/schedule-job.js';
import { scheduleData } from '../../src/ops/schedules/schedule-store.js';
import { CLI_MAIN, cli, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';

describeDocker('schedules on a real engine', () => {
  let engine: TestEngine;
  const run_ = uniqueName('sch');
  const label = `storage-ops-sched=${run_}`;
  const volumes = [`${run_}_a`, `${run_}_b`];
  const dirs: string[] = [];

  beforeAll(async () => {
    engine = engineByDriver('vfs');
    for (const v of volumes) {
      await docker(engine, 'volume', 'create', '--label', label, v);
      await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${v}:/v`, HELPER_TAG, 'sh', '-c', `echo ${v} > /v/data`);
    }
  });

  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    if (!engine) return;
    for (const v of volumes) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  const collect = (deps: Deps): SchedulePost[] => {
    const out: SchedulePost[] = [];
    deps.events.subscribe((e) => void (e.type === 'schedule.posted' && out.push(e.post)));
    return out;
  };

  it('a backup schedule backs up by label and applies retention as its policy approval', async () => {
    const deps = await makeDeps([engine], {
      backup: { retention: { days: 1, keepLast: 1 } },
      schedules: [{ name: 'nightly', kind: 'backup', cron: '0 2 * * *', label, channel: 'C0SCHED01' }],
    });
    dirs.push(deps.dataDir);
    const seen = collect(deps);
    const spec = deps.config.schedules[0]!;
    const first = await runSchedule(deps, spec, 'manual', 'cli:test');
    expect(first).toMatchObject({ outcome: 'succeeded', jobId: expect.stringMatching(/^[a-z0-9]{8}$/) });
    expect((await listBackups(deps)).map((b) => b.volume).sort()).toEqual([...volumes].sort());

    // Two days later the first backups are past retention (keep the newest 1, or younger than 1 day).
    const later = Date.now() + 2 * 86_400_000;
    deps.now = () => new Date(later);
    const second = await runSchedule(deps, spec, 'cron', 'schedule:cron');
    expect(second.outcome).toBe('succeeded');
    const left = await listBackups(deps);
    expect(left).toHaveLength(2);
    expect(left.every((b) => Date.parse(b.createdAt) >= later - 60_000)).toBe(true);

    const state = await deps.state.read();
    const prunes = (state.approvals ?? []).filter((a) => a.op === 'backup_prune');
    expect(prunes).toHaveLength(2);
    expect(prunes.every((a) => a.decidedBy === 'policy:schedule:nightly' && a.status === 'executed' && a.requester.id === 'schedule:nightly')).toBe(true);
    expect(prunes[1]?.preview.items.filter((i) => i.action === 'remove')).toHaveLength(2);

    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ schedule: 'nightly', channel: 'C0SCHED01', jobId: second.jobId });
    expect(seen[1]?.view.summary).toMatch(/^2 volume\(s\) backed up .*retention removed 2 old backup\(s\)$/);
    expect(readFileSync(join(deps.dataDir, seen[1]!.file!), 'utf8')).toMatch(/Removed by retention \(policy schedule:nightly\)/);
    const runs = scheduleData(state).status.nightly?.runs ?? [];
    expect(runs.map((r) => [r.trigger, r.outcome])).toEqual([['manual', 'succeeded'], ['cron', 'succeeded']]);
    const jobs = (state.jobs as Array<{ id: string; op: string; status: string }>).filter((j) => j.id === second.jobId);
    expect(jobs).toMatchObject([{ op: 'schedule_job', status: 'succeeded' }]);
  });

  it('a monitor posts once on a level change, not on every check', async () => {
    // Any real usage between 1 % and 99.9 % is "warning" here: the first check changes the level.
    const deps = await makeDeps([engine], { schedules: [{ name: 'disk', kind: 'monitor', cron: '*/5 * * * *', warnPercent: 1, criticalPercent: 99.9 }] });
    dirs.push(deps.dataDir);
    const seen = collect(deps);
    const spec = deps.config.schedules[0]!;
    for (let i = 0; i < 3; i++) expect((await runSchedule(deps, spec, 'cron', 'schedule:cron')).outcome).toBe('succeeded');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.view.summary).toMatch(/^ok → warning: warning: root filesystem [\d.]+ % used/);
    expect(scheduleData(await deps.state.read()).status.disk?.monitor?.level).toBe('warning');
  });

  it('serve refuses to start with a bad cron or time zone, naming the schedule and the key', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'so-sched-bad-'));
    dirs.push(dataDir);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ cron: '61 2 * * *' }, /key "schedules\[1\]\.cron" is invalid: schedule "bad": cron minute 61 is out of range 0-59/],
      [{ cron: '0 2 * * *', timezone: 'Europe/Berlln' }, /key "schedules\[1\]\.timezone" is invalid: schedule "bad": timezone "Europe\/Berlln" is not an IANA time zone/],
    ];
    for (const [bad, message] of cases) {
      const cfg = join(dataDir, 'config.json');
      writeFileSync(cfg, JSON.stringify({ hosts: [{ name: engine.name, url: engine.url }], schedules: [{ name: 'ok', kind: 'report', cron: '0 8 * * *' }, { name: 'bad', kind: 'report', ...bad }] }));
      const r = cli(['serve'], { ...cliEnv(engine, dataDir), STORAGE_OPS_CONFIG: cfg, STORAGE_OPS_HTTP_PORT: '0' });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('schedule add, run (here, then in serve) and rm through the CLI', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'so-sched-cli-'));
    dirs.push(dataDir);
    const env = cliEnv(engine, dataDir);
    const add = cli(['schedule', 'add', 'weekly', '--kind', 'report', '--cron', '0 8 * * mon', '--timezone', 'Europe/Berlin', '--stale-backup-days', '3'], env);
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^schedule weekly added \(report, "0 8 \* \* mon" in Europe\/Berlin\)/);
    const bad = cli(['schedule', 'add', 'broken', '--kind', 'report', '--cron', '0 8 * *'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: schedule add: --cron is invalid: schedule "broken": cron "0 8 \* \*" has 4 field\(s\)/);

    const here = cli(['schedule', 'run', 'weekly'], env);
    expect(here.stderr).toBe('');
    expect(here.code).toBe(0);
    expect(here.stdout).toMatch(/^Schedule weekly: no serve is running, so it ran in this process: succeeded \(job [a-z0-9]{8}\)\.\n/);
    const report = /Report +(reports\/weekly-\S+\.md)/.exec(here.stdout)?.[1];
    expect(report && existsSync(join(dataDir, report))).toBe(true);
    expect(readFileSync(join(dataDir, report!), 'utf8')).toMatch(/has never been backed up \(more than 3 days\)/);

    const serve = spawn(process.execPath, [CLI_MAIN, 'serve'], { env: { ...env, STORAGE_OPS_HTTP_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    serve.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exit = new Promise<number | null>((resolve) => serve.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        serve.once('exit', () => reject(new Error(`serve exited: ${log}`)));
        serve.stderr.on('data', () => log.includes('"msg":"parts"') && resolve());
      });
      expect(log).toMatch(/schedules: 1 active: weekly/);
      const inServe = cli(['schedule', 'run', 'weekly', '--json'], env);
      expect(inServe.stderr).toBe('');
      const out = JSON.parse(inServe.stdout) as { ranIn: string; status: string; jobId: string; servePid: number };
      expect(out).toMatchObject({ ranIn: 'serve', status: 'started', servePid: serve.pid });
      // The run ends in serve's history.
      type Listed = { schedules: Array<{ runs: Array<{ jobId: string; outcome: string }> }> };
      let listed: Listed | null = null;
      for (;;) {
        listed = JSON.parse(cli(['schedules', 'weekly', '--json'], env).stdout) as Listed;
        if (listed?.schedules[0]?.runs[0]?.jobId === out.jobId) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(listed?.schedules[0]?.runs[0]).toMatchObject({ jobId: out.jobId, outcome: 'succeeded' });
      // Serve logs the run and its result (the report's summary) as they happen.
      while (!/"msg":"schedule weekly: root filesystem [\d.]+ % used/.test(log)) await new Promise((r) => setTimeout(r, 100));
      expect(log).toMatch(/"msg":"schedule weekly: run requested by cli:/);
    } finally {
      serve.kill('SIGTERM');
    }
    expect(await exit).toBe(0);

    expect(cli(['schedule', 'rm', 'weekly'], env).stdout).toMatch(/^schedule weekly removed/);
    const gone = cli(['schedule', 'run', 'weekly'], env);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/^error: no schedule "weekly"/);
  });
});
