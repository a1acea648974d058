/**
 * Durable, all-or-nothing files in the backup store: data goes to a temporary name (created
 * exclusively), is fsynced, then linked to its final name without ever replacing an existing file,
 * and the directory is fsynced. A failed or cancelled write leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
const SYNC_EVERY = 32 << 20;
/** Thrown by commit when the final name is already taken (the caller picks another). */
export class NameTakenError extends Error {
    path;
    constructor(path) {
        super(`${path} already exists`);
        this.path = path;
    }
}
async function writeAll(fh, bufs) {
    let pending = bufs.filter((b) => b.length > 0);
    while (pending.length) {
        const { bytesWritten } = await fh.writev(pending);
        let n = bytesWritten;
        const rest = [];
        for (const b of pending) {
            if (n >= b.length)
                n -= b.length;
            else {
                rest.push(n > 0 ? b.subarray(n) : b);
                n = 0;
            }
        }
        pending = rest;
    }
}
export async function fsyncDir(dir) {
    const fh = await open(dir, 'r');
    try {
        await fh.sync();
    }
    finally {
        await fh.close();
    }
}
/** Links `from` to `to` unless `to` exists; falls back to a checked rename where links are unsupported. */
async function linkNoClobber(from, to) {
    try {
        await link(from, to);
    }
    catch (err) {
        const code = err.code;
        if (code === 'EEXIST')
            throw new NameTakenError(to);
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV')
            throw err;
        if (await stat(to).then(() => true, () => false))
            throw new NameTakenError(to);
        await rename(from, to);
        return;
    }
    await unlink(from);
}
/** A Writable into a temporary file that hashes (sha256) and counts what it writes. */
export class AtomicFileWriter extends Writable {
    dir;
    tmpPath;
    fh = null;
    hash = createHash('sha256');
    digest = null;
    bytes = 0;
    committed = false;
    unsynced = 0;
    syncing = null;
    constructor(dir, tmpName) {
        super({ highWaterMark: 1 << 20 });
        this.dir = dir;
        this.tmpPath = join(dir, tmpName);
    }
    _construct(cb) {
        open(this.tmpPath, 'wx', 0o600).then((fh) => {
            this.fh = fh;
            cb();
        }, (err) => cb(err));
    }
    _writev(chunks, cb) {
        const bufs = chunks.map((c) => c.chunk);
        for (const b of bufs) {
            this.hash.update(b);
            this.bytes += b.length;
        }
        writeAll(this.fh, bufs).then(() => {
            this.unsynced += bufs.reduce((s, b) => s + b.length, 0);
            this.flushBehind();
            cb();
        }, (err) => cb(err));
    }
    /**
     * Starts writing dirty pages back while more data arrives (one fdatasync in flight at a time),
     * so the final fsync does not wait for the whole archive to reach the disk.
     */
    flushBehind() {
        if (this.unsynced < SYNC_EVERY || this.syncing || !this.fh)
            return;
        this.unsynced = 0;
        const fh = this.fh;
        this.syncing = fh
            .datasync()
            .catch(() => undefined)
            .finally(() => {
            this.syncing = null;
        });
    }
    _write(chunk, _enc, cb) {
        this._writev([{ chunk }], cb);
    }
    _final(cb) {
        const fh = this.fh;
        Promise.resolve(this.syncing)
            .then(() => fh.sync())
            .then(() => fh.close())
            .then(() => {
            this.fh = null;
            cb();
        }, (err) => cb(err));
    }
    _destroy(err, cb) {
        const fh = this.fh;
        this.fh = null;
        const closed = fh ? Promise.resolve(this.syncing).then(() => fh.close()).catch(() => undefined) : Promise.resolve();
        closed.then(() => (err ? this.discard() : undefined)).then(() => cb(err), () => cb(err));
    }
    /** Hex sha256 of everything written (after the stream finished). */
    sha256() {
        this.digest ??= this.hash.digest('hex');
        return this.digest;
    }
    /** Gives the finished file its final name (never replacing one) and makes the name durable. */
    async commit(finalName) {
        const to = join(this.dir, finalName);
        await linkNoClobber(this.tmpPath, to);
        this.committed = true;
        await fsyncDir(this.dir);
        return to;
    }
    /** Removes the temporary file; harmless when it is already gone or was committed. */
    async discard() {
        if (this.committed)
            return;
        await unlink(this.tmpPath).catch(() => undefined);
    }
}
/** Writes a small file durably under a final name that must not exist yet. */
export async function writeNewFile(dir, name, data, tmpName) {
    const tmp = join(dir, tmpName);
    const fh = await open(tmp, 'wx', 0o600);
    try {
        await fh.writeFile(data);
        await fh.sync();
    }
    catch (err) {
        await fh.close().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
        throw err;
    }
    await fh.close();
    try {
        await linkNoClobber(tmp, join(dir, name));
    }
    catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
    }
    await fsyncDir(dir);
    return join(dir, name);
}
/** Replaces a small file atomically and durably (temporary file, fsync, rename, directory fsync). */
export async function replaceFile(dir, name, data, tmpName) {
    const tmp = join(dir, tmpName);
    const fh = await open(tmp, 'w', 0o600);
    try {
        await fh.writeFile(data);
        await fh.sync();
        await fh.close();
        await rename(tmp, join(dir, name));
    }
    catch (err) {
        await fh.close().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
        throw err;
    }
    await fsyncDir(dir);
}
//# sourceMappingURL=atomic-file.js.map