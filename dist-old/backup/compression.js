/**
 * Compression streams for backup archives: zstd through the `zstd` program (multi-threaded on
 * machines with cores to spare; Node 20's zlib has no zstd), gzip through node:zlib, or none. Every stream is a Duplex
 * that fails the pipeline with a clear error when the compressor fails or is missing.
 */
import { accessSync, constants } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { OpsError } from '../core/errors.js';
import { ProcessStream } from './process-stream.js';
export { ProcessStream } from './process-stream.js';
export const COMPRESSIONS = ['zstd', 'gzip', 'none'];
/** File name extension of a plain (unencrypted) archive. */
export function archiveExtension(compression, encrypted) {
    const base = compression === 'zstd' ? '.tar.zst' : compression === 'gzip' ? '.tar.gz' : '.tar';
    return encrypted ? `${base}.age` : base;
}
/**
 * zstd 2 compresses about as well as gzip 6 (what the seed's `tar czf` uses; measured 0.97-0.99 of
 * its size on system files, JavaScript sources and logs) at several times its speed; zstd 1 is
 * faster still but up to 7 % larger than gzip 6 on text.
 */
export const DEFAULT_LEVEL = { zstd: 2, gzip: 6 };
/**
 * zstd worker threads: on a machine with two or fewer cores the engine and this process need
 * them too, and a single-threaded zstd keeps up with the stream; bigger machines get the rest.
 */
export function zstdThreadArgs(cores = availableParallelism()) {
    return cores <= 2 ? ['--single-thread'] : [`-T${cores - 1}`];
}
/** Whether an executable is on PATH (checked before anything is stopped or written). */
export function hasProgram(name, env = process.env) {
    for (const dir of (env.PATH ?? '').split(delimiter)) {
        if (!dir)
            continue;
        try {
            accessSync(join(dir, name), constants.X_OK);
            return true;
        }
        catch {
            // not here
        }
    }
    return false;
}
export function requireCompressor(compression) {
    if (compression === 'zstd' && !hasProgram('zstd')) {
        throw new OpsError('unavailable', 'zstd compression needs the zstd program, which is not installed on this machine', {
            hint: 'Install it (apt-get install zstd; the storage-ops image has it) or use --compression gzip',
        });
    }
}
export function compressStream(compression, level) {
    switch (compression) {
        case 'zstd':
            return new ProcessStream('zstd', ['-q', '-c', ...zstdThreadArgs(), `-${level ?? DEFAULT_LEVEL.zstd}`, '-'], 'zstd compression', 'internal');
        case 'gzip':
            return createGzip({ level: level ?? DEFAULT_LEVEL.gzip, chunkSize: 1 << 16 });
        case 'none':
            return new PassThrough({ highWaterMark: 1 << 18 });
    }
}
export function decompressStream(compression) {
    switch (compression) {
        case 'zstd':
            return new ProcessStream('zstd', ['-q', '-d', '-c', '-'], 'zstd decompression', 'corrupt');
        case 'gzip':
            return createGunzip({ chunkSize: 1 << 16 });
        case 'none':
            return new PassThrough({ highWaterMark: 1 << 18 });
    }
}
//# sourceMappingURL=compression.js.map