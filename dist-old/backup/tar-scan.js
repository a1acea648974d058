/**
 * A streaming tar reader that never holds file data: it walks the headers of a tar stream as the
 * bytes pass (ustar, POSIX pax and GNU long-name entries), checks every header checksum and the
 * end-of-archive marker, and counts what it saw. Backups use it to record how many entries they
 * hold; verify and restore use it to prove an archive reads end to end and matches its manifest.
 */
import { Transform } from 'node:stream';
import { OpsError } from '../core/errors.js';
const BLOCK = 512;
const MAX_META = 1 << 20;
function damaged(detail, offset) {
    return new OpsError('corrupt', `the tar stream is damaged at byte ${offset}: ${detail}`, {
        hint: 'The archive (or the stream it was read from) is not a complete tar archive',
    });
}
function cstr(buf, start, len) {
    const end = buf.indexOf(0, start);
    return buf.toString('utf8', start, end < 0 || end > start + len ? start + len : end);
}
/** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function num(buf, start, len) {
    const first = buf[start];
    if (first & 0x80) {
        let v = first & 0x7f;
        for (let i = 1; i < len; i++)
            v = v * 256 + buf[start + i];
        return v;
    }
    const text = cstr(buf, start, len).trim();
    if (text === '')
        return 0;
    if (!/^[0-7]+$/.test(text))
        return NaN;
    return parseInt(text, 8);
}
function checksumOk(h) {
    const stored = num(h, 148, 8);
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) {
        const b = i >= 148 && i < 156 ? 0x20 : h[i];
        unsigned += b;
        signed += b > 127 ? b - 256 : b;
    }
    return stored === unsigned || stored === signed;
}
function isZeroBlock(h) {
    for (let i = 0; i < BLOCK; i++)
        if (h[i] !== 0)
            return false;
    return true;
}
function parsePax(data, offset) {
    const out = {};
    let pos = 0;
    while (pos < data.length) {
        const sp = data.indexOf(0x20, pos);
        if (sp < 0)
            break;
        const len = parseInt(data.toString('latin1', pos, sp), 10);
        if (!Number.isFinite(len) || len <= 0 || pos + len > data.length)
            throw damaged('malformed pax record', offset);
        const record = data.subarray(sp + 1, pos + len - 1);
        const eq = record.indexOf(0x3d);
        if (eq > 0)
            out[record.toString('utf8', 0, eq)] = record.toString('utf8', eq + 1);
        pos += len;
    }
    return out;
}
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);
/**
 * Incremental tar header walker. Feed it bytes with write(); end() checks the archive was complete.
 * onEntry may return false to stop early (write() then ignores further input).
 */
