/**
 * age encryption through the age program: round trips at chunk boundaries, damage and truncation
 * detection, wrong keys, identity files (age-keygen's), interoperability with the age CLI in both
 * directions, and that key material is never in the child's command line, its environment or an
 * error message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { AgeDecryptStream, AgeEncryptStream, generateIdentity, identitiesOf, looksLikeAge, parseRecipient, type AgeIdentity } from '../../src/backup/age.js';
import { bech32Decode } from '../../src/config/age-recipient.js';
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

const dir = mkdtempSync(join(tmpdir(), 'so-age-'));
let files = 0;
function keyFile(text: string): string {
  const f = join(dir, `key-${files++}.txt`);
  writeFileSync(f, text, { mode: 0o600 });
  return f;
}

const key = generateIdentity();
const ids: AgeIdentity[] = [{ file: keyFile(`# created: now\n# public key: ${key.recipient}\n${key.identity}\n`), recipient: key.recipient }];

async function encrypt(plain: Buffer, recipients = [key.recipient]): Promise<Buffer> {
  return collect(plain, new AgeEncryptStream(recipients));
}

async function decrypt(cipher: Buffer, identities = ids): Promise<Buffer> {
  return collect(cipher, new AgeDecryptStream(identities));
}

describe('age through the age program', () => {
  it('reads identity files the way age-keygen does, including the spec example', async () => {
    const spec = keyFile('AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX\n');
    expect(await identitiesOf(spec)).toEqual([{ file: spec, recipient: 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj' }]);
    const other = generateIdentity();
    const two = keyFile(`${key.identity}\n# another\n${other.identity}\n`);
    expect((await identitiesOf(two)).map((i) => i.recipient)).toEqual([key.recipient, other.recipient]);
  });

  it('validates recipients in the configuration by their bech32 checksum', () => {
    expect(bech32Decode(key.recipient)?.hrp).toBe('age');
    expect(bech32Decode(key.recipient.slice(0, -1) + (key.recipient.endsWith('q') ? 'p' : 'q'))).toBeNull();
    expect(bech32Decode(key.recipient.slice(0, 10).toUpperCase() + key.recipient.slice(10))).toBeNull();
    expect(parseRecipient(key.recipient)).toHaveLength(32);
    expect(() => parseRecipient('age1notakey')).toThrow(/is not an age X25519 recipient/);
  });

  it.each([0, 1, 65535, 65536, 65537, 3 * 65536, 200_001])('round-trips %i bytes', async (n) => {
    const plain = Buffer.alloc(n, 0);
    for (let i = 0; i < n; i++) plain[i] = (i * 31 + 7) & 0xff;
    const cipher = await encrypt(plain);
    expect(looksLikeAge(cipher)).toBe(true);
    // header + 16-byte nonce + one 16-byte tag per 64 KiB chunk (at least one chunk)
    expect(cipher.length).toBeGreaterThan(n + 16 * Math.max(1, Math.ceil(n / 65536)));
    expect((await decrypt(cipher)).equals(plain)).toBe(true);
  });

  it('encrypts to several recipients, each of which can decrypt', async () => {
    const other = generateIdentity();
    const cipher = await encrypt(Buffer.from('shared secret data'), [key.recipient, other.recipient]);
    expect((await decrypt(cipher, [{ file: keyFile(other.identity), recipient: other.recipient }])).toString()).toBe('shared secret data');
    expect((await decrypt(cipher)).toString()).toBe('shared secret data');
  });

  it('refuses a wrong identity, a flipped byte, a truncated file and a bad header', async () => {
    const plain = Buffer.alloc(150_000, 0x41);
    const cipher = await encrypt(plain);
    const stranger = generateIdentity();
    const wrong = await errorOf(decrypt(cipher, [{ file: keyFile(stranger.identity), recipient: stranger.recipient }]));
    expect(wrong.code).toBe('forbidden');
    expect(wrong.message).toBe('none of the configured age identities can decrypt this archive');
    expect(wrong.hint).toContain(stranger.recipient);

    const flipped = Buffer.from(cipher);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 70_000) ^ 0x01, flipped.length - 70_000);
    const e1 = await errorOf(decrypt(flipped));
    expect(e1.code).toBe('corrupt');
    expect(e1.message).toBe('encrypted archive is damaged: failed to decrypt and authenticate payload chunk');

    const truncated = cipher.subarray(0, cipher.length - 65_536 - 16 - 100);
    expect((await errorOf(decrypt(truncated))).code).toBe('corrupt');
    // Cut exactly at a chunk boundary: the last remaining chunk is not a final chunk.
    const headerAndNonce = cipher.indexOf('\n', cipher.indexOf('--- ')) + 1 + 16;
    const atBoundary = await errorOf(decrypt(cipher.subarray(0, headerAndNonce + 65_536 + 16)));
    expect(atBoundary.code).toBe('corrupt');

    const badMac = Buffer.from(cipher);
    const macAt = badMac.indexOf('--- ') + 5;
    badMac[macAt] = badMac[macAt] === 0x41 ? 0x42 : 0x41;
    expect((await errorOf(decrypt(badMac))).message).toMatch(/header MAC|base64/);
    const notAge = await errorOf(decrypt(Buffer.from('not an age file\n--- x\n')));
    expect(notAge.code).toBe('corrupt');
    expect(notAge.message).toMatch(/unexpected intro/);
  });

  it('keeps key material out of error messages', async () => {
    const secret = generateIdentity().identity;
    const broken = keyFile(`${secret.slice(0, -1)}${secret.endsWith('Q') ? 'P' : 'Q'}\n`);
    const e = await errorOf(identitiesOf(broken));
    expect(e.code).toBe('config');
    expect(e.message).toMatch(new RegExp(`^identity file ${broken} is not an age X25519 identity file: .*line 1`));
    expect(e.message).not.toContain(secret.slice(20, 40));
    const missing = await errorOf(decrypt(Buffer.from('age-encryption.org/v1\n'), [{ file: join(dir, 'nope.txt'), recipient: key.recipient }]));
    expect(missing.code).toBe('config');
    expect(missing.message).toMatch(/cannot use the age identity file: reading ".*nope\.txt"/);
  });

  it('gives age the identity as a file path: the key is not in its command line or its environment', async () => {
    const plain = Buffer.alloc(1 << 20, 7);
    const cipher = await encrypt(plain);
    process.env.SO_TEST_SLACK_TOKEN = 'xoxb-not-for-children-123';
    // spawn() returns once age has been exec'd, so /proc shows age's own command line.
    const stream = new AgeDecryptStream(ids);
    delete process.env.SO_TEST_SLACK_TOKEN;
    const input = new PassThrough();
    const cmdline = readFileSync(`/proc/${stream.pid}/cmdline`, 'latin1').split('\0');
    const environ = readFileSync(`/proc/${stream.pid}/environ`, 'latin1');
    expect(cmdline.slice(0, 4)).toEqual(['age', '-d', '-i', ids[0]!.file]);
    expect(cmdline.join(' ')).not.toContain('AGE-SECRET-KEY');
    expect(environ).not.toContain('xoxb-not-for-children-123');
    const out: Buffer[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (out.push(c), cb()) });
    const flow = pipeline(input, stream, sink);
    input.end(cipher);
    await flow;
    expect(Buffer.concat(out).equals(plain)).toBe(true);
  });
});

describe('age CLI interoperability', () => {
  const cliKey = join(dir, 'cli-key.txt');
  execFileSync('age-keygen', ['-o', cliKey], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', cliKey], { encoding: 'utf8' }).trim();
  const plain = Buffer.alloc(300_000);
  for (let i = 0; i < plain.length; i++) plain[i] = (i * 131) & 0xff;

  it('age -d decrypts what we encrypt', async () => {
    const file = join(dir, 'ours.age');
    writeFileSync(file, await encrypt(plain, [recipient]));
    expect(execFileSync('age', ['-d', '-i', cliKey, file]).equals(plain)).toBe(true);
  });

  it('we decrypt what age -r encrypts, with age-keygen identity files', async () => {
    const src = join(dir, 'plain.bin');
    const file = join(dir, 'theirs.age');
    writeFileSync(src, plain);
    execFileSync('age', ['-r', recipient, '-o', file, src]);
    const identities = await identitiesOf(cliKey);
    expect(identities).toEqual([{ file: cliKey, recipient }]);
    expect((await decrypt(readFileSync(file), identities)).equals(plain)).toBe(true);
  });
});
