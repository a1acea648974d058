/**
 * The stream building blocks: compression through a child process (and what happens when the
 * program is missing or fails), the atomic store writer, and the one-entry tar that sets a
 * volume root's attributes through the archive API.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { AtomicFileWriter, NameTakenError } from '../../src/backup/atomic-file.js';
import { compressStream, decompressStream, ProcessStream, zstdThreadArgs } from '../../src/backup/compression.js';
import { rootEntryTar } from '../../src/engine/volume-archive.js';
import { OpsError } from '../../src/core/errors.js';
import { runStages, StageError } from '../../src/backup/stages.js';
import { failure } from '../harness/expect-failure.js';

async function through(data: Buffer, stream: NodeJS.ReadWriteStream): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from([data]),
    stream,
    new Writable({
      write(c: Buffer, _e, cb) {
        out.push(c);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}


describe('compression streams', () => {
  const data = Buffer.from('storage-ops '.repeat(200_000));

  it.each(['zstd', 'gzip', 'none'] as const)('%s round-trips and the standard tool reads it', async (c) => {
    const packed = await through(data, compressStream(c));
    if (c !== 'none') expect(packed.length).toBeLessThan(data.length / 10);
    expect((await through(packed, decompressStream(c))).equals(data)).toBe(true);
    const tool = { zstd: ['zstd', ['-d', '-c']], gzip: ['gunzip', ['-c']], none: ['cat', []] } as const;
    expect(execFileSync(tool[c][0], [...tool[c][1]], { input: packed, maxBuffer: 64 << 20 }).equals(data)).toBe(true);
  });

  it('says what failed when the archive is damaged or the program is missing', async () => {
    const packed = await through(data, compressStream('zstd'));
    const damaged = Buffer.from(packed);
    damaged.writeUInt8(damaged.readUInt8(10) ^ 0xff, 10);
    const e = await failure(through(damaged, decompressStream('zstd')));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/^zstd decompression failed: zstd exited with status 1/);

    const missing = await failure(through(data, new ProcessStream('no-such-compressor-here', [], 'test compression', 'internal')));
    expect(missing.code).toBe('unavailable');
    expect(missing.message).toBe('test compression needs the no-such-compressor-here program, which is not installed on this machine');
  });

  it('leaves cores to the engine on small machines', () => {
    expect(zstdThreadArgs(1)).toEqual(['--single-thread']);
    expect(zstdThreadArgs(2)).toEqual(['--single-thread']);
    expect(zstdThreadArgs(8)).toEqual(['-T7']);
  });
});

describe('AtomicFileWriter', () => {
  it('writes under a temporary name, hashes, and commits without replacing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-atomic-'));
    writeFileSync(join(dir, 'taken'), 'old');
    const w = new AtomicFileWriter(dir, '.x.tmp');
    await pipeline(Readable.from([Buffer.from('hello '), Buffer.from('world')]), w);
    expect(w.bytes).toBe(11);
    expect(w.sha256()).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
    expect(readdirSync(dir).sort()).toEqual(['.x.tmp', 'taken']);
    await expect(w.commit('taken')).rejects.toBeInstanceOf(NameTakenError);
    expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('old');
    await w.commit('final');
    expect(readdirSync(dir).sort()).toEqual(['final', 'taken']);
    expect(readFileSync(join(dir, 'final'), 'utf8')).toBe('hello world');
  });

  it('removes its temporary file when the stream fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-atomic-'));
    const w = new AtomicFileWriter(dir, '.y.tmp');
    const src = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error('source broke'));
      },
    });
    await expect(pipeline(src, w)).rejects.toThrow('source broke');
    await w.discard();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('volume root entry', () => {
  it('is a tar GNU tar lists with the owner, mode and mtime, also for big ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-root-'));
    const f = join(dir, 'root.tar');
    writeFileSync(f, rootEntryTar({ uid: 999, gid: 998, mode: 0o2750, mtime: 1_115_269_505 }));
    expect(execFileSync('tar', ['-tvf', f, '--numeric-owner', '--full-time'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })).toMatch(/^drwxr-s--- 999\/998\s+0 2005-05-05 05:05:05 volume\/$/m);
    writeFileSync(f, rootEntryTar({ uid: 4_294_967_294, gid: 3_000_000, mode: 0o755, mtime: 0 }));
    expect(execFileSync('tar', ['-tvf', f, '--numeric-owner'], { encoding: 'utf8' })).toMatch(/^drwxr-xr-x 4294967294\/3000000 /m);
  });
});

describe('runStages', () => {
  it('names the first stage that failed, not a later error of the same stage', async () => {
    // A child-process stage can fail twice (EPIPE on its input, then its exit status).
    const twice = new Writable({
      write(_c, _e, cb) {
        cb(new Error('first failure'));
        setImmediate(() => twice.emit('error', new Error('second failure')));
      },
    });
    const err = await runStages([{ name: 'source', stream: Readable.from([Buffer.from('x')]) }, { name: 'sink', stream: twice }], new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageError);
    expect((err as StageError).stage).toBe('sink');
    expect((err as StageError).message).toBe('sink: first failure');
    await new Promise((r) => setImmediate(r));
  });

  it('gives a failing program the tail of its stderr as whole lines, for the caller to word', async () => {
    const seen: string[] = [];
    const child = new ProcessStream('sh', ['-c', 'echo one >&2; echo two >&2; exit 3'], 'the probe', 'internal', {
      failure: (stderr, how) => {
        seen.push(stderr, how);
        return new OpsError('internal', `probe failed: ${how}`);
      },
    });
    const err = await runStages([{ name: 'in', stream: Readable.from([Buffer.from('x')]) }, { name: 'probe', stream: child }, { name: 'out', stream: new Writable({ write: (_c, _e, cb) => cb() }) }], new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageError);
    expect((err as StageError).stage).toBe('probe');
    expect((err as StageError).cause).toBeInstanceOf(OpsError);
    expect(((err as StageError).cause as OpsError).message).toBe('probe failed: exited with status 3');
    expect(seen).toEqual(['one\ntwo', 'exited with status 3']);
  });
});