export class TarWalker {
    onEntry;
    offset = 0;
    header = Buffer.alloc(BLOCK);
    headerFill = 0;
    /** Data bytes of the current entry still to pass (then padding). */
    skip = 0;
    pad = 0;
    capture = null;
    pax = {};
    longName = null;
    longLink = null;
    zeroBlocks = 0;
    ended = false;
    stopped = false;
    summary = {
        tarBytes: 0,
        entries: 0,
        files: 0,
        dirs: 0,
        symlinks: 0,
        hardlinks: 0,
        others: 0,
        dataBytes: 0,
        root: null,
    };
    constructor(onEntry) {
        this.onEntry = onEntry;
    }
    get complete() {
        return this.ended;
    }
    write(chunk) {
        this.summary.tarBytes += chunk.length;
        if (this.stopped || this.ended) {
            this.offset += chunk.length;
            return;
        }
        let pos = 0;
        while (pos < chunk.length && !this.stopped && !this.ended) {
            if (this.skip > 0 || this.pad > 0) {
                pos += this.consumeData(chunk, pos);
                continue;
            }
            const n = Math.min(BLOCK - this.headerFill, chunk.length - pos);
            chunk.copy(this.header, this.headerFill, pos, pos + n);
            this.headerFill += n;
            pos += n;
            this.offset += n;
            if (this.headerFill === BLOCK) {
                this.headerFill = 0;
                this.onHeader(this.offset - BLOCK);
            }
        }
        if (pos < chunk.length)
            this.offset += chunk.length - pos;
    }
    end() {
        if (!this.ended && !this.stopped) {
            if (this.skip > 0 || this.pad > 0 || this.headerFill > 0) {
                throw damaged('the stream ends in the middle of an entry (truncated archive)', this.offset);
            }
            throw damaged('the stream ends without the end-of-archive marker (truncated archive)', this.offset);
        }
        return this.summary;
    }
    consumeData(chunk, pos) {
        let used = 0;
        if (this.skip > 0) {
            const n = Math.min(this.skip, chunk.length - pos);
            if (this.capture) {
                chunk.copy(this.capture.buf, this.capture.fill, pos, pos + n);
                this.capture.fill += n;
            }
            this.skip -= n;
            used += n;
            if (this.skip === 0 && this.capture)
                this.finishCapture();
        }
        if (this.skip === 0 && this.pad > 0) {
            const n = Math.min(this.pad, chunk.length - pos - used);
            this.pad -= n;
            used += n;
        }
        this.offset += used;
        return used;
    }
    finishCapture() {
        const c = this.capture;
        this.capture = null;
        if (c.kind === 'x')
            this.pax = parsePax(c.buf, this.offset);
        else if (c.kind === 'L')
            this.longName = cstr(c.buf, 0, c.buf.length);
        else if (c.kind === 'K')
            this.longLink = cstr(c.buf, 0, c.buf.length);
        // 'g' (global pax headers) carry nothing we count.
    }
    onHeader(at) {
        const h = this.header;
        if (isZeroBlock(h)) {
            this.zeroBlocks++;
            if (this.zeroBlocks === 2)
                this.ended = true;
            return;
        }
        if (this.zeroBlocks > 0)
            throw damaged('a header follows a zero block', at);
        if (!checksumOk(h))
            throw damaged('header checksum mismatch', at);
        const type = String.fromCharCode(h[156] || 0x30);
        let size = num(h, 124, 12);
        if (!Number.isFinite(size) || size < 0)
            throw damaged('invalid size field', at);
        if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
            if (size > MAX_META)
                throw damaged(`extended header of ${size} bytes is implausibly large`, at);
            this.capture = { kind: type, buf: Buffer.alloc(size), fill: 0 };
            this.setData(size);
            if (size === 0)
                this.finishCapture();
            return;
        }
        const magic = h.toString('latin1', 257, 263);
        let name = cstr(h, 0, 100);
        if (magic === 'ustar\0') {
            const prefix = cstr(h, 345, 155);
            if (prefix)
                name = `${prefix}/${name}`;
        }
        const pax = this.pax;
        if (pax.path !== undefined)
            name = pax.path;
        else if (this.longName !== null)
            name = this.longName;
        let linkname = cstr(h, 157, 100);
        if (pax.linkpath !== undefined)
            linkname = pax.linkpath;
        else if (this.longLink !== null)
            linkname = this.longLink;
        if (pax.size !== undefined)
            size = Number(pax.size);
        if (!Number.isSafeInteger(size) || size < 0)
            throw damaged('invalid size', at);
        const paxNum = (k, fallback) => (pax[k] !== undefined && Number.isFinite(Number(pax[k])) ? Number(pax[k]) : fallback);
        const entry = {
            name: name.replace(/^(\.\/)+/, '').replace(/^\.$/, '').replace(/\/+$/, ''),
            type: type === '0' || type === '7' ? 'file' : type === '5' ? 'dir' : type === '2' ? 'symlink' : type === '1' ? 'hardlink' : 'other',
            size,
            mode: num(h, 100, 8) & 0o7777,
            uid: paxNum('uid', num(h, 108, 8)),
            gid: paxNum('gid', num(h, 116, 8)),
            mtime: Math.floor(paxNum('mtime', num(h, 136, 12))),
            linkname,
        };
        this.pax = {};
        this.longName = null;
        this.longLink = null;
        this.setData(HEADER_ONLY.has(type) ? 0 : size);
        const s = this.summary;
        if (entry.name === '' && entry.type === 'dir') {
            s.root = { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime };
        }
        else {
            s.entries++;
            if (entry.type === 'file') {
                s.files++;
                s.dataBytes += size;
            }
            else if (entry.type === 'dir')
                s.dirs++;
            else if (entry.type === 'symlink')
                s.symlinks++;
            else if (entry.type === 'hardlink')
                s.hardlinks++;
            else
                s.others++;
        }
        if (this.onEntry && this.onEntry(entry) === false)
            this.stopped = true;
    }
    setData(size) {
        this.skip = size;
        this.pad = (BLOCK - (size % BLOCK)) % BLOCK;
    }
}
/**
 * A pass-through stream that walks the tar headers of what flows through it, and optionally
 * counts the bytes for a progress meter in the same stage (one stage less per chunk).
 */
export class TarScanStream extends Transform {
    meter;
    walker;
    constructor(onEntry, meter) {
        super({ highWaterMark: 1 << 18 });
        this.meter = meter;
        this.walker = new TarWalker(onEntry);
    }
    get summary() {
        return this.walker.summary;
    }
    _transform(chunk, _enc, cb) {
        try {
            this.walker.write(chunk);
        }
        catch (err) {
            return cb(err);
        }
        this.meter?.count(chunk.length);
        cb(null, chunk);
    }
    _flush(cb) {
        this.meter?.finish();
        try {
            this.walker.end();
            cb();
        }
        catch (err) {
            cb(err);
        }
    }
}
//# sourceMappingURL=tar-scan.js.map