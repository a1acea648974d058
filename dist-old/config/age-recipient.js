/**
 * age recipients ("age1..." bech32 X25519 public keys): parsing and checking, shared by the
 * configuration (which validates recipients at start) and the backup encryption.
 */
import { OpsError } from '../core/errors.js';
// ---------------------------------------------------------------------------------------------
// Bech32 (BIP 173, without the length limit), as age uses it for keys.
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
function polymod(values) {
    let chk = 1;
    for (const v of values) {
        const top = chk >>> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (let i = 0; i < 5; i++)
            if ((top >>> i) & 1)
                chk ^= GEN[i];
    }
    return chk >>> 0;
}
function hrpExpand(hrp) {
    const out = [];
    for (const c of hrp)
        out.push(c.charCodeAt(0) >>> 5);
    out.push(0);
    for (const c of hrp)
        out.push(c.charCodeAt(0) & 31);
    return out;
}
function convertBits(data, from, to, pad) {
    let acc = 0;
    let bits = 0;
    const out = [];
    const maxv = (1 << to) - 1;
    for (let i = 0; i < data.length; i++) {
        const value = data[i];
        if (value < 0 || value >> from !== 0)
            return null;
        acc = (acc << from) | value;
        bits += from;
        while (bits >= to) {
            bits -= to;
            out.push((acc >> bits) & maxv);
        }
    }
    if (pad) {
        if (bits > 0)
            out.push((acc << (to - bits)) & maxv);
    }
    else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
        return null;
    }
    return out;
}
/** Decodes a bech32 string; null when malformed or the checksum fails. */
export function bech32Decode(text) {
    if (text !== text.toLowerCase() && text !== text.toUpperCase())
        return null;
    const s = text.toLowerCase();
    const sep = s.lastIndexOf('1');
    if (sep < 1 || sep + 7 > s.length)
        return null;
    const hrp = s.slice(0, sep);
    const data = [];
    for (const c of s.slice(sep + 1)) {
        const d = CHARSET.indexOf(c);
        if (d < 0)
            return null;
        data.push(d);
    }
    if (polymod([...hrpExpand(hrp), ...data]) !== 1)
        return null;
    const bytes = convertBits(data.slice(0, -6), 5, 8, false);
    return bytes ? { hrp, bytes: Buffer.from(bytes) } : null;
}
const RECIPIENT_RE = /^age1[02-9ac-hj-np-z]{58}$/;
/** The 32 raw bytes of an "age1..." recipient, or an error naming what is wrong with it. */
export function parseRecipient(text) {
    const decoded = RECIPIENT_RE.test(text) ? bech32Decode(text) : null;
    if (!decoded || decoded.hrp !== 'age' || decoded.bytes.length !== 32) {
        throw new OpsError('config', `"${text}" is not an age X25519 recipient`, {
            hint: 'Recipients look like age1... (62 characters); `age-keygen -y key.txt` prints the one for a key file',
        });
    }
    return decoded.bytes;
}
export function isRecipient(text) {
    try {
        parseRecipient(text);
        return true;
    }
    catch {
        return false;
    }
}
//# sourceMappingURL=age-recipient.js.map