/**
 * Remote access for tests: TLS certificates made with openssl for a tcp://...:2376-style
 * listener, a private sshd whose sessions reach a given engine (so tcp+TLS and ssh:// hosts are
 * tested for real), and a private sshd that only serves sftp (for sftp: restic repositories).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface TlsFiles {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as dockerd --tlsverify wants. */
export async function makeTlsFiles(): Promise<TlsFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'so-tls-'));
  const p = (f: string): string => join(dir, f);
  const ssl = (...args: string[]): Promise<unknown> => run('openssl', args, { cwd: dir });
  await ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca-key.pem'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=storage-ops test CA');
  writeFileSync(p('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [who, ext] of [['server', 'server.ext'], ['client', 'client.ext']] as const) {
    await ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p(`${who}-key.pem`), '-out', p(`${who}.csr`), '-subj', `/CN=${who}`);
    await ssl('x509', '-req', '-in', p(`${who}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca-key.pem'), '-CAcreateserial', '-out', p(`${who}-cert.pem`), '-days', '2', '-extfile', p(ext));
  }
  return { dir, ca: p('ca.pem'), serverCert: p('server-cert.pem'), serverKey: p('server-key.pem'), clientCert: p('client-cert.pem'), clientKey: p('client-key.pem') };
}

export interface PrivateSshd {
  port: number;
  keyFile: string;
  /** The server's public host key (an OpenSSH .pub line). */
  hostPublicKey: string;
  /** A known_hosts file that lists this sshd's host key for [127.0.0.1]:port. */
  knownHostsFile: string;
  stop(): Promise<void>;
}

/** Resolves once something listens on 127.0.0.1:port; throws with the log when the process died first. */
export async function waitForPort(port: number, child: ChildProcess, what: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(true));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
    });
    if (up) return;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not start: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '(no log)';
  }
}

/** Stops a server process this harness started (by its own handle, never by name). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
}

/** An sshd on 127.0.0.1 accepting one key for root, with these extra config lines. */
async function launchSshd(extra: string[]): Promise<PrivateSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'so-ssh-'));
  const keyFile = join(dir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  const port = await freePort();
  const cfg = join(dir, 'sshd_config');
  writeFileSync(
    cfg,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${keyFile}.pub`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      ...extra,
      '',
    ].join('\n'),
  );
  chmodSync(dir, 0o700);
  // sshd insists on its privilege separation directory even when run by hand.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  // The log goes to a file, not a pipe: tests block their event loop in spawnSync while sshd
  // logs every connection, and a full pipe would stall it.
  const logFile = join(dir, 'sshd.log');
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-E', logFile, '-f', cfg], { stdio: 'ignore' });
  await waitForPort(port, child, 'sshd', () => readLog(logFile));
  const hostPublicKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim();
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPublicKey.split(' ').slice(0, 2).join(' ')}\n`);
  return { port, keyFile, hostPublicKey, knownHostsFile, stop: () => stopChild(child) };
}

/** An sshd on 127.0.0.1 accepting one key for root, whose sessions see DOCKER_HOST=engineUrl. */
export async function startSshd(engineUrl: string): Promise<PrivateSshd> {
  return launchSshd([`SetEnv DOCKER_HOST=${engineUrl}`]);
}

/** An sshd on 127.0.0.1 that serves nothing but sftp (sshd's own internal-sftp), for root with one key. */
export async function startSftpServer(): Promise<PrivateSshd> {
  return launchSshd(['Subsystem sftp internal-sftp', 'ForceCommand internal-sftp', 'AllowTcpForwarding no', 'X11Forwarding no']);
}
