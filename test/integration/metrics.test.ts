/**
 * /metrics of `storage-ops serve` against real engines, checked by Prometheus' own promtool, and
 * the generated alert rules checked and unit-tested by promtool too.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { alertRulesYaml } from '../../src/ops/system/alert-rules.js';
import { CLI_MAIN, cli, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, requireEngines, uniqueName } from '../harness/engines.js';

const run = promisify(execFile);

function promtool(args: string[], input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('promtool', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
    child.stdin.end(input ?? '');
  });
}

/** Starts `storage-ops serve` on a free port; resolves with its URL and a reader of its log so far. */
async function startServe(env: NodeJS.ProcessEnv): Promise<{ url: string; log: () => string; stop: () => void }> {
  const child = spawn(process.execPath, [CLI_MAIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start: ${log}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(log);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return { url, log: () => log, stop: () => child.kill('SIGTERM') };
}

describeDocker('metrics and alert rules', () => {
  it('/metrics with a bearer token: 401 without it or with a wrong one, 200 with the env token or a hashed one', async () => {
    const engine = requireEngines()[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'so-metrics-auth-'));
    const cfg = join(dir, 'config.json');
    const envToken = 'metrics-env-token-4f9a1c2b';
    const hashedToken = 'metrics-hashed-token-77d0e3';
    const digest = createHash('sha256').update(hashedToken).digest('hex');
    writeFileSync(cfg, JSON.stringify({ hosts: [{ name: engine.name, url: engine.url }], helperImage: HELPER_TAG, metrics: { tokenEnv: 'SO_TEST_METRICS_TOKEN', tokenSha256: [digest] } }));
    const env = { ...cliEnv(engine, dir), STORAGE_OPS_CONFIG: cfg, STORAGE_OPS_HTTP_PORT: '0', SO_TEST_METRICS_TOKEN: envToken };
    const serve = await startServe(env);
    try {
      const get = (headers: Record<string, string> = {}) => fetch(`${serve.url}/metrics`, { headers });
      const none = await get();
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="storage-ops metrics"');
      expect(await none.text()).not.toContain('storage_ops_');
      expect((await get({ authorization: `Bearer ${envToken}x` })).status).toBe(401);
      expect((await get({ authorization: `Basic ${Buffer.from(`u:${envToken}`).toString('base64')}` })).status).toBe(401);
      const withEnv = await get({ authorization: `Bearer ${envToken}` });
      expect(withEnv.status).toBe(200);
      expect(await withEnv.text()).toContain(`storage_ops_engine_up{host="${engine.name}"} 1`);
      expect((await get({ authorization: `bearer ${hashedToken}` })).status).toBe(200);
      // /healthz stays open for the container health check.
      expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
      expect(serve.log()).toContain('"metricsAuth":"bearer token"');
      expect(serve.log()).not.toContain(envToken);
    } finally {
      serve.stop();
    }

    // A configured variable that is not set stops serve at start, naming the key.
    const unset = { ...env, SO_TEST_METRICS_TOKEN: '' };
    const failed = await startServe(unset).then(
      (s) => {
        s.stop();
        throw new Error('serve started without the token variable');
      },
      (err: unknown) => String(err),
    );
    expect(failed).toMatch(/metrics\.tokenEnv names the environment variable SO_TEST_METRICS_TOKEN, which is not set/);
  });

  it('serve exposes /metrics for every engine, backups, drills and op calls; promtool accepts it; values match the report', async () => {
    const engines = requireEngines();
    const dir = mkdtempSync(join(tmpdir(), 'so-metrics-'));
    const cfg = join(dir, 'config.json');
    const volume = uniqueName('metrics');
    writeFileSync(
      cfg,
      JSON.stringify({
        hosts: [...engines.map((e) => ({ name: e.name, url: e.url })), { name: 'gone', url: 'unix:///tmp/storage-ops-gone.sock' }],
        helperImage: HELPER_TAG,
        schedules: [{ name: 'drill', kind: 'drill', cron: '0 4 * * sun', host: engines[0]!.name, volumes: [volume] }],
      }),
    );
    const env = { ...cliEnv(engines[0]!, dir), STORAGE_OPS_CONFIG: cfg, STORAGE_OPS_HTTP_PORT: '0' };
    // A backed-up volume, drilled once by the CLI before serve starts (state shared through the data dir).
    await docker(engines[0]!, 'volume', 'create', volume);
    await docker(engines[0]!, 'run', '--rm', '--network', 'none', '-v', `${volume}:/v`, HELPER_TAG, 'sh', '-c', 'echo data > /v/file');
    expect(cli(['backup', volume, '--host', engines[0]!.name], env).code).toBe(0);
    const drilled = cli(['schedule', 'run', 'drill'], env);
    expect(drilled.stdout).toMatch(/ran in this process: succeeded/);
    const child = spawn(process.execPath, [CLI_MAIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`serve did not start: ${log}`)), 30_000);
        child.stderr.on('data', (d: Buffer) => {
          log += d.toString();
          const m = /"url":"(http:\/\/[^"]+)"/.exec(log);
          if (m) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
      });
      // A run handed to serve: its op call is counted there.
      expect(JSON.parse(cli(['schedule', 'run', 'drill', '--json'], env).stdout)).toMatchObject({ ranIn: 'serve' });
      let body = '';
      for (;;) {
        const res = await fetch(`${url}/metrics`);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        body = await res.text();
        if (body.includes('storage_ops_op_calls_total{op="schedule_job",source="schedule",outcome="ok"} 1')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const lint = await promtool(['check', 'metrics'], body);
      expect(lint.code, lint.out).toBe(0);
      expect(lint.out).toBe('');
      const backup = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { backups: Array<{ finishedAt: string; archive: { bytes: number } }> };
      const v = `host="${engines[0]!.name}",volume="${volume}"`;
      expect(body).toContain(`storage_ops_volume_last_backup_timestamp_seconds{${v}} ${Date.parse(backup.backups[0]!.finishedAt) / 1000}`);
      expect(body).toContain(`storage_ops_volume_last_backup_size_bytes{${v}} ${backup.backups[0]!.archive.bytes}`);
      expect(body).toMatch(new RegExp(`storage_ops_volume_last_backup_duration_seconds\\{${v}\\} [\\d.]+`));
      expect(body).toContain(`storage_ops_drill_success{${v}} 1`);
      expect(body).toMatch(/storage_ops_op_duration_seconds_bucket\{le="\+Inf",op="schedule_job"\} 1/);
      expect(body).toMatch(/storage_ops_jobs\{status="succeeded"\} [1-9]/);
      for (const e of engines) expect(body).toContain(`storage_ops_engine_up{host="${e.name}"} 1`);
      expect(body).toContain('storage_ops_engine_up{host="gone"} 0');
      expect(body).toContain('storage_ops_threshold_ratio{level="critical"} 0.9');
      const btrfs = engineByDriver('btrfs');
      const size = Number(new RegExp(`storage_ops_root_fs_size_bytes\\{host="${btrfs.name}",path="[^"]+"\\} (\\d+)`).exec(body)?.[1]);
      const report = JSON.parse(cli(['report', '--json', '--host', btrfs.name], env).stdout) as { rootFilesystem: { totalBytes: number } };
      expect(size).toBe(report.rootFilesystem.totalBytes);
    } finally {
      child.kill('SIGTERM');
      await docker(engines[0]!, 'volume', 'rm', '-f', volume).catch(() => undefined);
    }
  });

  it('the alert rules pass promtool check and fire at the configured thresholds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-rules-'));
    const rules = join(dir, 'rules.yml');
    writeFileSync(rules, alertRulesYaml(80, 90, '5m'));
    const check = await run('promtool', ['check', 'rules', rules]);
    expect(check.stdout).toMatch(/SUCCESS: 6 rules found/);
    const tests = join(dir, 'tests.yml');
    writeFileSync(
      tests,
      `rule_files: [rules.yml]
evaluation_interval: 1m
tests:
- interval: 1m
  input_series:
  - series: 'storage_ops_root_fs_used_ratio{host="a",path="/var/lib/docker"}'
    values: '0.85x10'
  - series: 'storage_ops_root_fs_used_ratio{host="b",path="/var/lib/docker"}'
    values: '0.95x10'
  - series: 'storage_ops_root_fs_used_ratio{host="c",path="/var/lib/docker"}'
    values: '0.50x10'
  - series: 'storage_ops_engine_up{host="d"}'
    values: '0x10'
  # Backed up at t=0 (unix time 0 in promtool's clock): stale once over 26 h old.
  - series: 'storage_ops_volume_last_backup_timestamp_seconds{host="a",volume="db"}'
    values: '0x2000'
  - series: 'storage_ops_volume_last_backup_timestamp_seconds{host="a",volume="fresh"}'
    values: '0+60x2000'
  - series: 'storage_ops_drill_success{host="a",volume="db"}'
    values: '1 1 0 0 0'
  - series: 'storage_ops_drill_success{host="a",volume="ok"}'
    values: '1x10'
  alert_rule_test:
  - eval_time: 25h
    alertname: VolumeBackupStale
    exp_alerts: []
  - eval_time: 27h
    alertname: VolumeBackupStale
    exp_alerts:
    - exp_labels: { severity: warning, host: a, volume: db }
      exp_annotations:
        summary: "No good backup of volume db on a in over 26 hours"
        description: "The newest good backup of db on a finished 1d 3h 0m 0s ago. Check its schedule (storage-ops schedules) or run: storage-ops backup db --host a"
  - eval_time: 1m
    alertname: RestoreDrillFailed
    exp_alerts: []
  - eval_time: 3m
    alertname: RestoreDrillFailed
    exp_alerts:
    - exp_labels: { severity: critical, host: a, volume: db }
      exp_annotations:
        summary: "The last restore drill of volume db on a failed"
        description: "Its newest backup did not restore as it was backed up (the drill's post and reports/ say what failed). Do not count on it: take a new backup with storage-ops backup db --host a, then run the drill again."
  - eval_time: 6m
    alertname: DockerStorageNearlyFull
    exp_alerts:
    - exp_labels: { severity: warning, host: a, path: /var/lib/docker }
      exp_annotations:
        summary: "Docker storage on a is over 80% full"
        description: "/var/lib/docker on a is 85% full. Run: storage-ops report --host a, then storage-ops cleanup --host a"
  - eval_time: 6m
    alertname: DockerStorageCritical
    exp_alerts:
    - exp_labels: { severity: critical, host: b, path: /var/lib/docker }
      exp_annotations:
        summary: "Docker storage on b is over 90% full"
        description: "/var/lib/docker on b is 95% full. Containers will fail to write soon."
  - eval_time: 6m
    alertname: DockerEngineDown
    exp_alerts:
    - exp_labels: { severity: critical, host: d }
      exp_annotations:
        summary: "Docker engine d does not answer storage-ops"
        description: "Check dockerd on d: storage-ops hosts"
  - eval_time: 3m
    alertname: DockerStorageCritical
    exp_alerts: []
`,
    );
    const t = await run('promtool', ['test', 'rules', tests]).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: `${e.stdout}${e.stderr}` }));
    expect(t.stdout).toMatch(/SUCCESS/);
  });
});
