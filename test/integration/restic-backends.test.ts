/**
 * restic stores on remote backends, through the built CLI against a real engine and real
 * servers on loopback: an sftp repository behind the harness's private sshd (non-standard port
 * and key, given to restic with the store's `options."sftp.command"`), and a REST repository
 * served by `rclone serve restic` with HTTP basic authentication, its password in the
 * repository URL. For each: backup into a new repository (init: true), an unchanged re-backup
 * that adds next to nothing, verify, restore with fidelity, the catalog rebuilt after the state
 * file is lost, and clear errors that change nothing for an unreachable server and a refused
 * login. The passwords never reach output, the audit log or the state file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, docker, type CliResult } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, uniqueName, type TestEngine } from '../harness/engines.js';
import { freePort, startSftpServer, type PrivateSshd } from '../harness/remote-access.js';
import { startRestServer, type RestServer } from '../harness/rest-server.js';
import { FIDELITY_SCRIPT, mountpoint, populate, treeOf, type BackupJson } from './backup-helpers.js';

/** Bytes of every file under a directory (a repository as its server keeps it). */
function dirBytes(path: string): number {
  let total = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

/** One backend under test: its stores (a working one first) and where the server keeps the repository. */
interface Backend {
  label: string;
  /** The working store, created by the first backup. */
  store: string;
  /** The same repository with its server out of reach, and what the error says beyond "cannot be reached". */
  down: { store: string; cause: RegExp };
  /** A store the server (or ssh) refuses, the exit status and the error that says so. */
  refused: { store: string; code: number; message: RegExp };
  stores: () => object[];
  /** Directory on this machine where the server writes the repository. */
  repoDir: () => string;
}

describeDocker('restic stores on sftp and REST servers', () => {
  let engine: TestEngine;
  let dir: string;
  let password: string;
  let httpSecret: string;
  let sftpd: PrivateSshd;
  let rest: RestServer;
  let closedPort: number;
  const vol = uniqueName('rb_vol');
  const copies: string[] = [];
  /** Every CLI answer, searched for the secrets at the end. */
  const answers: CliResult[] = [];

  const sshCommand = (port: number, knownHosts: string): string =>
    `ssh -p ${port} -i ${sftpd.keyFile} -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes root@127.0.0.1 -s sftp`;

  const backends: Backend[] = [
    {
      label: 'sftp repository behind a private sshd (port and key through options."sftp.command")',
      store: 'vault-sftp',
      // restic passes on ssh's own words only when it wins a race with ssh's exit: the errors are
      // checked for what they say either way.
      down: { store: 'vault-sftp-down', cause: /Check that the sftp server is up|the server may be down/ },
      refused: { store: 'vault-sftp-stranger', code: 1, message: /restic store "vault-sftp-stranger" cannot be reached: .*host key.*known_hosts/s },
      repoDir: () => join(dir, 'sftp-repo'),
      stores: () => {
        const repository = `sftp:root@127.0.0.1:${join(dir, 'sftp-repo')}`;
        const common = { kind: 'restic', repository, passwordFile: join(dir, 'pw'), init: true };
        return [
          { ...common, name: 'vault-sftp', options: { 'sftp.command': sshCommand(sftpd.port, sftpd.knownHostsFile) } },
          { ...common, name: 'vault-sftp-down', options: { 'sftp.command': sshCommand(closedPort, sftpd.knownHostsFile) } },
          // ssh knows no host key for the server: it must refuse to talk to it.
          { ...common, name: 'vault-sftp-stranger', options: { 'sftp.command': sshCommand(sftpd.port, '/dev/null') } },
        ];
      },
    },
    {
      label: 'REST repository served by rclone serve restic (credentials in the URL)',
      store: 'vault-rest',
      down: { store: 'vault-rest-down', cause: /dial tcp 127\.0\.0\.1:\d+: connect: connection refused/ },
      refused: { store: 'vault-rest-intruder', code: 2, message: /the backend of restic store "vault-rest-intruder" refused the login: .*401 Unauthorized/ },
      repoDir: () => join(dir, 'rest', 'repo'),
      stores: () => {
        const common = { kind: 'restic', passwordFile: join(dir, 'pw'), init: true };
        return [
          { ...common, name: 'vault-rest', repository: rest.repository },
          { ...common, name: 'vault-rest-down', repository: `rest:http://backup:${httpSecret}@127.0.0.1:${closedPort}/` },
          { ...common, name: 'vault-rest-intruder', repository: `rest:http://backup:not-${httpSecret}@127.0.0.1:${rest.port}/` },
        ];
      },
    },
  ];

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    dir = mkdtempSync(join(tmpdir(), 'so-restic-remote-'));
    password = `pw-${randomBytes(12).toString('hex')}`;
    httpSecret = `http-${randomBytes(12).toString('hex')}`;
    writeFileSync(join(dir, 'pw'), `${password}\n`, { mode: 0o600 });
    mkdirSync(join(dir, 'rest'));
    sftpd = await startSftpServer();
    rest = await startRestServer(join(dir, 'rest'), 'backup', httpSecret);
    // Nothing listens here: the "server stopped" case.
    closedPort = await freePort();
    await docker(engine, 'volume', 'create', vol);
    // Everything a restore must bring back, with small big files: the servers are not the subject.
    await populate(engine, vol, FIDELITY_SCRIPT.replace('33554432', '1000000').replace('67108864', '2097152'));
  });

  afterAll(async () => {
    await sftpd?.stop();
    await rest?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (!engine) return;
    for (const v of [vol, ...copies]) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  for (const b of backends) {
    describe(b.label, () => {
      let env: NodeJS.ProcessEnv;
      let data: string;
      let first: BackupJson;
      const copy = uniqueName('rb_copy');
      copies.push(copy);
      const run = (args: string[]): CliResult => {
        const r = cli(args, env);
        answers.push(r);
        return r;
      };
      const catalog = (): BackupJson[] => (JSON.parse(run(['backups', vol, '--json']).stdout) as { backups: BackupJson[] }).backups;
      const snapshotFiles = (): string[] => (existsSync(join(b.repoDir(), 'snapshots')) ? readdirSync(join(b.repoDir(), 'snapshots')).sort() : []);

      beforeAll(() => {
        data = join(dir, `data-${b.store}`);
        const config = join(dir, `config-${b.store}.json`);
        writeFileSync(config, JSON.stringify({ helperImage: HELPER_TAG, backup: { retention: { days: null }, stores: b.stores() } }));
        env = { ...cliEnv(engine, data), STORAGE_OPS_CONFIG: config };
      });

      it('backs up into a new repository on the server (init: true)', () => {
        expect(snapshotFiles()).toEqual([]);
        const r = run(['backup', vol, '--store', b.store, '--no-prune', '--json']);
        expect(r.code, r.stderr).toBe(0);
        first = (JSON.parse(r.stdout) as { backups: BackupJson[] }).backups[0]!;
        expect(first).toMatchObject({ store: b.store, snapshotId: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect(first.entries).toBeGreaterThan(20);
        // The server wrote it: the (tagged) snapshot is a file in its directory.
        expect(snapshotFiles()).toEqual([first.snapshotId]);
        expect(catalog().map((x) => x.id)).toEqual([first.id]);
      });

      it('an unchanged re-backup adds next to nothing to the repository', () => {
        const before = dirBytes(b.repoDir());
        const r = run(['backup', vol, '--store', b.store, '--no-prune', '--json']);
        expect(r.code, r.stderr).toBe(0);
        const second = (JSON.parse(r.stdout) as { backups: BackupJson[] }).backups[0]!;
        expect(second.sha256).toBe(first.sha256);
        expect(second.addedBytes).toBeLessThan(first.bytes * 0.01);
        expect(dirBytes(b.repoDir()) - before).toBeLessThan(first.bytes * 0.01);
        expect(snapshotFiles()).toHaveLength(2);
      });

      it('verifies through the server: restic check and a full read compared by sha256', () => {
        const v = run(['verify', first.id]);
        expect(v.code, v.stderr).toBe(0);
        expect(v.stdout).toMatch(new RegExp(`^Backup ${first.id} \\(${vol} on \\S+\\): OK\\n`));
        expect(v.stdout).toMatch(/restic check \(read 5% of the data\) found no errors; snapshot [0-9a-f]{8} read end to end: sha256 matches/);
      });

      it('restores from the server byte for byte (content, modes, owners, times, links)', async () => {
        const r = run(['restore', first.id, copy, '--create', '--yes', '--json']);
        expect(r.code, r.stderr).toBe(0);
        expect(await treeOf(await mountpoint(engine, copy))).toEqual(await treeOf(await mountpoint(engine, vol)));
      });

      it('rebuilds the catalog from the server\'s snapshots after the state file is lost', () => {
        const pick = (x: BackupJson): object => ({ id: x.id, store: x.store, snapshotId: x.snapshotId, sha256: x.sha256, bytes: x.bytes, entries: x.entries });
        const before = catalog().map(pick);
        expect(before).toHaveLength(2);
        rmSync(join(data, 'state.json'));
        expect(catalog()).toEqual([]);
        const r = run(['rescan-backups', '--json']);
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout) as { backups: BackupJson[]; problems: string[] };
        expect(out.backups.filter((x) => x.store === b.store).map(pick)).toEqual(before);
        // The broken stores are named with their cause; nothing is made up for them.
        expect(out.problems).toEqual([
          expect.stringMatching(new RegExp(`^restic store ${b.down.store} could not be read, .*cannot be reached`)),
          expect.stringMatching(new RegExp(`^restic store ${b.refused.store} could not be read, `)),
        ]);
        expect(catalog().map(pick)).toEqual(before);
      });

      it('an unreachable server or a refused login: a clear error naming the store, and nothing changed', () => {
        const records = catalog().map((x) => x.id);
        const snaps = snapshotFiles();
        const down = run(['backup', vol, '--store', b.down.store]);
        expect(down.code).toBe(1);
        expect(down.stdout).toBe('');
        expect(down.stderr).toMatch(new RegExp(`^error: backup of volume \\S+ on \\S+ into restic store "${b.down.store}" failed: the repository of restic store "${b.down.store}" cannot be reached: `, 'm'));
        expect(down.stderr).toMatch(b.down.cause);
        // Not mistaken for a missing repository (init: true would then try to create one).
        expect(down.stderr).not.toMatch(/no restic repository|Is there a repository/);
        const refused = run(['backup', vol, '--store', b.refused.store]);
        expect(refused.code).toBe(b.refused.code);
        expect(refused.stderr).toMatch(b.refused.message);
        expect(refused.stderr).not.toMatch(/no restic repository/);
        expect(catalog().map((x) => x.id)).toEqual(records);
        expect(snapshotFiles()).toEqual(snaps);
      });

      it('never lets the passwords out: not in output, errors, the audit log or the state file', () => {
        const files = [join(data, 'state.json'), ...readdirSync(join(data, 'audit')).map((f) => join(data, 'audit', f))];
        const texts = [...answers.flatMap((a) => [a.stdout, a.stderr]), ...files.map((f) => readFileSync(f, 'utf8'))];
        expect(texts.length).toBeGreaterThan(10);
        for (const t of texts) {
          expect(t).not.toContain(password);
          expect(t).not.toContain(httpSecret);
        }
      });
    });
  }
});
