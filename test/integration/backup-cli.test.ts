/**
 * The backup commands through the built CLI against a real engine: backup, backups, verify,
 * restore (which needs --yes), inspect's last backup, prune-backups, the catalog rebuilt after
 * state.json is lost, and one-line errors with the right exit status for bad input.
 */
import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli, expectOneLineErrors, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, uniqueName, type TestEngine } from '../harness/engines.js';

describeDocker('backup commands in the CLI', () => {
  let engine: TestEngine;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const vol = uniqueName('cli_bk');
  const copy = uniqueName('cli_copy');

  beforeAll(async () => {
    engine = engineByDriver('vfs');
    dataDir = mkdtempSync(join(tmpdir(), 'so-clibk-'));
    env = cliEnv(engine, dataDir);
    await docker(engine, 'volume', 'create', vol);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${vol}:/v`, HELPER_TAG, 'sh', '-c', 'echo one > /v/a && mkdir /v/d && echo two > /v/d/b');
  });

  afterAll(async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (!engine) return;
    for (const v of [vol, copy]) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  it('backs up, lists, verifies, restores and shows the last backup', async () => {
    const b = cli(['backup', vol, '--json'], env);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const id = (JSON.parse(b.stdout) as { backups: Array<{ id: string; entries: number }> }).backups[0]!;
    expect(id.id).toMatch(new RegExp(`^${vol}_\\d{8}_\\d{6}$`));
    expect(id.entries).toBe(3);

    const text = cli(['backup', vol, '--compression', 'gzip'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Backed up ${vol} on local: ${vol}_\\d{8}_\\d{6}(-2)?\\n`));
    expect(text.stdout).toMatch(new RegExp(`^File\\s+${dataDir}/backups/${vol}_\\S+\\.tar\\.gz$`, 'm'));

    const list = cli(['backups', vol], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^2 backup\(s\), \S+ in /);
    expect(list.stdout).toMatch(/^ID\s+VOLUME\s+HOST\s+CREATED\s+SIZE\s+FORMAT\s+VERIFIED\s+KIND/m);
    expect(list.stdout.split('\n').filter((l) => l.startsWith(vol))).toHaveLength(2);

    const v = cli(['verify', id.id], env);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`^Backup ${id.id} \\(${vol} on local\\): OK\\n`));
    expect(v.stdout).toMatch(/^Detail\s+sha256 matches; read end to end: 3 entries/m);

    const refused = cli(['restore', id.id, copy, '--create'], env);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toMatch(/Nothing was changed\. Run it again with --yes/);
    expect(refused.stdout).toContain(copy);
    expect((await docker(engine, 'volume', 'ls', '-q')).split('\n')).not.toContain(copy);

    const r = cli(['restore', id.id, copy, '--create', '--yes'], env);
    // Not a terminal: progress comes as plain lines on stderr, nothing else (into a new volume,
    // one phase: the archive is verified as it is extracted).
    expect(r.stderr.split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(['restore']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Restored ${id.id} \\(${vol} on local, .*\\) onto ${copy} on local \\(created\\)\\.`));
    expect(r.stdout).toMatch(/the target was empty: no safety backup was needed/);
    expect((await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${copy}:/v`, HELPER_TAG, 'cat', '/v/a', '/v/d/b')).split('\n')).toEqual(['one', 'two', '']);

    const again = cli(['restore', id.id, copy, '--yes', '--json'], env);
    expect(again.code).toBe(0);
    const safety = (JSON.parse(again.stdout) as { safetyBackupId: string }).safetyBackupId;
    expect(safety).toMatch(new RegExp(`^${copy}_\\d{8}_\\d{6}`));

    const inspect = cli(['inspect', vol], env);
    expect(inspect.stdout).toMatch(new RegExp(`Last backup\\s+${vol}_\\d{8}_\\d{6}\\S* \\(.*verified: (ok|never)\\)`));
  });

  it('rebuilds the catalog after state.json is lost, and prunes with a dry run', () => {
    const before = JSON.parse(cli(['backups', '--json'], env).stdout) as { backups: Array<{ id: string }> };
    expect(before.backups.length).toBeGreaterThanOrEqual(3);
    rmSync(join(dataDir, 'state.json'));
    expect(JSON.parse(cli(['backups', '--json'], env).stdout)).toMatchObject({ backups: [] });
    const rescan = cli(['rescan-backups'], env);
    expect(rescan.code).toBe(0);
    expect(rescan.stdout).toMatch(new RegExp(`^Rescanned ${dataDir}/backups: ${before.backups.length} added, 0 dropped, 0 unchanged\\.`));
    const after = JSON.parse(cli(['backups', '--json'], env).stdout) as { backups: Array<{ id: string }> };
    expect(after.backups.map((b) => b.id)).toEqual(before.backups.map((b) => b.id));

    const dry = cli(['prune-backups', vol, '--keep-last', '1', '--days', '1', '--dry-run', '--yes'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Would remove 0 backup\(s\), 0B \(dry run: nothing was deleted\)\./);
    expect(dry.stdout).toMatch(/younger than 1 day/);
  });

  it('bad input: one line, the right exit status, nothing changed', () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['verify', '../x'], 2, /^error: "\.\.\/x" is not a backup id\. Backup ids look like/],
      [['restore', '../x', copy, '--yes'], 2, /^error: "\.\.\/x" is not a backup id/],
      [['verify', `${vol}_20000101_000000`], 1, new RegExp(`^error: no backup "${vol}_20000101_000000" in the catalog or in the store`)],
      [['backup', 'no_such_volume_here'], 1, /^error: volume "no_such_volume_here" does not exist on host "local"/],
      [['backup', vol, '--host', 'nope'], 2, /^error: unknown host "nope"/],
      [['backup', '../etc'], 2, /^error: backup: <volumes> \(item 1\) is invalid/],
      [['backup', vol, '--compression', 'lz4'], 2, /^error: backup: --compression is invalid/],
      [['backup', vol, '--encrypt'], 2, /^error: cannot encrypt the backup of .*: no recipients are configured/],
      [['restore', `${vol}_20000101_000000`, copy, '--host', 'nope', '--yes'], 1, /^error: no backup/],
    ];
    expectOneLineErrors(cases, env, (what, actual) => expect(actual, what));
  });
});
