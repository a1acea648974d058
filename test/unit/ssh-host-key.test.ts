/**
 * ssh host key checking against known_hosts (plain, hashed, [host]:port, wildcards, negation,
 * @revoked) and pinned fingerprints, and the errors that show the fingerprint and how to pin it.
 * The real handshake against a private sshd is in test/integration/host-access.test.ts.
 */
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load-config.js';
import {
  checkHostKey,
  hostKeyError,
  keyTypeOf,
  knownKeyTypes,
  patternsMatch,
  sshFingerprint,
  type HostKeyPolicy,
} from '../../src/engine/ssh-host-key.js';

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** A fresh ed25519 public key as the ssh wire blob known_hosts stores in base64. */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
}

const line = (hosts: string, blob: Buffer, marker = ''): string => `${marker ? marker + ' ' : ''}${hosts} ssh-ed25519 ${blob.toString('base64')} comment`;

function knownHosts(...lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'so-kh-')), 'known_hosts');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const hashed = (name: string): string => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('ssh host keys', () => {
  const key = ed25519Blob();
  const other = ed25519Blob();
  const policy = (file: string, extra: Partial<HostKeyPolicy> = {}): HostKeyPolicy => ({ host: 'edge.example.com', port: 22, knownHostsFile: file, ...extra });

  it('computes the fingerprint ssh-keygen -l prints', () => {
    expect(keyTypeOf(key)).toBe('ssh-ed25519');
    expect(sshFingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('accepts a key listed for the host: plain, hashed, [host]:port, wildcard', () => {
    expect(checkHostKey(policy(knownHosts(line('edge.example.com,10.0.0.9', key))), key)).toBeNull();
    expect(checkHostKey(policy(knownHosts(line(hashed('edge.example.com'), key))), key)).toBeNull();
    expect(checkHostKey(policy(knownHosts(line('[edge.example.com]:2222', key)), { port: 2222 }), key)).toBeNull();
    expect(checkHostKey(policy(knownHosts(line(hashed('[edge.example.com]:2222'), key)), { port: 2222 }), key)).toBeNull();
    expect(checkHostKey(policy(knownHosts('# comment', '', line('*.example.com', key))), key)).toBeNull();
  });

  it('refuses an unknown key, naming the file and the fingerprint', () => {
    const file = knownHosts(line('other.example.com', key), line('[edge.example.com]:2222', key));
    expect(checkHostKey(policy(file), key)).toEqual({ reason: 'unknown', keyType: 'ssh-ed25519', fingerprint: sshFingerprint(key), expected: [], source: file });
    const missing = join(tmpdir(), 'so-no-such-known-hosts');
    expect(checkHostKey(policy(missing), key)).toMatchObject({ reason: 'unknown', source: `${missing} (which does not exist)` });
  });

  it('refuses a changed key, showing old and new', () => {
    const file = knownHosts(line('x', other), line('edge.example.com', other));
    expect(checkHostKey(policy(file), key)).toEqual({ reason: 'changed', keyType: 'ssh-ed25519', fingerprint: sshFingerprint(key), expected: [sshFingerprint(other)], source: `${file} line 2` });
  });

  it('honours negation and @revoked', () => {
    expect(patternsMatch('*.example.com,!edge.example.com', 'edge.example.com')).toBe(false);
    expect(patternsMatch('*.example.com,!edge.example.com', 'db.example.com')).toBe(true);
    expect(checkHostKey(policy(knownHosts(line('*.example.com,!edge.example.com', key))), key)?.reason).toBe('unknown');
    expect(checkHostKey(policy(knownHosts(line('edge.example.com', key), line('*', key, '@revoked'))), key)?.reason).toBe('revoked');
  });

  it('with a pinned fingerprint, accepts exactly that key and ignores known_hosts', () => {
    const file = knownHosts(line('edge.example.com', other));
    expect(checkHostKey(policy(file, { fingerprint: sshFingerprint(key) }), key)).toBeNull();
    expect(checkHostKey(policy(file, { fingerprint: sshFingerprint(key) }), other)).toMatchObject({ reason: 'pin-mismatch', expected: [sshFingerprint(key)] });
  });

  it('asks the server first for the key types known_hosts holds', () => {
    const file = knownHosts(line('edge.example.com', key), `edge.example.com ssh-rsa ${key.toString('base64')}`);
    expect(knownKeyTypes(policy(file))).toEqual(['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(knownKeyTypes(policy(file, { fingerprint: sshFingerprint(key) }))).toEqual([]);
  });

  it('explains refusals with the fingerprint and how to pin it', () => {
    const file = knownHosts(line('edge.example.com', other));
    const p = policy(file);
    const changed = hostKeyError('edge', 'ssh://ops@edge.example.com', p, checkHostKey(p, key)!);
    expect(changed.toLine()).toContain(`engine "edge" (ssh://ops@edge.example.com) was refused: its ssh host key CHANGED: it presented ssh-ed25519 ${sshFingerprint(key)}, but ${file} line 1 holds ${sshFingerprint(other)} for edge.example.com`);
    expect(changed.toLine()).toContain(`"hostKeyFingerprint": "${sshFingerprint(key)}" on hosts[] "edge"`);
    const unknown = hostKeyError('edge', 'ssh://ops@edge.example.com:2222', { ...p, port: 2222 }, checkHostKey({ ...p, port: 2222 }, key)!);
    expect(unknown.toLine()).toBe(
      `engine "edge" (ssh://ops@edge.example.com:2222) was refused: its ssh host key ssh-ed25519 ${sshFingerprint(key)} is unknown (not in ${file}). ` +
        `If that is the host's key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), pin it with "hostKeyFingerprint": "${sshFingerprint(key)}" on hosts[] "edge", ` +
        `or add it to known_hosts (ssh-keyscan -p 2222 edge.example.com >> ${file}, then compare the fingerprint)`,
    );
  });
});

describe('remote engine config', () => {
  it('refuses plain tcp without insecure, naming the key', () => {
    expect(() => parseConfig({ hosts: [{ name: 'a', url: 'tcp://10.0.0.5:2375' }] }, 'test')).toThrow(/key "hosts\[0\]\.insecure" is invalid: tcp:\/\/10\.0\.0\.5:2375 has no TLS: anyone who can reach that port controls the engine/);
    // http:// is not an engine URL at all: refused for its scheme before TLS is considered.
    expect(() => parseConfig({ hosts: [{ name: 'a', url: 'http://10.0.0.5:2375' }] }, 'test')).toThrow(/hosts\[0\]\.url" is invalid: .*http:\/\/ and https:\/\/ are not engine URLs/);
    expect(parseConfig({ hosts: [{ name: 'a', url: 'tcp://10.0.0.5:2375', insecure: true }] }, 'test').hosts[0]?.insecure).toBe(true);
    expect(parseConfig({ hosts: [{ name: 'a', url: 'tcp://10.0.0.5:2376', tls: { ca: '/ca.pem' } }] }, 'test').hosts).toHaveLength(1);
  });
  it('refuses keys that do not apply to the URL', () => {
    expect(() => parseConfig({ hosts: [{ name: 'a', url: 'tcp://h:2376', tls: {}, insecure: true }] }, 'test')).toThrow(/hosts\[0\]\.insecure" is invalid: only applies to tcp:\/\/ hosts without tls/);
    expect(() => parseConfig({ hosts: [{ name: 'a', url: 'unix:///x.sock', hostKeyFingerprint: 'SHA256:' + 'a'.repeat(43) }] }, 'test')).toThrow(/hosts\[0\]\.hostKeyFingerprint" is invalid: only applies to ssh:\/\//);
    expect(() => parseConfig({ hosts: [{ name: 'a', url: 'ssh://h', hostKeyFingerprint: 'MD5:aa:bb' }] }, 'test')).toThrow(/hosts\[0\]\.hostKeyFingerprint" is invalid: a pinned host key looks like SHA256:/);
  });
  it('refuses DOCKER_HOST=tcp:// without TLS unless STORAGE_OPS_INSECURE_TCP=1', () => {
    expect(() => loadConfig({ DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toThrow(/DOCKER_HOST=tcp:\/\/10\.0\.0\.5:2375: tcp:\/\/10\.0\.0\.5:2375 has no TLS/);
    expect(loadConfig({ DOCKER_HOST: 'tcp://10.0.0.5:2375', STORAGE_OPS_INSECURE_TCP: '1' }).config.hosts[0]).toEqual({ name: 'local', url: 'tcp://10.0.0.5:2375', insecure: true });
  });
});
