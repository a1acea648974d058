/**
 * Reading the plain-text header of an age file (https://age-encryption.org/v1) without any key:
 * the version line, the recipient stanzas and the MAC line, then the payload nonce. What an
 * encrypted backup can be checked for when the bot has no identity: together with the sha256
 * against its manifest, a well-formed header with one X25519 stanza per configured recipient
 * makes the backup "sealed" (intact and decryptable by the recipients, as far as can be told
 * without decrypting). This parses a format; it does no cryptography.
 */
import { open } from 'node:fs/promises';

const VERSION_LINE = 'age-encryption.org/v1';
/** Headers are small; a few hundred bytes per recipient. */
const MAX_HEADER = 64 * 1024;
const B64 = /^[A-Za-z0-9+/]*$/;

export interface AgeHeader {
  /** Stanza types in order ("X25519", "scrypt", grease types). */
  stanzas: Array<{ type: string; args: string[] }>;
  /** Bytes up to and including the MAC line. */
  headerBytes: number;
}

/** Parses a header from the start of a file's bytes; throws with what is wrong. */
export function parseAgeHeader(buf: Buffer): AgeHeader {
  const text = buf.toString('latin1');
  let pos = 0;
  const line = (): string => {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) throw new Error('the header ends before its MAC line');
    const l = text.slice(pos, nl);
    pos = nl + 1;
    return l;
  };
  if (line() !== VERSION_LINE) throw new Error(`it does not start with "${VERSION_LINE}"`);
  const stanzas: AgeHeader['stanzas'] = [];
  for (;;) {
    const l = line();
    if (l.startsWith('--- ')) {
      const mac = l.slice(4);
      if (mac.length !== 43 || !B64.test(mac)) throw new Error('its MAC line is malformed');
      break;
    }
    if (!l.startsWith('-> ')) throw new Error(`unexpected header line "${l.slice(0, 40)}"`);
    const [type, ...args] = l.slice(3).split(' ');
    if (!type) throw new Error('a recipient stanza has no type');
    // The body: base64 lines of 64 characters, ended by a shorter (possibly empty) one.
    for (;;) {
      const b = line();
      if (!B64.test(b) || b.length > 64) throw new Error(`the body of a ${type} stanza is not base64`);
      if (b.length < 64) break;
    }
    if (type === 'X25519' && (args.length !== 1 || (args[0] ?? '').length !== 43)) throw new Error('an X25519 stanza has a malformed share');
    stanzas.push({ type, args });
  }
  if (!stanzas.length) throw new Error('it has no recipient stanza');
  return { stanzas, headerBytes: pos };
}

/**
 * Checks an age file's header against the recipients it should be for; returns the problems
 * (none: sealed). `size` is the file's size: a nonce and at least one sealed chunk must follow.
 */
export async function checkAgeHeader(path: string, size: number, recipients: number): Promise<string[]> {
  const fh = await open(path, 'r');
  let buf: Buffer;
  try {
    const want = Math.min(size, MAX_HEADER);
    buf = Buffer.alloc(want);
    const { bytesRead } = await fh.read(buf, 0, want, 0);
    buf = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  let header: AgeHeader;
  try {
    header = parseAgeHeader(buf);
  } catch (err) {
    return [`the age header is damaged: ${(err as Error).message}`];
  }
  const problems: string[] = [];
  const x25519 = header.stanzas.filter((s) => s.type === 'X25519').length;
  if (x25519 !== recipients) problems.push(`the age header has ${x25519} X25519 recipient stanza(s), the manifest lists ${recipients} recipient(s)`);
  // 16-byte nonce, then chunks each ending in a 16-byte tag.
  if (size < header.headerBytes + 32) problems.push('the age payload is shorter than a nonce and one sealed chunk');
  return problems;
}
