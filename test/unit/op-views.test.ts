/**
 * Every op's view on fake data: the title and summary say the answer, tables have typed columns
 * whose cells hold the right kind of value (bytes and counts as numbers, times as ISO strings),
 * findings carry severity and advice, and every view fits the View schema.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfirmed, submitOp } from '../../src/core/approvals.js';
import { waitForJob } from '../../src/core/jobs.js';
import type { Actor, Op } from '../../src/core/op.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import type { View } from '../../src/core/view.js';
import { renderViewText } from '../../src/core/views/render-text.js';
import { ViewSchema } from '../../src/core/views/view-schema.js';
import { catalog, findOp } from '../../src/ops/catalog.js';
import { FakeEngine, fakeContainer, fakeDeps, fakeInfo, fakeVolume } from './fakes.js';
import { buildTar } from './tar-builder.js';

const alice: Actor = { id: 'slack:UALICE', source: 'slack', display: 'alice' };
const admin: Actor = { id: 'cli:root', source: 'cli', display: 'root' };
const config = { access: { admins: [admin.id], operators: [alice.id] } };
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

const FIO = JSON.stringify({
  'fio version': 'fio-3.33',
  jobs: [
    {
      error: 0,
      read: { io_bytes: 100_000_000, bw_bytes: 3_300_000, iops: 812.4, clat_ns: { mean: 250_000, max: 9_000_000, percentile: { '50.000000': 200_000, '95.000000': 700_000, '99.000000': 1_500_000 } } },
      write: { io_bytes: 0, bw_bytes: 0, iops: 0 },
    },
  ],
});

/** Checks what every view must hold, and returns its text. */
function checkView(view: View): string {
  expect(ViewSchema.parse(view)).toEqual(view);
  expect(view.title.length).toBeGreaterThan(0);
  expect(view.summary.length).toBeGreaterThan(0);
  expect(view.summary).not.toContain('\n');
  for (const t of view.tables ?? []) {
    expect(new Set(t.columns.map((c) => c.key)).size).toBe(t.columns.length);
    for (const row of t.rows) {
      for (const c of t.columns) {
        const v = row[c.key];
        expect(v, `${t.id}.${c.key}`).not.toBeUndefined();
        if (v === null) continue;
        if (c.type === 'time') expect(v, `${t.id}.${c.key}`).toMatch(ISO);
        else if (c.type !== 'text') expect(typeof v, `${t.id}.${c.key}`).toBe('number');
      }
    }
  }
  for (const f of view.fields ?? []) {
    if (f.value === null || !f.type || f.type === 'text') continue;
    if (f.type === 'time') expect(f.value).toMatch(ISO);
    else expect(typeof f.value, f.label).toBe('number');
  }
  return renderViewText(view);
}

function columnsOf(view: View, id: string): Array<[string, string]> {
  const t = view.tables?.find((x) => x.id === id);
  expect(t, `table ${id}`).toBeDefined();
  return (t?.columns ?? []).map((c) => [c.label, c.type]);
}

const views = new Map<string, View>();
let deps: Deps;
let engine: FakeEngine;

/** Runs an op on the fakes and keeps its view for the tests below. */
async function viewOf(name: string, input: Record<string, unknown> = {}, how: 'run' | 'confirmed' = 'run', actor = admin): Promise<View> {
  const op = findOp(name) as Op;
  const out = how === 'run' ? await runOp(deps, op, input, { actor }) : await runConfirmed(deps, op, input, { actor });
  const v = op.view(out);
  views.set(name, v);
  return v;
}

