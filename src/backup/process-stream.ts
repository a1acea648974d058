/**
 * A child process as a Duplex stream (zstd, age): what is written goes to its stdin, its stdout is
 * read. It ends only after the process exits 0; a non-zero exit fails the stream with the tail of
 * its stderr, turned into an OpsError by the caller's `failure` function when one is given.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';
import { OpsError } from '../core/errors.js';

const BATCH_BYTES = 256 * 1024;

export interface ProcessStreamOptions {
  /** Environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The error for a failed run, from the tail of the program's stderr (whole lines) and how it ended. */
  failure?: (stderr: string, how: string) => OpsError;
}

/**
 * A child process as a Duplex: what is written goes to its stdin, its stdout is read. It ends
 * only after the process exits 0; a non-zero exit fails the stream with the tail of its stderr.
 */
export class ProcessStream extends Duplex {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private stdoutEnded = false;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private pendingWrite: ((err?: Error | null) => void) | null = null;

  constructor(
    readonly program: string,
    args: string[],
    private readonly label: string,
    /** Error code when the program fails: corrupt input for decompressors, internal otherwise. */
    private readonly failCode: 'corrupt' | 'internal',
    private readonly opts: ProcessStreamOptions = {},
  ) {
    super({ readableHighWaterMark: 1 << 18, writableHighWaterMark: 1 << 18 });
    this.child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(opts.env ? { env: opts.env } : {}) });
    this.child.on('error', (err: NodeJS.ErrnoException) => {
      this.destroy(
        err.code === 'ENOENT'
          ? new OpsError('unavailable', `${label} needs the ${program} program, which is not installed on this machine`, {
              hint: `Install ${program} (apt-get install ${program})`,
            })
          : new OpsError('internal', `${label}: cannot run ${program}: ${err.message}`),
      );
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) this.child.stdout.pause();
    });
    this.child.stdout.on('end', () => {
      this.stdoutEnded = true;
      this.settle();
    });
    this.child.stderr.on('data', (d: Buffer) => {
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

  private releaseWrite(err?: Error): void {
    const cb = this.pendingWrite;
    this.pendingWrite = null;
    cb?.(err);
  }

  private settle(): void {
    if (!this.exit || this.destroyed) return;
    if (this.exit.code === 0) {
      if (this.stdoutEnded) this.push(null);
      return;
    }
    const how = this.exit.signal ? `was killed by ${this.exit.signal}` : `exited with status ${this.exit.code}`;
    const detail = this.stderr.trim().split('\n').filter(Boolean).slice(-3).join('; ');
    this.destroy(this.opts.failure ? this.opts.failure(this.stderr.trim(), how) : new OpsError(this.failCode, `${this.label} failed: ${this.program} ${how}${detail ? `: ${detail}` : ''}`));
  }

  /** The child's process id (to look at it while it runs). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  /**
   * Input is gathered into writes of about 256 KiB: the engine's stream arrives in ~20 KiB
   * pieces, and one pipe write per piece costs more (syscalls, wake-ups) than the copy.
   */
  private batch: Buffer[] = [];
  private batchBytes = 0;

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.exit) return cb(new OpsError('internal', `${this.label}: ${this.program} exited before its input ended`));
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes < BATCH_BYTES) return cb();
    this.flushBatch(cb);
  }

  private flushBatch(cb: (err?: Error | null) => void): void {
    if (this.batchBytes === 0) return cb();
    const data = this.batch.length === 1 ? (this.batch[0] as Buffer) : Buffer.concat(this.batch, this.batchBytes);
    this.batch = [];
    this.batchBytes = 0;
    if (this.child.stdin.write(data)) cb();
    else this.pendingWrite = cb;
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.exit) return cb(new OpsError('internal', `${this.label}: ${this.program} exited before its input ended`));
    this.flushBatch((err) => {
      if (err) return cb(err);
      this.child.stdin.end();
      cb();
    });
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.exit === null) this.child.kill('SIGKILL');
    this.releaseWrite();
    cb(err);
  }
}
