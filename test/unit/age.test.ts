/**
 * The age v1 implementation: round trips at chunk boundaries, damage and truncation detection,
 * wrong keys, the spec's key encoding, and interoperability with the age CLI in both directions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { AgeDecryptStream, AgeEncryptStream, bech32Decode, bech32Encode, generateIdentity, parseIdentities, parseRecipient } from '../../src/backup/age.js';
import { OpsError } from '../../src/core/errors.js';
import { failure as errorOf } from '../harness/expect-failure.js';

async function collect(src: Buffer, transform: NodeJS.ReadWriteStream): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      out.push(c);
      cb();
    },
  });
  await pipeline(Readable.from(chunks(src, 7777)), transform, sink);
  return Buffer.concat(out);
}

function* chunks(buf: Buffer, size: number): Generator<Buffer> {
  if (buf.length === 0) return;
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const key = generateIdentity();
const ids = parseIdentities(`# created: now\n# public key: ${key.recipient}\n${key.identity}\n`, 'test');

async function encrypt(plain: Buffer, recipients = [key.recipient]): Promise<Buffer> {
  return collect(plain, new AgeEncryptStream(recipients));
}

async function decrypt(cipher: Buffer, identities = ids): Promise<Buffer> {
  return collect(cipher, new AgeDecryptStream(identities));
}


describe('age v1 X25519', () => {
  it('derives the recipient the spec gives for its example identity', () => {
    const [id] = parseIdentities('AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX', 'spec');
    expect(id?.recipient).toBe('age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj');
  });

  it('encodes and decodes bech32, rejecting bad checksums and mixed case', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
    const s = bech32Encode('age', bytes);
    expect(bech32Decode(s)).toEqual({ hrp: 'age', bytes });
    expect(bech32Decode(s.slice(0, -1) + (s.endsWith('q') ? 'p' : 'q'))).toBeNull();
    expect(bech32Decode(s.slice(0, 10).toUpperCase() + s.slice(10))).toBeNull();
    expect(() => parseRecipient('age1notakey')).toThrow(/is not an age X25519 recipient/);
  });

  it.each([0, 1, 65535, 65536, 65537, 3 * 65536, 200_001])('round-trips %i bytes', async (n) => {
    const plain = Buffer.alloc(n, 0);
    for (let i = 0; i < n; i++) plain[i] = (i * 31 + 7) & 0xff;
    const cipher = await encrypt(plain);
    expect(cipher.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    // header + 16-byte nonce + one 16-byte tag per 64 KiB chunk (at least one chunk)
    expect(cipher.length).toBeGreaterThan(n + 16 * Math.max(1, Math.ceil(n / 65536)));
    expect((await decrypt(cipher)).equals(plain)).toBe(true);
  });

  it('encrypts to several recipients, each of which can decrypt', async () => {
    const other = generateIdentity();
    const cipher = await encrypt(Buffer.from('shared secret data'), [key.recipient, other.recipient]);
    expect((await decrypt(cipher, parseIdentities(other.identity, 'other'))).toString()).toBe('shared secret data');
    expect((await decrypt(cipher)).toString()).toBe('shared secret data');
  });

  it('refuses a wrong identity, a flipped byte, a truncated file and a bad header', async () => {
    const plain = Buffer.alloc(150_000, 0x41);
    const cipher = await encrypt(plain);
    const stranger = parseIdentities(generateIdentity().identity, 'stranger');
    expect((await errorOf(decrypt(cipher, stranger))).code).toBe('forbidden');

    const flipped = Buffer.from(cipher);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 70_000) ^ 0x01, flipped.length - 70_000);
    const e1 = await errorOf(decrypt(flipped));
    expect(e1.code).toBe('corrupt');
    expect(e1.message).toMatch(/chunk #\d+ failed authentication/);

    const truncated = cipher.subarray(0, cipher.length - 65_536 - 16 - 100);
    expect((await errorOf(decrypt(truncated))).code).toBe('corrupt');
    // Cut exactly at a chunk boundary: the last remaining chunk is not a final chunk.
    const headerAndNonce = cipher.indexOf('\n', cipher.indexOf('--- ')) + 1 + 16;
    const atBoundary = cipher.subarray(0, headerAndNonce + 65_536 + 16);
    expect((await errorOf(decrypt(atBoundary))).message).toMatch(/last chunk .* failed authentication/);

    const badMac = Buffer.from(cipher);
    const macAt = badMac.indexOf('--- ') + 5;
    badMac[macAt] = badMac[macAt] === 0x41 ? 0x42 : 0x41;
    expect((await errorOf(decrypt(badMac))).message).toMatch(/header MAC|not canonical/);
    expect((await errorOf(decrypt(Buffer.from('not an age file\n--- x\n')))).message).toMatch(/not an age v1 file/);
  });

  it('keeps key material out of error messages', () => {
    const secret = generateIdentity().identity;
    const e = (() => {
      try {
        // A wrong checksum character (one that differs from the real one, which is Q once in 32 keys).
        parseIdentities(`${secret.slice(0, -1)}${secret.endsWith('Q') ? 'P' : 'Q'}\n`, '/keys/k.txt');
      } catch (err) {
        return err as OpsError;
      }
      throw new Error('expected a failure');
    })();
    expect(e.message).toMatch(/identity file \/keys\/k\.txt: line 1 is not an age X25519 identity/);
    expect(e.message).not.toContain(secret.slice(20, 40));
  });
});

describe('age CLI interoperability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'so-age-'));
  const keyFile = join(dir, 'key.txt');
  execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim();
  const plain = Buffer.alloc(300_000);
  for (let i = 0; i < plain.length; i++) plain[i] = (i * 131) & 0xff;

  it('age -d decrypts what we encrypt', async () => {
    const file = join(dir, 'ours.age');
    writeFileSync(file, await encrypt(plain, [recipient]));
    expect(execFileSync('age', ['-d', '-i', keyFile, file]).equals(plain)).toBe(true);
  });

  it('we decrypt what age -r encrypts, with age-keygen identity files', async () => {
    const src = join(dir, 'plain.bin');
    const file = join(dir, 'theirs.age');
    writeFileSync(src, plain);
    execFileSync('age', ['-r', recipient, '-o', file, src]);
    const identities = parseIdentities(readFileSync(keyFile, 'utf8'), keyFile);
    expect(identities[0]?.recipient).toBe(recipient);
    expect((await decrypt(readFileSync(file), identities)).equals(plain)).toBe(true);
  });
});
