/**
 * A child process as a Duplex stream (zstd, age): what is written goes to its stdin, its stdout is
 * read. It ends only after the process exits 0; a non-zero exit fails the stream with the tail of
 * its stderr, turned into an OpsError by the caller's `failure` function when one is given.
 */
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { OpsError } from '../core/errors.js';
const BATCH_BYTES = 256 * 1024;
/**
 * A child process as a Duplex: what is written goes to its stdin, its stdout is read. It ends
 * only after the process exits 0; a non-zero exit fails the stream with the tail of its stderr.
 */
export class ProcessStream extends Duplex {
    program;
    label;
    failCode;
    opts;
    child;
    stderr = '';
    stdoutEnded = false;
    exit = null;
    pendingWrite = null;
    constructor(program, args, label, 
    /** Error code when the program fails: corrupt input for decompressors, internal otherwise. */
    failCode, opts = {}) {
        super({ readableHighWaterMark: 1 << 18, writableHighWaterMark: 1 << 18 });
        this.program = program;
        this.label = label;
        this.failCode = failCode;
        this.opts = opts;
        this.child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(opts.env ? { env: opts.env } : {}) });
        this.child.on('error', (err) => {
            this.destroy(err.code === 'ENOENT'
                ? new OpsError('unavailable', `${label} needs the ${program} program, which is not installed on this machine`, {
                    hint: `Install ${program} (apt-get install ${program})`,
                })
                : new OpsError('internal', `${label}: cannot run ${program}: ${err.message}`));
        });
        this.child.stdout.on('data', (chunk) => {
            if (!this.push(chunk))
                this.child.stdout.pause();
        });
        this.child.stdout.on('end', () => {
            this.stdoutEnded = true;
            this.settle();
        });
        this.child.stderr.on('data', (d) => {
            this.stderr = (this.stderr + d.toString('utf8')).slice(-2000);
        });
        // EPIPE when the program exits early: its exit status and stderr tell the real story.
        this.child.stdin.on('error', () => undefined);
        this.child.stdin.on('drain', () => this.releaseWrite());
        this.child.on('close', (code, signal) => {
            this.exit = { code, signal };
            this.releaseWrite();
            this.settle();
        });
    }
    releaseWrite(err) {
        const cb = this.pendingWrite;
        this.pendingWrite = null;
        cb?.(err);
    }
    settle() {
        if (!this.exit || this.destroyed)
            return;
        if (this.exit.code === 0) {
            if (this.stdoutEnded)
                this.push(null);
            return;
        }
        const how = this.exit.signal ? `was killed by ${this.exit.signal}` : `exited with status ${this.exit.code}`;
        const detail = this.stderr.trim().split('\n').filter(Boolean).slice(-3).join('; ');
        this.destroy(this.opts.failure ? this.opts.failure(detail, how) : new OpsError(this.failCode, `${this.label} failed: ${this.program} ${how}${detail ? `: ${detail}` : ''}`));
    }
    /** The child's process id (to look at it while it runs). */
    get pid() {
        return this.child.pid;
    }
    _read() {
        this.child.stdout.resume();
    }
    /**
     * Input is gathered into writes of about 256 KiB: the engine's stream arrives in ~20 KiB
     * pieces, and one pipe write per piece costs more (syscalls, wake-ups) than the copy.
     */
    batch = [];
    batchBytes = 0;
    _write(chunk, _enc, cb) {
        if (this.exit)
            return cb(new OpsError('internal', `${this.label}: ${this.program} exited before its input ended`));
        this.batch.push(chunk);
        this.batchBytes += chunk.length;
        if (this.batchBytes < BATCH_BYTES)
            return cb();
        this.flushBatch(cb);
    }
    flushBatch(cb) {
        if (this.batchBytes === 0)
            return cb();
        const data = this.batch.length === 1 ? this.batch[0] : Buffer.concat(this.batch, this.batchBytes);
        this.batch = [];
        this.batchBytes = 0;
        if (this.child.stdin.write(data))
            cb();
        else
            this.pendingWrite = cb;
    }
    _final(cb) {
        if (this.exit)
            return cb(new OpsError('internal', `${this.label}: ${this.program} exited before its input ended`));
        this.flushBatch((err) => {
            if (err)
                return cb(err);
            this.child.stdin.end();
            cb();
        });
    }
    _destroy(err, cb) {
        if (this.exit === null)
            this.child.kill('SIGKILL');
        this.releaseWrite();
        cb(err);
    }
}
//# sourceMappingURL=process-stream.js.map