/**
 * Compression streams for backup archives: zstd through the `zstd` program (multi-threaded on
 * machines with cores to spare; Node 20's zlib has no zstd), gzip through node:zlib, or none. Every stream is a Duplex
 * that fails the pipeline with a clear error when the compressor fails or is missing.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { OpsError } from '../core/errors.js';

export type Compression = 'zstd' | 'gzip' | 'none';

const BATCH_BYTES = 256 * 1024;

export const COMPRESSIONS: readonly Compression[] = ['zstd', 'gzip', 'none'];

/** File name extension of a plain (unencrypted) archive. */
export function archiveExtension(compression: Compression, encrypted: boolean): string {
  const base = compression === 'zstd' ? '.tar.zst' : compression === 'gzip' ? '.tar.gz' : '.tar';
  return encrypted ? `${base}.age` : base;
}

/**
 * zstd 2 compresses about as well as gzip 6 (what the seed's `tar czf` uses; measured 0.97-0.99 of
 * its size on system files, JavaScript sources and logs) at several times its speed; zstd 1 is
 * faster still but up to 7 % larger than gzip 6 on text.
 */
export const DEFAULT_LEVEL: Record<Exclude<Compression, 'none'>, number> = { zstd: 2, gzip: 6 };

/**
 * zstd worker threads: on a machine with two or fewer cores the engine and this process need
 * them too, and a single-threaded zstd keeps up with the stream; bigger machines get the rest.
 */
export function zstdThreadArgs(cores = availableParallelism()): string[] {
  return cores <= 2 ? ['--single-thread'] : [`-T${cores - 1}`];
}

/** Whether an executable is on PATH (checked before anything is stopped or written). */
export function hasProgram(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

export function requireCompressor(compression: Compression): void {
  if (compression === 'zstd' && !hasProgram('zstd')) {
    throw new OpsError('unavailable', 'zstd compression needs the zstd program, which is not installed on this machine', {
      hint: 'Install it (apt-get install zstd; the storage-ops image has it) or use --compression gzip',
    });
  }
}

export function compressStream(compression: Compression, level?: number): Duplex {
  switch (compression) {
    case 'zstd':
      return new ProcessStream('zstd', ['-q', '-c', ...zstdThreadArgs(), `-${level ?? DEFAULT_LEVEL.zstd}`, '-'], 'zstd compression', 'internal');
    case 'gzip':
      return createGzip({ level: level ?? DEFAULT_LEVEL.gzip, chunkSize: 1 << 16 });
    case 'none':
      return new PassThrough({ highWaterMark: 1 << 18 });
  }
}

export function decompressStream(compression: Compression): Duplex {
  switch (compression) {
    case 'zstd':
      return new ProcessStream('zstd', ['-q', '-d', '-c', '-'], 'zstd decompression', 'corrupt');
    case 'gzip':
      return createGunzip({ chunkSize: 1 << 16 });
    case 'none':
      return new PassThrough({ highWaterMark: 1 << 18 });
  }
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
  ) {
    super({ readableHighWaterMark: 1 << 18, writableHighWaterMark: 1 << 18 });
    this.child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
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
    this.destroy(new OpsError(this.failCode, `${this.label} failed: ${this.program} ${how}${detail ? `: ${detail}` : ''}`));
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
