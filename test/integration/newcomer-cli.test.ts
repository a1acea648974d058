/**
 * What a new user hits on day one, through the built CLI against a real engine: where state
 * lives, errors that say what to try (bad data dirs, a read-only one, an engine that resets the
 * connection, a port in use), exit codes and JSON errors, --version, "did you mean", honest help,
 * and the retention flags meaning what they say.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_MAIN, cli, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { requestOp } from '../../src/core/approvals.js';
import { volumeRemove } from '../../src/ops/volumes/volume-remove.js';

describeDocker('a new user', () => {
  let engine: TestEngine;
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  const vol = uniqueName('newcomer');

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    scratch = mkdtempSync(join(tmpdir(), 'so-newcomer-'));
    env = cliEnv(engine, join(scratch, 'data'));
    await docker(engine, 'volume', 'create', vol);
    await docker(engine, 'run', '--rm', '-v', `${vol}:/v`, HELPER_TAG, 'sh', '-c', 'echo hello > /v/a');
  });

  afterAll(async () => {
    if (engine) await docker(engine, 'volume', 'rm', '-f', vol).catch(() => undefined);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const jsonError = (stderr: string): { code: string; message: string; hint: string | null; exitCode: number } => (JSON.parse(stderr) as { error: { code: string; message: string; hint: string | null; exitCode: number } }).error;

  it('finds its state in one per-user place, wherever the command runs', () => {
    const xdg = join(scratch, 'xdg');
    const { STORAGE_OPS_DATA_DIR: _unused, ...rest } = env;
    const base: NodeJS.ProcessEnv = { ...rest, XDG_STATE_HOME: xdg };
    const a = join(scratch, 'cwd-a');
    const b = join(scratch, 'cwd-b');
    mkdirSync(a);
    mkdirSync(b);
    const fromA = spawnSync(process.execPath, [CLI_MAIN, 'backup', vol, '--no-prune', '--json'], { env: base, cwd: a, encoding: 'utf8' });
    expect(fromA.stderr).toBe('');
    expect(fromA.status).toBe(0);
    const fromB = spawnSync(process.execPath, [CLI_MAIN, 'backups', vol, '--json'], { env: base, cwd: b, encoding: 'utf8' });
    expect(fromB.status).toBe(0);
    expect((JSON.parse(fromB.stdout) as { backups: unknown[] }).backups).toHaveLength(1);
    expect(existsSync(join(xdg, 'storage-ops', 'state.json'))).toBe(true);
    expect(existsSync(join(a, 'data')) || existsSync(join(b, 'data'))).toBe(false);
    // Without XDG_STATE_HOME: ~/.local/state/storage-ops.
    const home = join(scratch, 'home');
    const { XDG_STATE_HOME: _x, ...withoutXdg } = base;
    const noXdg: NodeJS.ProcessEnv = { ...withoutXdg, HOME: home };
    expect(spawnSync(process.execPath, [CLI_MAIN, 'volumes'], { env: noXdg, cwd: a, encoding: 'utf8' }).status).toBe(0);
    expect(existsSync(join(home, '.local', 'state', 'storage-ops'))).toBe(true);
  });

  it('a data dir that is a file, or cannot be created, says so and exits 2', () => {
    const file = join(scratch, 'not-a-dir');
    writeFileSync(file, 'x');
    const r = cli(['volumes'], { ...env, STORAGE_OPS_DATA_DIR: file });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: data directory ${file} is a file, not a directory. Set STORAGE_OPS_DATA_DIR (or dataDir in the config) to a directory this user can write, or fix the permissions of this one\n`);
    const under = cli(['volumes', '--json'], { ...env, STORAGE_OPS_DATA_DIR: join(file, 'sub') });
    expect(under.code).toBe(2);
    expect(jsonError(under.stderr)).toMatchObject({ code: 'config', exitCode: 2, message: expect.stringMatching(/ENOTDIR/) });
  });

  it('a read-only data dir still answers reads; a write says why it cannot', () => {
    const dir = join(scratch, 'ro');
    mkdirSync(dir);
    expect(cli(['volumes'], { ...env, STORAGE_OPS_DATA_DIR: dir }).code).toBe(0);
    // Root ignores permission bits: a read-only bind mount is what a read-only volume looks like.
    expect(spawnSync('mount', ['--bind', dir, dir]).status).toBe(0);
    try {
      expect(spawnSync('mount', ['-o', 'remount,ro,bind', dir]).status).toBe(0);
      const read = cli(['volumes'], { ...env, STORAGE_OPS_DATA_DIR: dir });
      expect(read.stderr).toBe('');
      expect(read.code).toBe(0);
      expect(read.stdout).toContain(vol);
      const write = cli(['create', uniqueName('ro')], { ...env, STORAGE_OPS_DATA_DIR: dir });
      expect(write.code).toBe(1);
      // The first write is the audit entry recorded before any change; it names the place and the cause.
      expect(write.stderr).toMatch(new RegExp(`^error: cannot write (the audit log in )?${dir}\\S*.*EROFS.*STORAGE_OPS_DATA_DIR`));
      expect(write.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      spawnSync('umount', [dir]);
    }
  });

  it('an engine that resets the connection is named with the real cause', async () => {
    const server: Server = createServer((s) => s.resetAndDestroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const r = cli(['volumes'], { ...env, DOCKER_HOST: `tcp://127.0.0.1:${port}`, STORAGE_OPS_INSECURE_TCP: '1' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: engine "local" \\(tcp://127\\.0\\.0\\.1:${port}\\) is unreachable: ECONNRESET\\. Check that dockerd runs`));
    } finally {
      server.close();
    }
  });

  it('serve on a port in use says so and what to try', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const port = (holder.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, [CLI_MAIN, 'serve'], { env: { ...env, STORAGE_OPS_HTTP_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stderr.on('data', (d: Buffer) => (log += d.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(log).toContain(`error: cannot listen on 127.0.0.1:${port}: the port is already in use (another storage-ops serve, or another program). Stop what holds it`);
      expect(log).not.toMatch(/EADDRINUSE/);
    } finally {
      holder.close();
    }
  });

  it('exit codes and JSON errors as the README says; --version', () => {
    const version = cli(['--version'], env);
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`storage-ops ${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`);
    const host = cli(['volumes', '--host', 'nope', '--json'], env);
    expect(host.code).toBe(2);
    expect(host.stdout).toBe('');
    expect(jsonError(host.stderr)).toEqual({ code: 'invalid_input', message: 'unknown host "nope"', hint: 'Known hosts: local; `storage-ops hosts` shows them', exitCode: 2 });
    const cfg = join(scratch, 'http.json');
    writeFileSync(cfg, JSON.stringify({ hosts: [{ name: 'h', url: 'http://127.0.0.1:2375' }] }));
    const bad = cli(['volumes', '--json'], { ...env, STORAGE_OPS_CONFIG: cfg });
    expect(bad.code).toBe(2);
    expect(jsonError(bad.stderr)).toMatchObject({ code: 'config', message: expect.stringMatching(/key "hosts\[0\]\.url" is invalid: .*http:\/\/ and https:\/\/ are not engine URLs/) });
  });

  it('did you mean, for a verb and for a flag; help tells the truth about --no- flags', () => {
    const verb = cli(['bakcup', vol], env);
    expect(verb.code).toBe(2);
    expect(verb.stderr).toMatch(/^error: unknown command "bakcup" \(did you mean "backup"\?\)/);
    const twoWords = cli(['schedule', 'ad', 'nightly'], env);
    expect(twoWords.code).toBe(2);
    expect(twoWords.stderr).toMatch(/^error: unknown command "schedule ad" \(did you mean "schedule add"\?\)/);
    const flag = cli(['volumes', '--lable', 'a=b'], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^error: volumes: unknown option --lable \(did you mean --label\?\) \(options: .*--no-sizes/);
    expect(flag.stderr).not.toMatch(/--sizes\b/);
    const help = cli(['help', 'volumes'], env);
    expect(help.stdout).toMatch(/--no-sizes\s+turn off: compute sizes/);
  });

  it('input errors name the flag as typed, never a field or op id', () => {
    const r = cli(['cleanup', '--images-older-than', 'soon'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: cleanup: --images-older-than is invalid: durations look like 30m, 24h, 7d or 2w. See `storage-ops help cleanup`\n');
    const positional = cli(['create', 'a/b', '--json'], env);
    expect(positional.code).toBe(2);
    expect(jsonError(positional.stderr).message).toMatch(/^create: <name> is invalid/);
    expect(r.stderr + positional.stderr).not.toMatch(/imagesOlderThan|system_cleanup|volume_create/);
  });

  it('report refuses a warning threshold at or above the critical one', () => {
    const r = cli(['report', '--warn-percent', '95', '--critical-percent', '90'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: report: --warn-percent 95 must be below --critical-percent 90/);
    const cfgOnly = cli(['report', '--warn-percent', '92'], env);
    expect(cfgOnly.code).toBe(2);
    expect(cfgOnly.stderr).toMatch(/--warn-percent 92 must be below the configured critical threshold \(thresholds\.criticalPercent, 90\)/);
  });

  it('audit --op with an unknown op says so instead of "empty"; approval notes show in the text', async () => {
    const nosuch = cli(['audit', '--op', 'nosuch'], env);
    expect(nosuch.code).toBe(2);
    expect(nosuch.stderr).toMatch(/^error: audit: --op nosuch is not an operation/);
    expect(cli(['audit', '--op', 'backup'], env).stderr).toMatch(/did you mean --op volume_backup\?/);

    // alice (an operator) asks; the local admin approves with a note.
    const access = { access: { operators: ['cli:alice'] } };
    const deps = await makeDeps([engine], access);
    const cfg = join(deps.dataDir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ hosts: [{ name: engine.name, url: engine.url }], helperImage: HELPER_TAG, ...access }));
    const target = uniqueName('note');
    await docker(engine, 'volume', 'create', target);
    const rec = await requestOp(deps, volumeRemove, { names: [target] }, { actor: { id: 'cli:alice', source: 'cli' } });
    const approveEnv = { ...cliEnv(engine, deps.dataDir), STORAGE_OPS_CONFIG: cfg };
    const approved = cli(['approve', rec.id, '--note', 'checked with the app team'], approveEnv);
    expect(approved.code).toBe(0);
    const text = cli(['audit', '--approval', rec.id], approveEnv);
    expect(text.stdout).toMatch(/decided\s+ok\s+-\s+note: checked with the app team/);
    rmSync(deps.dataDir, { recursive: true, force: true });
  });

  it('trying approvals locally as the README says: two configs sharing one data dir', async () => {
    const dir = join(scratch, 'so-try');
    mkdirSync(dir);
    writeFileSync(join(dir, 'operator.json'), '{ "dataDir": "data", "access": { "cliRole": "operator" } }\n');
    writeFileSync(join(dir, 'admin.json'), '{ "dataDir": "data" }\n');
    const { STORAGE_OPS_DATA_DIR: _unset, ...rest } = env;
    const as = (config: string): NodeJS.ProcessEnv => ({ ...rest, STORAGE_OPS_CONFIG: join(dir, config) });
    const old = uniqueName('old_volume');
    await docker(engine, 'volume', 'create', old);

    const requested = cli(['rm', old, '--yes'], as('operator.json'));
    expect(requested.code).toBe(3);
    const id = /storage-ops approve (\w+)/.exec(requested.stdout)?.[1] as string;
    expect(id).toMatch(/^\w{8}$/);
    expect((await docker(engine, 'volume', 'ls', '-q')).split('\n')).toContain(old);
    expect(cli(['approvals'], as('admin.json')).stdout).toContain(id);
    const approved = cli(['approve', id, '--note', 'checked with the app team'], as('admin.json'));
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect((await docker(engine, 'volume', 'ls', '-q')).split('\n')).not.toContain(old);
    const story = cli(['audit', '--approval', id], as('admin.json')).stdout;
    // Newest first: finished, started, decided (with the note), requested.
    expect(story).toMatch(/finished\s+ok[^]*started[^]*decided\s+ok\s+-\s+note: checked with the app team[^]*requested/);
    expect(existsSync(join(dir, 'data', 'state.json'))).toBe(true);
  });

  it('prune-backups: --keep-last 1 keeps exactly the newest; --days 0 is no age rule; --dry-run says it was one', () => {
    const own = { ...env, STORAGE_OPS_DATA_DIR: join(scratch, 'prune') };
    for (let i = 0; i < 3; i++) expect(cli(['backup', vol, '--no-prune'], own).code).toBe(0);
    const dry = cli(['prune-backups', vol, '--days', '0', '--dry-run'], own);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: nothing was changed\. To do this, run it again without --dry-run and with --yes\.\n$/);
    expect(dry.stdout).not.toMatch(/Run it again with --yes/);
    const done = cli(['prune-backups', vol, '--keep-last', '1', '--yes', '--json'], own);
    expect(done.code).toBe(0);
    expect((JSON.parse(done.stdout) as { removed: unknown[] }).removed).toHaveLength(2);
    expect((JSON.parse(cli(['backups', vol, '--json'], own).stdout) as { backups: unknown[] }).backups).toHaveLength(1);
  });

  it('backup --stop says what it stops, how long it waits, whom it killed; a first Ctrl-C says it restores them first', async () => {
    const app = uniqueName('stubborn');
    const cfg = join(scratch, 'stop.json');
    writeFileSync(cfg, JSON.stringify({ hosts: [{ name: 'local', url: engine.url }], helperImage: HELPER_TAG, backup: { stopTimeoutSeconds: 2, compression: 'gzip' } }));
    const own = { ...env, STORAGE_OPS_CONFIG: cfg, STORAGE_OPS_DATA_DIR: join(scratch, 'stop') };
    // PID 1 with no TERM handler ignores SIGTERM: the engine kills it when the timeout runs out.
    await docker(engine, 'run', '-d', '--name', app, '-v', `${vol}:/v`, HELPER_TAG, 'sh', '-c', 'while true; do sleep 1; done');
    try {
      const r = cli(['backup', vol, '--stop', '--no-prune'], own);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`stopping ${app} (each gets up to 2 s, then is killed); they start again after the backup`);
      expect(r.stderr).toContain(`killed ${app} after 2 s (it did not stop in time)`);
      expect((await docker(engine, 'inspect', '--format', '{{.State.Running}}', app)).trim()).toBe('true');

      const child = spawn(process.execPath, [CLI_MAIN, 'backup', vol, '--stop', '--no-prune'], { env: own, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      let sent = false;
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (!sent && err.includes(`stopping ${app}`)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((r2) => child.once('exit', (c) => r2(c)));
      expect(code).toBe(130);
      expect(err).toMatch(/cancelling job \S+: cleaning up first \(containers it stopped are started again\); exits once they run again/);
      expect((await docker(engine, 'inspect', '--format', '{{.State.Running}}', app)).trim()).toBe('true');
    } finally {
      await docker(engine, 'rm', '-f', app).catch(() => undefined);
    }
  });
});
