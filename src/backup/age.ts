/**
 * The age v1 file format (age-encryption.org/v1) with X25519 recipients, on node:crypto alone:
 * streaming encryption to public keys (so whoever backs up needs no secret) and streaming
 * decryption with an identity. Files are byte-compatible with the age CLI: `age -d -i key.txt`
 * decrypts what this writes, and this decrypts what `age -r age1...` writes.
 *
 * Format: a text header (version line, one "-> X25519" stanza per recipient wrapping a random
 * 16-byte file key, "---" line with an HMAC of the header), then a 16-byte nonce and the payload
 * in 64 KiB ChaCha20-Poly1305 chunks (STREAM: 11-byte big-endian counter + last-chunk flag).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { OpsError } from '../core/errors.js';
import { bech32Decode, bech32Encode, parseRecipient } from '../config/age-recipient.js';

export { bech32Decode, bech32Encode, isRecipient, parseRecipient } from '../config/age-recipient.js';

const VERSION_LINE = 'age-encryption.org/v1';
const X25519_INFO = 'age-encryption.org/v1/X25519';
const CHUNK = 64 * 1024;
const TAG = 16;
const ENCRYPTED_CHUNK = CHUNK + TAG;
const MAX_HEADER = 64 * 1024;

// DER prefixes that turn raw 32-byte X25519 keys into SPKI / PKCS#8 for node:crypto.
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

// ---------------------------------------------------------------------------------------------
// Keys.

export interface AgeIdentity {
  /** The recipient (public key) this identity decrypts for. */
  recipient: string;
  readonly privateKey: KeyObject;
}


function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawPublic(key: KeyObject): Buffer {
  return (key.export({ format: 'der', type: 'spki' }) as Buffer).subarray(SPKI_PREFIX.length);
}

function identityFromRaw(raw: Buffer): AgeIdentity {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
  return { privateKey, recipient: bech32Encode('age', rawPublic(createPublicKey(privateKey))) };
}

/**
 * Reads identities from the text of an age identity file (age-keygen's format: comment lines,
 * then AGE-SECRET-KEY-1... lines). Error messages never contain the key material.
 */
export function parseIdentities(text: string, source: string): AgeIdentity[] {
  const out: AgeIdentity[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const l = line.trim();
    if (l === '' || l.startsWith('#')) return;
    const decoded = bech32Decode(l);
    if (!decoded || decoded.hrp !== 'age-secret-key-' || decoded.bytes.length !== 32) {
      throw new OpsError('config', `identity file ${source}: line ${i + 1} is not an age X25519 identity (AGE-SECRET-KEY-1...)`, {
        hint: 'Generate one with `age-keygen -o key.txt`; plugin and passphrase identities are not supported',
      });
    }
    out.push(identityFromRaw(decoded.bytes));
  });
  if (out.length === 0) {
    throw new OpsError('config', `identity file ${source} holds no age identity`, { hint: 'Generate one with `age-keygen -o key.txt`' });
  }
  return out;
}

/** A new X25519 identity in age-keygen's text form, with its recipient (tests and docs). */
export function generateIdentity(): { identity: string; recipient: string } {
  const { privateKey } = generateKeyPairSync('x25519');
  const raw = (privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer).subarray(PKCS8_PREFIX.length);
  const identity = bech32Encode('age-secret-key-', raw).toUpperCase();
  return { identity, recipient: identityFromRaw(raw).recipient };
}

// ---------------------------------------------------------------------------------------------
// Header.

const b64 = (buf: Buffer): string => buf.toString('base64').replace(/=+$/, '');

/** Strict unpadded base64 (age requires canonical encodings). */
function unb64(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]*$/.test(text)) throw corrupt(`${what} is not valid base64`);
  const buf = Buffer.from(text, 'base64');
  if (b64(buf) !== text) throw corrupt(`${what} is not canonical base64`);
  return buf;
}

function hkdf(ikm: Buffer, salt: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}

function aeadSeal(key: Buffer, nonce: Buffer, plaintext: Buffer): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  const head = c.update(plaintext);
  const tail = c.final();
  return Buffer.concat([head, tail, c.getAuthTag()]);
}

function aeadOpen(key: Buffer, nonce: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < TAG) return null;
  const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  const head = d.update(sealed.subarray(0, sealed.length - TAG));
  try {
    return Buffer.concat([head, d.final()]);
  } catch {
    return null;
  }
}

function corrupt(detail: string): OpsError {
  return new OpsError('corrupt', `encrypted archive is damaged: ${detail}`, {
    hint: 'The file was changed or truncated after it was written; use another backup',
  });
}

function wrapBody(body: string): string {
  const lines: string[] = [];
  for (let i = 0; i < body.length; i += 64) lines.push(body.slice(i, i + 64));
  // The body ends with a line shorter than 64 columns, possibly empty.
  if (body.length % 64 === 0) lines.push('');
  return lines.join('\n');
}