beforeAll(async () => {
  engine = new FakeEngine({ name: 'prod-1', url: 'unix:///prod-1.sock' });
  const dead = new FakeEngine({ name: 'dead', url: 'tcp://10.0.0.9:2376' });
  dead.ping = async () => {
    throw new Error('connect ECONNREFUSED');
  };
  engine.infoValue = fakeInfo({ driverStatus: [['Backing Filesystem', 'xfs'], ['Supports d_type', 'false']] });
  engine.fs = { path: '', filesystem: '/dev/sdb1', totalBytes: 100e9, usedBytes: 92e9, availableBytes: 8e9 };
  engine.volumes = [fakeVolume('db', { app: 'database' }), fakeVolume('cache'), fakeVolume('a'.repeat(64))];
  engine.containers = [fakeContainer('pg', ['db'])];
  engine.volumeTars.set('db', buildTar([{ name: 'table.db', content: 'rows'.repeat(1000) }], { mode: 0o755 }));
  engine.df = {
    layersSize: 1000,
    images: [{ id: 'sha256:aaaaaaaaaaaaaaaa', repoTags: ['pg:16'], created: '2026-01-01T00:00:00Z', size: 1000, sharedSize: 0, containers: 1 }],
    containers: [{ id: 'pg-id', name: 'pg', image: 'pg:16', state: 'running', status: 'Up', created: '', sizeRw: 50, sizeRootFs: 1050, volumes: ['db'] }],
    volumes: [
      { name: 'db', driver: 'local', size: 4000, refCount: 1 },
      { name: 'cache', driver: 'local', size: 300, refCount: 0 },
      { name: 'a'.repeat(64), driver: 'local', size: null, refCount: 0 },
    ],
    buildCache: [{ id: 'b1', type: 'regular', description: 'RUN make', size: 70, inUse: false, shared: false, lastUsedAt: null }],
  };
  engine.helperAnswer = () => ({ exitCode: 0, stdout: FIO, stderr: '' });
  deps = await fakeDeps([engine, dead], config);

  await viewOf('hosts_list');
  await viewOf('driver_inspect');
  await viewOf('driver_config', { storageOpt: ['overlay2.size=20G'], logMaxSize: '10m' });
  await viewOf('disk_report');
  await viewOf('alert_rules');
  await viewOf('volume_list');
  await viewOf('volume_create', { name: 'fresh', labels: { team: 'ops' } });
  await viewOf('volume_benchmark', { name: 'db', rw: 'randread' });
  await viewOf('volume_benchmark', { name: 'db', rw: 'randread' });
  await viewOf('benchmark_list');
  await viewOf('storage_advise', { workload: 'database' });
  const backed = await runOp(deps, findOp('volume_backup') as Op, { volumes: ['db'] }, { actor: admin });
  views.set('volume_backup', (findOp('volume_backup') as Op).view(backed));
  const backupId = (backed as { backups: Array<{ id: string }> }).backups[0]?.id ?? '';
  await viewOf('backup_list');
  await viewOf('backup_rescan');
  await viewOf('backup_verify', { id: backupId });
  await viewOf('volume_inspect', { name: 'db' });
  await viewOf('volume_restore', { backupId, target: 'restored', create: true }, 'confirmed');
  await viewOf('backup_prune', { dryRun: true }, 'confirmed');
  await viewOf('volume_remove', { names: ['cache', 'db'] }, 'confirmed');
  await viewOf('volume_prune', {}, 'confirmed');
  await viewOf('system_cleanup', { buildCache: true }, 'confirmed');
  const pending = await submitOp(deps, findOp('volume_remove') as Op, { names: ['fresh'] }, { actor: alice });
  const denied = await submitOp(deps, findOp('volume_remove') as Op, { names: ['restored'] }, { actor: alice });
  const withdrawn = await submitOp(deps, findOp('volume_remove') as Op, { names: ['db'] }, { actor: alice });
  await viewOf('approval_withdraw', { id: withdrawn.kind === 'pending' ? withdrawn.approval.id : '' }, 'run', alice);
  await viewOf('approval_list');
  await viewOf('approval_approve', { id: pending.kind === 'pending' ? pending.approval.id : '' });
  await viewOf('approval_deny', { id: denied.kind === 'pending' ? denied.approval.id : '', note: 'keep it' });
  await viewOf('audit_log', { limit: 5 });
  const verifying = await submitOp(deps, findOp('backup_verify') as Op, { id: backupId }, { actor: admin });
  const jobIdOf = verifying.kind === 'job' ? verifying.job.id : '';
  await waitForJob(deps, jobIdOf);
  await viewOf('job_show', { id: jobIdOf });
  const cancelling = await submitOp(deps, findOp('volume_backup') as Op, { volumes: ['db'] }, { actor: admin });
  await viewOf('job_cancel', { id: cancelling.kind === 'job' ? cancelling.job.id : '' });
  await waitForJob(deps, cancelling.kind === 'job' ? cancelling.job.id : '');
  await viewOf('job_list');
  await viewOf('schedule_add', { name: 'weekly', kind: 'report', cron: '0 8 * * mon', timezone: 'Europe/Berlin' });
  await viewOf('schedule_run', { name: 'weekly' });
  await viewOf('schedule_list');
  await viewOf('schedule_remove', { name: 'weekly' });
});

