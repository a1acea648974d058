/**
 * Remote engines are authenticated, against a real engine behind a private sshd and a plain TCP
 * listener: an ssh host key that is unknown, changed or not the pinned one is refused with its
 * fingerprint (the one ssh-keygen prints) and how to pin it; the right known_hosts or pin is
 * accepted; plain tcp:// needs `insecure: true`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { OpsError } from '../../src/core/errors.js';
import { DockerEngineDirectory } from '../../src/engine/engine-directory.js';
import { describeDocker } from '../harness/engines.js';
import { startPrivateEngine, type PrivateEngine } from '../harness/private-engine.js';
import { freePort, startSshd, type PrivateSshd } from '../harness/remote-access.js';

const run = promisify(execFile);

async function failure(p: Promise<unknown>): Promise<OpsError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OpsError) return err;
    throw err;
  }
  throw new Error('expected the call to fail, and it succeeded');
}

describeDocker('remote engine authentication', () => {
  let engine: PrivateEngine;
  let sshd: PrivateSshd;
  let tcpPort: number;
  let fingerprint: string;
  const dir = mkdtempSync(join(tmpdir(), 'so-auth-'));

  beforeAll(async () => {
    if (!existsSync('/usr/sbin/sshd')) throw new Error('these tests need openssh-server (apt-get install openssh-server; .ci/run installs it)');
    tcpPort = await freePort();
    engine = await startPrivateEngine('au', 'vfs', { extraArgs: ['--host', `tcp://127.0.0.1:${tcpPort}`, '--tls=false'] });
    sshd = await startSshd(engine.url);
    const pub = join(dir, 'host.pub');
    writeFileSync(pub, sshd.hostPublicKey + '\n');
    // The reference: what OpenSSH itself says the key's fingerprint is.
    fingerprint = (await run('ssh-keygen', ['-lf', pub])).stdout.split(' ')[1] ?? '';
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  afterAll(async () => {
    await sshd?.stop();
    await engine?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sshHost = (extra: Record<string, unknown>) => ({ name: 'edge', url: `ssh://root@127.0.0.1:${sshd.port}`, sshKey: sshd.keyFile, ...extra });
  const engineFor = (hosts: unknown[], top: Record<string, unknown> = {}) => new DockerEngineDirectory(parseConfig({ hosts, ...top }, 'test')).get();

  it('refuses an unknown host key, showing its fingerprint and how to pin it', async () => {
    const empty = join(dir, 'empty_known_hosts');
    writeFileSync(empty, '# nothing known yet\n');
    const e = await failure(engineFor([sshHost({ knownHosts: empty })]).listVolumes());
    expect(e.code).toBe('unavailable');
    expect(e.toLine()).toBe(
      `engine "edge" (ssh://root@127.0.0.1:${sshd.port}) was refused: its ssh host key ssh-ed25519 ${fingerprint} is unknown (not in ${empty}). ` +
        `If that is the host's key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), pin it with "hostKeyFingerprint": "${fingerprint}" on hosts[] "edge", ` +
        `or add it to known_hosts (ssh-keyscan -p ${sshd.port} 127.0.0.1 >> ${empty}, then compare the fingerprint)`,
    );
    // The default file, through the top-level knownHosts, is consulted the same way.
    const viaTop = await failure(engineFor([sshHost({})], { knownHosts: empty }).ping());
    expect(viaTop.message).toContain(`is unknown (not in ${empty})`);
  });

  it('accepts the key from known_hosts, plain or as ssh-keyscan -H writes it (hashed)', async () => {
    expect(await engineFor([sshHost({ knownHosts: sshd.knownHostsFile })]).listVolumes()).toEqual([]);
    const scanned = join(dir, 'scanned_known_hosts');
    writeFileSync(scanned, (await run('ssh-keyscan', ['-H', '-t', 'ed25519', '-p', String(sshd.port), '127.0.0.1'])).stdout);
    expect(await engineFor([sshHost({})], { knownHosts: scanned }).listVolumes()).toEqual([]);
  });

  it('accepts the pinned fingerprint and refuses another', async () => {
    expect(await engineFor([sshHost({ hostKeyFingerprint: fingerprint })]).listVolumes()).toEqual([]);
    const wrong = `SHA256:${'A'.repeat(43)}`;
    const e = await failure(engineFor([sshHost({ hostKeyFingerprint: wrong })]).listVolumes());
    expect(e.toLine()).toBe(
      `engine "edge" (ssh://root@127.0.0.1:${sshd.port}) was refused: it presented the ssh host key ssh-ed25519 ${fingerprint}, but the config pins hostKeyFingerprint ${wrong}. ` +
        `Check the key on the host itself. Only if it really changed, set "hostKeyFingerprint": "${fingerprint}" on hosts[] "edge"`,
    );
  });

  it('refuses a changed key loudly', async () => {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    const otherKey = (await run('ssh-keygen', ['-lf', join(dir, 'other.pub')])).stdout.split(' ')[1];
    const stale = join(dir, 'stale_known_hosts');
    const otherPub = (await run('cat', [join(dir, 'other.pub')])).stdout.trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(stale, `[127.0.0.1]:${sshd.port} ${otherPub}\n`);
    const e = await failure(engineFor([sshHost({ knownHosts: stale })]).listVolumes());
    expect(e.message).toBe(
      `engine "edge" (ssh://root@127.0.0.1:${sshd.port}) was refused: its ssh host key CHANGED: it presented ssh-ed25519 ${fingerprint}, but ${stale} line 1 holds ${otherKey} for [127.0.0.1]:${sshd.port}. ` +
        'Someone may be intercepting the connection, or the host was reinstalled',
    );
    expect(e.hint).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}' -f ${stale}`);
  });

  it('a missing known_hosts file named in the config is a config error', () => {
    const missing = join(dir, 'no_such_file');
    expect(() => engineFor([sshHost({ knownHosts: missing })])).toThrow(`host "edge": known_hosts file ${missing} does not exist`);
  });

  it('plain tcp:// needs insecure: true', async () => {
    const url = `tcp://127.0.0.1:${tcpPort}`;
    expect(() => parseConfig({ hosts: [{ name: 'plain', url }] }, 'test')).toThrow(
      `config test: key "hosts[0].insecure" is invalid: ${url} has no TLS: anyone who can reach that port controls the engine (root on its host). Add tls { ca, cert, key } (the engine's --tlsverify setup), or set "insecure": true on this host if the network is trusted`,
    );
    // The engine does answer there; with the explicit opt-in, storage-ops talks to it.
    expect(await engineFor([{ name: 'plain', url, insecure: true }]).listVolumes()).toEqual([]);
  });
});