function buildHeader(recipients: Buffer[], fileKey: Buffer): Buffer {
  let text = `${VERSION_LINE}\n`;
  for (const recipient of recipients) {
    const { privateKey, publicKey } = generateKeyPairSync('x25519');
    const share = rawPublic(publicKey);
    const shared = diffieHellman({ privateKey, publicKey: publicKeyFromRaw(recipient) });
    const wrapKey = hkdf(shared, Buffer.concat([share, recipient]), X25519_INFO);
    const body = aeadSeal(wrapKey, Buffer.alloc(12), fileKey);
    text += `-> X25519 ${b64(share)}\n${wrapBody(b64(body))}\n`;
  }
  text += '---';
  const mac = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(text).digest();
  return Buffer.from(`${text} ${b64(mac)}\n`, 'latin1');
}

interface Stanza {
  args: string[];
  body: Buffer;
}

/** Parses a complete header; returns the stanzas, the MAC'd text and the MAC. */
function parseHeader(text: string): { stanzas: Stanza[]; macInput: string; mac: Buffer } {
  const lines = text.split('\n');
  if (lines[0] !== VERSION_LINE) throw corrupt('not an age v1 file (bad version line)');
  const stanzas: Stanza[] = [];
  let i = 1;
  for (;;) {
    const line = lines[i];
    if (line === undefined) throw corrupt('header ends early');
    if (line.startsWith('--- ')) {
      const macInput = lines.slice(0, i).join('\n') + '\n---';
      const mac = unb64(line.slice(4), 'header MAC');
      if (mac.length !== 32) throw corrupt('header MAC has the wrong length');
      return { stanzas, macInput, mac };
    }
    if (!line.startsWith('-> ')) throw corrupt('malformed header line');
    const args = line.slice(3).split(' ');
    if (args.some((a) => a === '')) throw corrupt('malformed stanza arguments');
    i++;
    let body = '';
    for (;;) {
      const bl = lines[i];
      if (bl === undefined) throw corrupt('stanza body ends early');
      if (bl.length > 64) throw corrupt('stanza body line too long');
      body += bl;
      i++;
      if (bl.length < 64) break;
    }
    stanzas.push({ args, body: unb64(body, 'stanza body') });
  }
}

function unwrapFileKey(stanzas: Stanza[], identities: AgeIdentity[]): Buffer | null {
  for (const s of stanzas) {
    if (s.args[0] !== 'X25519') continue;
    if (s.args.length !== 2) throw corrupt('X25519 stanza has the wrong number of arguments');
    const share = unb64(s.args[1] as string, 'X25519 share');
    if (share.length !== 32) throw corrupt('X25519 share has the wrong length');
    if (s.body.length !== 32) throw corrupt('X25519 stanza body has the wrong length');
    for (const id of identities) {
      const shared = diffieHellman({ privateKey: id.privateKey, publicKey: publicKeyFromRaw(share) });
      if (shared.every((b) => b === 0)) throw corrupt('X25519 share is a low-order point');
      const recipient = parseRecipient(id.recipient);
      const wrapKey = hkdf(shared, Buffer.concat([share, recipient]), X25519_INFO);
      const key = aeadOpen(wrapKey, Buffer.alloc(12), s.body);
      if (key && key.length === 16) return key;
    }
  }
  return null;
}

