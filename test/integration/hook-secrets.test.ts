/**
 * Credentials in backup hook commands never leave the process: a container whose pre/post
 * commands carry passwords (`PGPASSWORD=...`, `mysql -p...`, and output that echoes them) is
 * backed up through the built CLI against a real engine, and the passwords are in none of the
 * CLI's output (text or JSON), its error line, the manifest, the catalog, the audit log (as the
 * `audit` command shows it and as it lies on disk), while the masked commands still say what ran.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, uniqueName, type TestEngine } from '../harness/engines.js';

const PRE_SECRET = 'pre-hook-pw-7f3k2q';
const POST_SECRET = 'post-hook-pw-91xx';
const FAIL_SECRET = 'fail-hook-pw-55z';

/** Every file under a directory, as text. */
function allFiles(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push({ path: p, text: readFileSync(p, 'latin1') });
  }
  return out;
}

describeDocker('secrets in hook commands', () => {
  let engine: TestEngine;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const vol = uniqueName('hs_vol');
  const failVol = uniqueName('hs_fail');
  const app = uniqueName('hs_app');
  const failing = uniqueName('hs_failing');

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    dataDir = mkdtempSync(join(tmpdir(), 'so-hooksecret-'));
    env = cliEnv(engine, dataDir);
    await docker(engine, 'volume', 'create', vol);
    await docker(engine, 'volume', 'create', failVol);
    await docker(
      engine, 'run', '-d', '--name', app, '--network', 'none', '-v', `${vol}:/data`,
      '--label', `storage-ops.backup-pre=PGPASSWORD=${PRE_SECRET} sh -c 'echo "dump made as postgres" > /data/dump.sql'`,
      '--label', `storage-ops.backup-post=DB_PASSWORD=${POST_SECRET} sh -c 'echo "cleanup: login refused for password $DB_PASSWORD" >&2; exit 4'`,
      HELPER_TAG, 'sleep', '600',
    );
    await docker(
      engine, 'run', '-d', '--name', failing, '--network', 'none', '-v', `${failVol}:/data`,
      '--label', `storage-ops.backup-pre=mysqldump -uroot -p${FAIL_SECRET} --all-databases > /data/all.sql || { echo "access denied for root using -p${FAIL_SECRET}" >&2; exit 3; }`,
      HELPER_TAG, 'sleep', '600',
    );
  });

  afterAll(async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (!engine) return;
    await docker(engine, 'rm', '-f', app, failing).catch(() => undefined);
    await docker(engine, 'volume', 'rm', '-f', vol, failVol).catch(() => undefined);
  });

  const secrets = [PRE_SECRET, POST_SECRET, FAIL_SECRET];
  const expectClean = (what: string, text: string): void => {
    for (const s of secrets) expect(text.includes(s), `${what} contains ${s}:\n${text}`).toBe(false);
  };

  it('keeps hook passwords out of output, errors, manifests, the catalog and the audit log', async () => {
    const json = cli(['backup', vol, '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expectClean('backup --json', json.stdout + json.stderr);
    const b = (JSON.parse(json.stdout) as { backups: Array<{ id: string; hooks: Array<{ phase: string; command: string; exitCode: number }>; warnings: string[] }> }).backups[0]!;
    // The masked commands still say what ran.
    expect(b.hooks).toEqual([
      { container: app, phase: 'pre', command: `PGPASSWORD=[redacted] sh -c 'echo "dump made as postgres" > /data/dump.sql'`, exitCode: 0 },
      { container: app, phase: 'post', command: `DB_PASSWORD=[redacted] sh -c 'echo "cleanup: login refused for password $DB_PASSWORD" >&2; exit 4'`, exitCode: 4 },
    ]);
    expect(b.warnings.join('\n')).toContain('cleanup: login refused for password [redacted]');

    const text = cli(['backup', vol], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('[warning] post-backup command');
    expectClean('backup (text)', text.stdout + text.stderr);

    const manifest = readFileSync(join(dataDir, 'backups', `${b.id}.manifest.json`), 'utf8');
    expect(manifest).toContain('PGPASSWORD=[redacted]');
    expectClean('manifest', manifest);

    const failed = cli(['backup', failVol], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(new RegExp(`^error: backup of volume ${failVol} aborted: the pre-backup command of container ${failing} \\(storage-ops\\.backup-pre: mysqldump -uroot -p\\[redacted\\] --all-databases .*\\) exited with status 3: .*access denied for root using -p\\[redacted\\]`));
    expectClean('failed backup', failed.stdout + failed.stderr);

    for (const args of [['audit', '--json', '--limit', '100'], ['audit', '--limit', '100'], ['backups', '--json'], ['inspect', vol, '--json']]) {
      const r = cli(args, env);
      expect(r.code, r.stderr).toBe(0);
      expectClean(args.join(' '), r.stdout + r.stderr);
    }
    const audit = JSON.parse(cli(['audit', '--json', '--limit', '100'], env).stdout) as { entries: Array<{ op: string; outcome: string; error: { message: string } | null }> };
    const failure = audit.entries.find((e) => e.op === 'volume_backup' && e.outcome === 'error');
    expect(failure?.error?.message).toContain('-p[redacted]');

    // Nothing in the data directory (state, audit log, manifests, archives' neighbours) holds them.
    for (const f of allFiles(dataDir)) {
      if (/\.tar(\.\w+)*$/.test(f.path)) continue; // the archives hold the volume's own content
      expectClean(f.path, f.text);
    }
  });
});
