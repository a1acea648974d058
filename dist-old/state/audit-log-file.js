/**
 * The audit log on disk: append-only JSON Lines in `<dataDir>/audit/`, in numbered segments
 * (`audit-0000000001.jsonl`, ...) rotated by size and pruned by count, read newest first without
 * reading the whole log. Writing one entry costs the same whether the log holds a hundred
 * entries or a million: open, one append, fdatasync, close.
 *
 * Several processes (the CLI, `serve`) append to the same log without a lock:
 * - Each entry is one `write(2)` on a file opened with O_APPEND. On a local Linux filesystem the
 *   kernel holds the file's inode lock for the whole write, so concurrent appends never interleave,
 *   whatever their size (PIPE_BUF is a pipe's limit, not a file's). Lines are kept under 64 KiB
 *   anyway (big inputs are cut, saying so), so a write is never split by the page cache either.
 * - A torn line (a crash or a full disk mid-write) is skipped by the reader; an entry appended
 *   after it, glued to its end, is still found (every line starts with `{"id":`).
 * - Rotation needs no lock either: a writer that fills a segment creates the next one with
 *   O_EXCL, so exactly one succeeds; a writer holding an older number finds that segment full
 *   (it only ever gets a successor once full) and moves on. Only segments beyond `maxFiles` are
 *   deleted, so a writer would have to sleep through `maxFiles - 1` rotations to lose an entry.
 * Not supported: a data directory shared by several machines over NFS, where O_APPEND is not atomic.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OpsError } from '../core/errors.js';
const SEGMENT = /^audit-(\d{10})\.jsonl$/;
/** The migrated audit array of an older state.json: before every segment the log writes itself. */
const MIGRATED_SEGMENT = 0;
const MAX_LINE = 64 * 1024;
const READ_CHUNK = 64 * 1024;
export const segmentName = (n) => `audit-${String(n).padStart(10, '0')}.jsonl`;
/** One entry as one line: `id` first (the reader finds glued entries by it), at most 64 KiB. */
export function auditLine(entry) {
    const { id, ...rest } = entry;
    const line = Buffer.from(JSON.stringify({ id, ...rest }) + '\n', 'utf8');
    if (line.length <= MAX_LINE)
        return line;
    const cut = {
        ...rest,
        input: { truncated: `the input was cut: the entry was ${line.length} bytes as JSON, and audit lines stay under 64 KiB` },
        ...(entry.detail ? { detail: { truncated: true } } : {}),
        ...(entry.error ? { error: { code: entry.error.code, message: entry.error.message.slice(0, 4096) } } : {}),
    };
    return Buffer.from(JSON.stringify({ id, ...cut }) + '\n', 'utf8');
}
/** Parses one line; null for a blank or torn one. Recovers an entry glued to the end of a torn line. */
export function parseAuditLine(line) {
    if (!line.trim())
        return null;
    const attempt = (text) => {
        try {
            const v = JSON.parse(text);
            return v && typeof v === 'object' && typeof v.id === 'string' ? v : null;
        }
        catch {
            return null;
        }
    };
    const whole = attempt(line);
    if (whole)
        return whole;
    const at = line.lastIndexOf('{"id":');
    return at > 0 ? attempt(line.slice(at)) : null;
}
export class AuditLogFile {
    dir;
    /** The segment this process appends to; re-discovered when it turns out stale. */
    current = null;
    constructor(dir) {
        this.dir = dir;
    }
    async append(entry, limits) {
        const line = auditLine(entry);
        for (let attempt = 0;; attempt++) {
            const n = this.current ?? (await this.newest());
            let fh;
            try {
                fh = await open(join(this.dir, segmentName(n)), constants.O_WRONLY | constants.O_APPEND);
            }
            catch (err) {
                // Pruned meanwhile (this process's number was far behind): look again.
                if (err.code === 'ENOENT' && attempt < 5) {
                    this.current = null;
                    continue;
                }
                throw writeError(this.dir, err);
            }
            try {
                const { size } = await fh.stat();
                if (size >= limits.maxBytes) {
                    // Full, so it has (or is about to get) a successor: go there.
                    await this.rotate(n, limits);
                    continue;
                }
                await writeFully(fh, line);
                await fh.datasync();
                if (size + line.length >= limits.maxBytes)
                    await this.rotate(n, limits);
                return;
            }
            catch (err) {
                throw err instanceof OpsError ? err : writeError(this.dir, err);
            }
            finally {
                await fh.close().catch(() => undefined);
            }
        }
    }
    /** Entries newest first, read backwards segment by segment; stop iterating when done. */
    async *newestFirst() {
        for (const n of (await this.segments()).reverse()) {
            let fh;
            try {
                fh = await open(join(this.dir, segmentName(n)), 'r');
            }
            catch (err) {
                if (err.code === 'ENOENT')
                    continue; // pruned while we read
                throw readError(this.dir, err);
            }
            try {
                for await (const line of linesBackwards(fh)) {
                    const e = parseAuditLine(line);
                    if (e)
                        yield e;
                }
            }
            finally {
                await fh.close().catch(() => undefined);
            }
        }
    }
    /**
     * Puts the audit array of an older state.json before everything else, once: the entries go to
     * a segment of their own, written whole (temporary file, fsync, rename). Returns false when that
     * segment already exists (an earlier start did this and stopped before it could say so).
     */
    async importOld(entries) {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        const target = join(this.dir, segmentName(MIGRATED_SEGMENT));
        if ((await this.segments()).includes(MIGRATED_SEGMENT))
            return false;
        const tmp = join(this.dir, `.import-${process.pid}.tmp`);
        const fh = await open(tmp, 'w', 0o600);
        try {
            await fh.writeFile(Buffer.concat(entries.map(auditLine)));
            await fh.sync();
        }
        finally {
            await fh.close();
        }
        try {
            await rename(tmp, target);
        }
        catch (err) {
            await rm(tmp, { force: true });
            throw err;
        }
        await syncDir(this.dir);
        return true;
    }
    /** Segment numbers present, oldest first. */
    async segments() {
        let names;
        try {
            names = await readdir(this.dir);
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return [];
            throw readError(this.dir, err);
        }
        return names
            .map((f) => SEGMENT.exec(f)?.[1])
            .filter((x) => x !== undefined)
            .map(Number)
            .sort((a, b) => a - b);
    }
    /** The newest segment, created (number 1) when there is none. */
    async newest() {
        const all = await this.segments();
        const last = all.at(-1);
        if (last !== undefined && last !== MIGRATED_SEGMENT)
            return (this.current = last);
        const first = (last ?? 0) + 1;
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        await createSegment(this.dir, first);
        return (this.current = first);
    }
    /** Moves on from a full segment `n`: creates `n + 1` unless another writer did, then prunes. */
    async rotate(n, limits) {
        await createSegment(this.dir, n + 1);
        this.current = n + 1;
        const all = await this.segments();
        for (const old of all.slice(0, Math.max(0, all.length - limits.maxFiles))) {
            await unlink(join(this.dir, segmentName(old))).catch((err) => {
                if (err.code !== 'ENOENT')
                    throw writeError(this.dir, err);
            });
        }
    }
}
async function createSegment(dir, n) {
    try {
        const fh = await open(join(dir, segmentName(n)), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        await fh.close();
        await syncDir(dir);
    }
    catch (err) {
        if (err.code !== 'EEXIST')
            throw writeError(dir, err);
    }
}
async function writeFully(fh, buf) {
    let off = 0;
    // One write(2) in practice; a short write (a full disk) is finished rather than left torn.
    while (off < buf.length) {
        const { bytesWritten } = await fh.write(buf, off, buf.length - off, null);
        off += bytesWritten;
    }
}
async function syncDir(dir) {
    const d = await open(dir, 'r');
    try {
        await d.sync();
    }
    finally {
        await d.close();
    }
}
/** Lines of a file from the last to the first, reading 64 KiB at a time from the end. */
async function* linesBackwards(fh) {
    let pos = (await fh.stat()).size;
    let carry = Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    while (pos > 0) {
        const len = Math.min(READ_CHUNK, pos);
        pos -= len;
        const { bytesRead } = await fh.read(buf, 0, len, pos);
        let block = Buffer.concat([buf.subarray(0, bytesRead), carry]);
        let end = block.length;
        for (let i = block.length - 1; i >= 0; i--) {
            if (block[i] !== 0x0a)
                continue;
            if (end > i + 1)
                yield block.toString('utf8', i + 1, end);
            end = i;
        }
        carry = Buffer.from(block.subarray(0, end));
        block = Buffer.alloc(0);
    }
    if (carry.length)
        yield carry.toString('utf8');
}
function writeError(dir, err) {
    const code = err?.code;
    return new OpsError('unavailable', `cannot write the audit log in ${dir}: ${code ?? err?.message ?? String(err)}`, {
        hint: code === 'ENOSPC' ? 'The disk is full: free space in the data directory' : 'Check the data directory (STORAGE_OPS_DATA_DIR) is writable by this user',
        cause: err,
    });
}
function readError(dir, err) {
    return new OpsError('unavailable', `cannot read the audit log in ${dir}: ${err?.code ?? String(err)}`, {
        hint: 'Check the data directory (STORAGE_OPS_DATA_DIR) is readable by this user',
    });
}
//# sourceMappingURL=audit-log-file.js.map