function streamNonce(counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  // 11-byte big-endian counter (bytes 0-10); 2^48 chunks (16 EiB) fit in its low 6 bytes.
  n.writeUIntBE(Math.floor(counter / 2 ** 24), 5, 3);
  n.writeUIntBE(counter % 2 ** 24, 8, 3);
  n[11] = last ? 1 : 0;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Streams.

/** Encrypts a byte stream to the given recipients ("age1..."), as `age -r ... -r ...` does. */
export class AgeEncryptStream extends Transform {
  private readonly header: Buffer;
  private readonly payloadKey: Buffer;
  private readonly nonce: Buffer;
  private buf = Buffer.allocUnsafe(CHUNK);
  private fill = 0;
  private counter = 0;
  private started = false;

  constructor(recipients: string[]) {
    super({ readableHighWaterMark: 4 * ENCRYPTED_CHUNK, writableHighWaterMark: 4 * CHUNK });
    if (recipients.length === 0) throw new OpsError('config', 'encryption needs at least one recipient', { hint: 'Set backup.recipients to age1... public keys' });
    const fileKey = randomBytes(16);
    this.header = buildHeader(recipients.map(parseRecipient), fileKey);
    this.nonce = randomBytes(16);
    this.payloadKey = hkdf(fileKey, this.nonce, 'payload');
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.push(Buffer.concat([this.header, this.nonce]));
  }

  private seal(plain: Buffer, last: boolean): Buffer {
    return aeadSeal(this.payloadKey, streamNonce(this.counter++, last), plain);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.start();
    let off = 0;
    while (off < chunk.length) {
      if (this.fill === CHUNK) {
        // A full chunk is only final if nothing follows it; more data is here, so it is not.
        this.push(this.seal(this.buf, false));
        this.buf = Buffer.allocUnsafe(CHUNK);
        this.fill = 0;
      }
      const n = Math.min(CHUNK - this.fill, chunk.length - off);
      chunk.copy(this.buf, this.fill, off, off + n);
      this.fill += n;
      off += n;
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.start();
    this.push(this.seal(this.buf.subarray(0, this.fill), true));
    cb();
  }
}

/** Decrypts an age stream with the given identities; fails on any damage or truncation. */
export class AgeDecryptStream extends Transform {
  private head: Buffer[] = [];
  private headLen = 0;
  private payloadKey: Buffer | null = null;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private counter = 0;
  private sawFinal = false;

  constructor(private readonly identities: AgeIdentity[]) {
    super({ readableHighWaterMark: 4 * CHUNK, writableHighWaterMark: 4 * ENCRYPTED_CHUNK });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      if (!this.payloadKey) {
        this.head.push(chunk);
        this.headLen += chunk.length;
        const all = Buffer.concat(this.head);
        const rest = this.tryHeader(all);
        if (rest === null) {
          if (this.headLen > MAX_HEADER) throw corrupt('header is too large');
          this.head = [all];
          return cb();
        }
        this.head = [];
        chunk = rest;
      }
      this.pending.push(chunk);
      this.pendingLen += chunk.length;
      // Keep at least one byte beyond a chunk: the final chunk may be full-size.
      while (this.pendingLen > ENCRYPTED_CHUNK) {
        const all = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
        this.push(this.open(all.subarray(0, ENCRYPTED_CHUNK), false));
        const rest = all.subarray(ENCRYPTED_CHUNK);
        this.pending = [rest];
        this.pendingLen = rest.length;
      }
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (!this.payloadKey) throw corrupt('file ends inside the header');
      const last = Buffer.concat(this.pending);
      if (last.length === 0) throw corrupt('file is truncated (no final chunk)');
      const plain = this.open(last, true);
      if (plain.length === 0 && this.counter > 1) throw corrupt('final chunk is empty');
      this.sawFinal = true;
      this.push(plain);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  get complete(): boolean {
    return this.sawFinal;
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    const plain = aeadOpen(this.payloadKey as Buffer, streamNonce(this.counter, last), sealed);
    if (!plain) {
      throw corrupt(last ? `the last chunk (#${this.counter}) failed authentication (damaged or truncated)` : `chunk #${this.counter} failed authentication`);
    }
    this.counter++;
    return plain;
  }

  /** Parses the header once it is complete; returns the bytes after the payload nonce, or null. */
  private tryHeader(all: Buffer): Buffer | null {
    const firstLine = all.indexOf(0x0a);
    if ((firstLine >= 0 && all.toString('latin1', 0, firstLine) !== VERSION_LINE) || (firstLine < 0 && !VERSION_LINE.startsWith(all.toString('latin1', 0, Math.min(all.length, VERSION_LINE.length))))) {
      throw corrupt('not an age v1 file (bad version line)');
    }
    const end = findMacLineEnd(all);
    if (end < 0) return null;
    if (all.length < end + 16) return null;
    const text = all.subarray(0, end).toString('latin1');
    const { stanzas, macInput, mac } = parseHeader(text);
    const fileKey = unwrapFileKey(stanzas, this.identities);
    if (!fileKey) {
      throw new OpsError('forbidden', 'none of the configured age identities can decrypt this archive', {
        hint: `It was encrypted to other recipients; the identity file's recipients are ${this.identities.map((i) => i.recipient).join(', ')}`,
      });
    }
    const expected = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(macInput, 'latin1').digest();
    if (!timingSafeEqual(expected, mac)) throw corrupt('header MAC does not match');
    const nonce = all.subarray(end, end + 16);
    this.payloadKey = hkdf(fileKey, nonce, 'payload');
    return all.subarray(end + 16);
  }
}

/** Index just past the "--- MAC\n" line, or -1 when it has not arrived yet. */
function findMacLineEnd(buf: Buffer): number {
  let lineStart = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, lineStart);
    if (nl < 0) return -1;
    if (buf[lineStart] === 0x2d && buf[lineStart + 1] === 0x2d && buf[lineStart + 2] === 0x2d) return nl + 1;
    lineStart = nl + 1;
  }
}

/** True when the bytes start like an age file (used to sniff archives found in the store). */
export function looksLikeAge(head: Buffer): boolean {
  return head.subarray(0, VERSION_LINE.length).toString('latin1') === VERSION_LINE;
}
