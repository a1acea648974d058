/**
 * The built `storage-ops` CLI end to end against a real engine: human and JSON output, exit
 * codes, one-line errors that change nothing, bad config and state files, and `serve`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_MAIN, cli, expectOneLineErrors, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, uniqueName, type TestEngine } from '../harness/engines.js';

describeDocker('storage-ops CLI', () => {
  let engine: TestEngine;
  let env: NodeJS.ProcessEnv;
  const vol = uniqueName('cli');

  beforeAll(() => {
    engine = engineByDriver('overlay2');
    env = cliEnv(engine, mkdtempSync(join(tmpdir(), 'so-cli-')));
  });

  afterAll(async () => {
    if (engine) await docker(engine, 'volume', 'rm', '-f', vol).catch(() => undefined);
  });

  const volumeNames = async (): Promise<string[]> => (await docker(engine, 'volume', 'ls', '-q')).split('\n').filter(Boolean).sort();

  it('creates, lists and inspects a volume, in text and JSON', async () => {
    const created = cli(['create', vol, '--label', 'environment=production', '--label', 'app=database'], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created volume ${vol} on local`);
    expect((await docker(engine, 'volume', 'inspect', '--format', '{{json .Labels}}', vol)).trim()).toBe('{"app":"database","environment":"production"}');

    const listed = cli(['volumes', '--label', 'environment=production', '--json'], env);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { volumes: { name: string }[] }).volumes.map((v) => v.name)).toContain(vol);

    const text = cli(['inspect', vol], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`Name\\s+${vol}`));
    expect(text.stdout).toMatch(/Labels\s+app=database, environment=production/);

    const audit = cli(['audit', '--json', '--op', 'volume_create'], env);
    const entries = (JSON.parse(audit.stdout) as { entries: { input: { name: string }; outcome: string; actor: string }[] }).entries;
    expect(entries[0]).toMatchObject({ input: { name: vol }, outcome: 'ok' });
    expect(entries[0]?.actor).toMatch(/^cli:/);
  });

  it('report and driver answer in text and JSON', () => {
    const report = cli(['report'], env);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^Host local \(overlay2\): .* full/);
    expect(report.stdout).toMatch(/Local Volumes/);
    const json = JSON.parse(cli(['report', '--json'], env).stdout) as { summary: unknown[]; rootFilesystem: { status: string } };
    expect(json.summary).toHaveLength(4);
    expect(['ok', 'warning', 'critical']).toContain(json.rootFilesystem.status);
    const driver = cli(['driver'], env);
    expect(driver.stdout).toMatch(/storage driver overlay2/);
    expect(driver.stdout).toMatch(/Supports d_type\s+true/);
  });

  it('bad input: one line, non-zero exit, nothing changed', async () => {
    const before = await volumeNames();
    const cases: Array<[string[], number, RegExp]> = [
      [['create', 'bad/name'], 2, /^error: create: <name> is invalid/],
      [['create', vol], 1, /already exists/],
      [['inspect', 'no_such_volume_here'], 1, /^error: volume "no_such_volume_here" does not exist on host "local"/],
      [['volumes', '--host', 'nope'], 2, /^error: unknown host "nope"\. Known hosts: local/],
      [['volumes', '--label', '=x'], 2, /^error: volumes: --label \(item 1\) is invalid/],
      [['volumes', '--colour', 'red'], 2, /^error: volumes: unknown option --colour/],
      [['frobnicate'], 2, /^error: unknown command "frobnicate"/],
    ];
    expectOneLineErrors(cases, env, (what, actual) => expect(actual, what));
    expect(await volumeNames()).toEqual(before);
  });

  it('an unreachable engine gives one line that says what to do', () => {
    const r = cli(['volumes'], { ...env, DOCKER_HOST: 'unix:///tmp/storage-ops-nothing-here.sock' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: engine "local" \(unix:\/\/\/tmp\/storage-ops-nothing-here\.sock\) is unreachable: ENOENT\. Check that dockerd runs/);
  });

  it('a bad config file fails at start naming the key; a corrupt state file names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-cli-cfg-'));
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ hosts: [{ name: 'x', url: engine.url, tls: { verfy: true } }] }));
    const r = cli(['volumes'], { ...env, STORAGE_OPS_CONFIG: cfg });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/key "hosts\[0\]\.tls" has unknown key\(s\) "verfy"/);

    const data = mkdtempSync(join(tmpdir(), 'so-cli-state-'));
    writeFileSync(join(data, 'state.json'), '{ not json');
    const s = cli(['volumes'], { ...env, STORAGE_OPS_DATA_DIR: data });
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`state file ${join(data, 'state.json')} is corrupt`);
  });

  it('help is generated from the catalog', () => {
    const r = cli(['help', 'create'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^storage-ops create <name> \[--host HOST\] \[--driver VALUE\] \[--opt KEY=VALUE\]\.\.\. \[--label KEY=VALUE\]\.\.\./);
    expect(cli(['help'], env).stdout).toMatch(/report\s+Report Docker disk usage/);
  });

  it('serve starts, answers /healthz, logs its parts and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'serve'], { env: { ...env, STORAGE_OPS_HTTP_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`serve did not start: ${log}`)), 30_000);
      child.stderr.on('data', () => {
        const m = /"url":"(http:\/\/[^"]+)"/.exec(log);
        if (m && log.includes('"msg":"parts"')) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string; hosts: string[] };
    expect(health).toMatchObject({ status: 'ok', hosts: ['local'] });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(log).toMatch(/"msg":"shutting down","signal":"SIGTERM"/);
  });
});