describe('op views', () => {
  it('every op in the catalog has a view, and each fits the schema with typed cells', () => {
    expect([...views.keys()].sort()).toEqual(catalog.map((o) => o.name).sort());
    for (const [name, v] of views) {
      expect(checkView(v), name).toContain(v.summary);
    }
  });

  it('benchmarks: a second run shows the change; the history compares volumes side by side', () => {
    const bench = views.get('volume_benchmark') as View;
    expect(columnsOf(bench, 'change')).toEqual([['', 'text'], ['IOPS BEFORE', 'count'], ['IOPS', 'text'], ['BANDWIDTH', 'text'], ['P99 LATENCY', 'text']]);
    expect(bench.tables?.find((t) => t.id === 'change')?.rows[0]).toMatchObject({ direction: 'read', iops: '0%' });
    const list = views.get('benchmark_list') as View;
    expect(list.summary).toBe('2 run(s) of 1 volume(s)');
    expect(columnsOf(list, 'comparison').map(([l]) => l)).toEqual(['VOLUME', 'HOST', 'PATTERN', 'READ IOPS', 'WRITE IOPS', 'READ BW', 'WRITE BW', 'READ P99', 'WRITE P99', 'WHEN']);
    expect(list.tables?.find((t) => t.id === 'comparison')?.rows).toHaveLength(1);
    expect(list.charts?.[0]?.points).toEqual([{ x: 'db', series: 'read', value: expect.any(Number) }]);
  });

  it('storage_advise: a recommendation with reasons and the next command', () => {
    const v = views.get('storage_advise') as View;
    // The fake engine runs overlay2 on xfs without d_type: overlay2 stays the advice, the d_type problem is a finding.
    expect(v.title).toBe('Storage advice for database on prod-1');
    expect(v.summary).toMatch(/^Driver overlay2 \(what the host runs\); volumes: /);
    expect(v.fields?.map((f) => f.label)).toEqual(['Engine', 'Workload', 'Next (driver)', 'Next (volume)']);
    expect(columnsOf(v, 'advice')).toEqual([['FOR', 'text'], ['RECOMMENDED', 'text'], ['WHY', 'text']]);
    expect(v.tables?.[0]?.rows.map((r) => r.part).filter(Boolean)).toEqual(['driver', 'volumes']);
  });

  it('hosts_list: a row per engine; a dead one is a finding', () => {
    const v = views.get('hosts_list') as View;
    expect(v.summary).toBe('1 of 2 engine(s) answer; the default is prod-1');
    expect(columnsOf(v, 'hosts').map(([l]) => l)).toEqual(['NAME', 'URL', 'STATE', 'VERSION', 'DRIVER']);
    expect(v.tables?.[0]?.rows[1]).toMatchObject({ name: 'dead', state: 'down: connect ECONNREFUSED', version: null });
    expect(v.findings).toEqual([expect.objectContaining({ severity: 'warning', message: 'engine dead (tcp://10.0.0.9:2376) does not answer' })]);
  });

  it('driver_inspect: status explained, findings with severity and advice', () => {
    const v = views.get('driver_inspect') as View;
    expect(v.summary).toMatch(/^Host prod-1: storage driver overlay2 \(engine 27\.0\.0, kernel 6\.1\.0\) — findings: 1 critical/);
    expect(columnsOf(v, 'status')).toEqual([['STATUS', 'text'], ['VALUE', 'text'], ['MEANING', 'text']]);
    const critical = v.findings?.find((f) => f.severity === 'critical');
    expect(critical?.message).toMatch(/without d_type/);
    expect(critical?.advice).toMatch(/ftype=1/);
    expect(v.fields?.map((f) => f.label)).toContain('Recommendation');
  });

  it('driver_config: daemon.json as a code block, problems as findings, the checklist as numbered steps', () => {
    const v = views.get('driver_config') as View;
    expect(v.code).toEqual([{ label: 'Proposed /etc/docker/daemon.json (not applied)', language: 'json', text: expect.stringContaining('"storage-driver": "overlay2"') }]);
    expect(v.summary).toMatch(/proposed daemon\.json for overlay2 \(not applied\)/);
    expect(columnsOf(v, 'checklist')).toEqual([['STEP', 'count'], ['WHAT', 'text']]);
    expect(JSON.parse(v.code?.[0]?.text ?? '')).toMatchObject({ 'log-opts': { 'max-size': '10m' } });
  });

  it('disk_report: usage per kind in bytes, the root filesystem against its thresholds, as tables, findings and charts', () => {
    const v = views.get('disk_report') as View;
    expect(v.summary).toMatch(/^Host prod-1 \(overlay2\): \/var\/lib\/docker on \/dev\/sdb1 is 92\.0% full \(92GB used, 8GB free of 100GB\) - CRITICAL/);
    expect(columnsOf(v, 'usage')).toEqual([['TYPE', 'text'], ['TOTAL', 'count'], ['ACTIVE', 'count'], ['SIZE', 'bytes'], ['RECLAIMABLE', 'bytes'], ['%', 'percent']]);
    expect(v.tables?.map((t) => t.id)).toEqual(['usage', 'largest-containers', 'largest-images', 'volumes']);
    expect(v.findings?.[0]).toMatchObject({ severity: 'critical', advice: expect.stringContaining('storage-ops cleanup --host prod-1') });
    const gauge = v.charts?.find((c) => c.id === 'root-filesystem');
    expect(gauge).toMatchObject({ kind: 'gauge', unit: 'percent', points: [{ value: 92 }], thresholds: [{ label: 'warn', value: 80 }, { label: 'critical', value: 90 }] });
    const perKind = v.charts?.find((c) => c.id === 'usage-per-kind');
    expect(perKind?.points).toContainEqual({ x: 'Local Volumes', series: 'reclaimable', value: 300 });
  });

  it('alert_rules: the text is the rules file alone (the summary is a YAML comment)', () => {
    const v = views.get('alert_rules') as View;
    const text = renderViewText(v);
    expect(v.code?.[0]?.language).toBe('yaml');
    expect(text.split('\n')[0]).toMatch(/^# /);
    expect(text.split('\n').slice(2).join('\n')).toBe(v.code?.[0]?.text);
    expect(text).toMatch(/^groups:$/m);
  });

  it('volume_list: sizes as bytes and a size chart', () => {
    const v = views.get('volume_list') as View;
    expect(v.summary).toBe('3 volume(s) on prod-1, 4.3kB in total; 2 not used by any container');
    expect(columnsOf(v, 'volumes')).toEqual([['NAME', 'text'], ['DRIVER', 'text'], ['SIZE', 'bytes'], ['USED BY', 'text'], ['LABELS', 'text']]);
    expect(v.tables?.[0]?.rows[0]).toMatchObject({ name: 'db', size: 4000, usedBy: 'pg(running)', labels: 'app=database' });
    expect(v.charts?.[0]).toMatchObject({ kind: 'bar', unit: 'bytes', points: [{ x: 'db', value: 4000 }, { x: 'cache', value: 300 }] });
  });

  it('volume_inspect and volume_create: the metadata as fields', () => {
    const inspect = views.get('volume_inspect') as View;
    expect(inspect.summary).toMatch(/^Volume db on prod-1: 4kB, used by 1 container\(s\), last backup 2026-11-30 12:00:00Z$/);
    expect(inspect.fields).toContainEqual({ label: 'Size', value: 4000, type: 'bytes' });
    expect(columnsOf(inspect, 'users').map(([l]) => l)).toEqual(['CONTAINER', 'STATE', 'MOUNTED AT', 'MODE']);
    expect(renderViewText(inspect)).toMatch(/^Last backup\s+db_\d{8}_\d{6} \(.*verified: ok\)$/m);
    const create = views.get('volume_create') as View;
    expect(create.summary).toBe('Created volume fresh on prod-1 (driver local).');
    expect(create.fields).toContainEqual({ label: 'Labels', value: 'team=ops' });
  });

  it('volume_benchmark: IOPS as counts, bandwidth per second, latencies as durations', () => {
    const v = views.get('volume_benchmark') as View;
    expect(v.summary).toBe('Volume db on prod-1: read 812 IOPS (3.3MB/s)');
    expect(v.tables?.[0]?.columns.find((c) => c.key === 'bandwidth')).toEqual({ key: 'bandwidth', label: 'BANDWIDTH', type: 'bytes', perSecond: true });
    expect(v.tables?.[0]?.rows).toEqual([{ direction: 'read', iops: 812, bandwidth: 3_300_000, mean: 0.25, p50: 0.2, p95: 0.7, p99: 1.5, max: 9 }]);
    expect(renderViewText(v)).toMatch(/^read\s+812\s+3\.3MB\/s\s+250µs\s+200µs\s+700µs\s+1\.5 ms\s+9 ms$/m);
  });

  it('backup ops: backup, list, verify, restore and retention', () => {
    const backup = views.get('volume_backup') as View;
    expect(backup.summary).toMatch(/^Backed up db on prod-1: db_\d{8}_\d{6}$/);
    expect(backup.fields?.map((f) => f.label)).toEqual(['File', 'Size', 'Format', 'Data', 'Entries', 'Files', 'Took', 'Throughput', 'sha256']);
    const list = views.get('backup_list') as View;
    expect(list.summary).toMatch(/^1 backup\(s\), \S+ in \/.*\/backups$/);
    expect(columnsOf(list, 'backups')).toEqual([['ID', 'text'], ['VOLUME', 'text'], ['HOST', 'text'], ['CREATED', 'time'], ['SIZE', 'bytes'], ['FORMAT', 'text'], ['VERIFIED', 'text'], ['KIND', 'text']]);
    const rescan = views.get('backup_rescan') as View;
    expect(rescan.summary).toMatch(/^Rescanned \/.*\/backups: 0 added, 0 dropped, 1 unchanged\. 1 backup\(s\), \S+ in \/.*\/backups$/);
    expect(columnsOf(rescan, 'backups')).toEqual(columnsOf(list, 'backups'));
    expect(views.get('backup_verify')?.summary).toMatch(/^Backup db_\d{8}_\d{6} \(db on prod-1\): OK$/);
    const restore = views.get('volume_restore') as View;
    expect(restore.summary).toMatch(/^Restored db_\d{8}_\d{6} \(db on prod-1, .*\) onto restored on prod-1 \(created\)\.$/);
    expect(restore.notes).toEqual(['the target was empty: no safety backup was needed']);
    const prune = views.get('backup_prune') as View;
    expect(prune.summary).toBe('Would remove 0 backup(s), 0B (dry run: nothing was deleted).');
    expect(columnsOf(prune, 'rules').map(([l]) => l)).toEqual(['VOLUME', 'HOST', 'RULE']);
    expect(columnsOf(prune, 'backups')).toEqual([['ACTION', 'text'], ['BACKUP', 'text'], ['SIZE', 'bytes'], ['WHY', 'text']]);
  });

  it('removals: what was removed, skipped and why', () => {
    const rm = views.get('volume_remove') as View;
    expect(rm.title).toBe('Volume removal on prod-1');
    expect(rm.summary).toBe('rm on prod-1: 1 removed (300B reclaimed), 1 skipped, 0 failed.');
    expect(columnsOf(rm, 'items')).toEqual([['RESULT', 'text'], ['KIND', 'text'], ['NAME', 'text'], ['SIZE', 'bytes'], ['WHY', 'text']]);
    expect(rm.tables?.[0]?.rows[1]).toMatchObject({ result: 'skipped', name: 'db', why: 'in use by pg (running)' });
    expect(views.get('volume_prune')?.summary).toMatch(/^prune on prod-1: 1 removed/);
    expect(views.get('system_cleanup')?.summary).toMatch(/^cleanup on prod-1: 1 removed \(70B reclaimed\)/);
  });

  it('governance: approvals, decisions with the executed result, and the audit log', () => {
    const list = views.get('approval_list') as View;
    expect(list.summary).toBe('2 approval request(s), 2 pending');
    expect(columnsOf(list, 'approvals')).toEqual([
      ['ID', 'text'], ['COMMAND', 'text'], ['HOST', 'text'], ['REQUESTED BY', 'text'], ['STATUS', 'text'], ['CREATED', 'time'], ['EXPIRES', 'time'], ['DECIDED BY', 'text'], ['SIZE', 'bytes'],
    ]);
    expect(list.tables?.filter((t) => t.id.startsWith('items-'))).toHaveLength(2);
    const approve = views.get('approval_approve') as View;
    expect(approve.summary).toMatch(/^request \w{8} approved by cli:root and executed$/);
    expect(approve.fields?.[0]).toEqual({ label: 'Result', value: 'rm on prod-1: 1 removed (0B reclaimed), 0 skipped, 0 failed.' });
    expect(approve.tables?.[0]?.rows[0]).toMatchObject({ result: 'removed', name: 'fresh' });
    expect(views.get('approval_deny')?.summary).toMatch(/^request \w{8} denied by cli:root; nothing was changed$/);
    expect(views.get('approval_withdraw')?.summary).toMatch(/^Request \w{8} \(rm\) withdrawn; nothing was changed\.$/);
    const audit = views.get('audit_log') as View;
    expect(audit.summary).toBe('5 audit entries, newest first; older ones exist');
    expect(audit.notes).toEqual(['older entries exist: raise --limit to see them']);
    expect(columnsOf(audit, 'entries')).toEqual([['TIME', 'time'], ['ACTOR', 'text'], ['OP', 'text'], ['HOST', 'text'], ['PHASE', 'text'], ['OUTCOME', 'text'], ['TOOK', 'duration'], ['DETAIL', 'text']]);
  });

  it('jobs: one job as a view, cancelling one, and the list as a typed table', () => {
    const show = views.get('job_show') as View;
    expect(show.summary).toMatch(/^Job \w{8}: verify by root — succeeded: Backup db_\d{8}_\d{6} \(db on prod-1\): OK$/);
    expect(show.fields).toContainEqual({ label: 'Status', value: 'succeeded' });
    const cancel = views.get('job_cancel') as View;
    expect(cancel.summary).toMatch(/^Cancel requested for job \w{8}; it stops within seconds\.$/);
    const list = views.get('job_list') as View;
    expect(list.summary).toMatch(/^\d job\(s\), newest first: 0 running, 0 queued$/);
    expect(columnsOf(list, 'jobs')).toEqual([
      ['ID', 'text'], ['COMMAND', 'text'], ['HOST', 'text'], ['STARTED BY', 'text'], ['STATUS', 'text'], ['DONE', 'percent'], ['PHASE', 'text'], ['CREATED', 'time'], ['ENDED', 'time'], ['RESULT', 'text'],
    ]);
    // The fake backup may finish before the cancel lands: either way it has ended.
    expect(list.tables?.[0]?.rows.slice(0, 2).map((r) => r.command)).toEqual(['backup', 'verify']);
    expect(['cancelled', 'succeeded']).toContain(list.tables?.[0]?.rows[0]?.status);
  });

  it('schedules: added, run here, listed with their runs as typed tables, removed', () => {
    expect((views.get('schedule_add') as View).summary).toMatch(/^schedule weekly added \(report, "0 8 \* \* mon" in Europe\/Berlin\)/);
    const run = views.get('schedule_run') as View;
    expect(run.summary).toMatch(/^Schedule weekly: no serve is running, so it ran in this process: succeeded \(job \w{8}\)\.$/);
    expect(run.fields).toContainEqual({ label: 'Report', value: expect.stringMatching(/^reports\/weekly-\d{8}T\d{6}Z-\w{8}\.md$/) });
    const list = views.get('schedule_list') as View;
    expect(columnsOf(list, 'schedules')).toEqual([
      ['NAME', 'text'], ['KIND', 'text'], ['CRON', 'text'], ['TIMEZONE', 'text'], ['HOST', 'text'], ['TARGETS', 'text'], ['SOURCE', 'text'], ['NEXT', 'time'], ['LAST RUN', 'text'],
    ]);
    expect(list.tables?.find((t) => t.id === 'schedules')?.rows).toMatchObject([{ name: 'weekly', targets: '-' }]);
    expect(list.tables?.find((t) => t.id === 'runs')?.rows).toMatchObject([{ schedule: 'weekly', trigger: 'manual', outcome: 'succeeded' }]);
    expect((views.get('schedule_remove') as View).summary).toBe('schedule weekly removed');
  });
});
