/**
 * The streaming tar walker against archives made by GNU tar (gnu and posix/pax formats, long
 * names, links, big sizes) and against damage: truncation, bad checksums, garbage.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, linkSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TarWalker, type TarEntry } from '../../src/backup/tar-scan.js';
import { OpsError } from '../../src/core/errors.js';
import { buildTar } from './tar-builder.js';

function makeTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'so-tar-'));
  const long = 'd'.repeat(120);
  mkdirSync(join(dir, 'sub', long), { recursive: true });
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'a.txt'), 'hello\n');
  writeFileSync(join(dir, 'sub', long, `${'f'.repeat(150)}.txt`), 'x'.repeat(1000));
  writeFileSync(join(dir, 'sp ace\nnew-line ünïcode'), 'odd');
  symlinkSync('a.txt', join(dir, 'link'));
  linkSync(join(dir, 'a.txt'), join(dir, 'hard'));
  writeFileSync(join(dir, 'sparse'), '');
  truncateSync(join(dir, 'sparse'), 5 * 1024 * 1024);
  return dir;
}

function walk(buf: Buffer, chunk = 1000): { entries: TarEntry[]; walker: TarWalker } {
  const entries: TarEntry[] = [];
  const walker = new TarWalker((e) => void entries.push(e));
  for (let i = 0; i < buf.length; i += chunk) walker.write(buf.subarray(i, i + chunk));
  walker.end();
  return { entries, walker };
}

describe('TarWalker', () => {
  const tree = makeTree();

  it.each(['gnu', 'posix'])('reads a GNU tar --format=%s archive and counts like tar -t', (format) => {
    const buf = execFileSync('tar', [`--format=${format}`, '-C', tree, '-cf', '-', '.'], { maxBuffer: 64 << 20 });
    const listed = execFileSync('tar', ['-tf', '-'], { input: buf, maxBuffer: 64 << 20 })
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((n) => n.replace(/\\n/g, '\n').replace(/^\.\//, '').replace(/\/$/, ''))
      .filter((n) => n !== '.' && n !== '');
    for (const size of [1, 511, 512, 4096, 1 << 20]) {
      const { entries, walker } = walk(buf, size);
      expect(entries.filter((e) => e.name !== '').map((e) => e.name).sort()).toEqual([...listed].sort());
      expect(walker.summary).toMatchObject({ entries: 9, files: 4, dirs: 3, symlinks: 1, hardlinks: 1, dataBytes: 6 + 1000 + 3 + 5 * 1024 * 1024, tarBytes: buf.length });
    }
    const { entries } = walk(buf);
    expect(entries.find((e) => e.name.endsWith('.txt') && e.name.startsWith('sub/'))?.name).toBe(`sub/${'d'.repeat(120)}/${'f'.repeat(150)}.txt`);
    expect(entries.find((e) => e.name === 'link')).toMatchObject({ type: 'symlink', linkname: 'a.txt' });
    expect(entries.find((e) => e.name.startsWith('sp ace'))?.name).toBe('sp ace\nnew-line ünïcode');
  });

  it('records the root directory attributes and not as an entry', () => {
    const buf = buildTar([{ name: 'x', content: 'y' }], { mode: 0o700, uid: 999, gid: 998, mtime: 1_600_000_000 });
    const { walker } = walk(buf);
    expect(walker.summary.root).toEqual({ mode: 0o700, uid: 999, gid: 998, mtime: 1_600_000_000 });
    expect(walker.summary.entries).toBe(1);
  });

  it('rejects a stream that stops early, at any point', () => {
    const buf = execFileSync('tar', ['-C', tree, '-cf', '-', '.'], { maxBuffer: 64 << 20 });
    for (const cut of [100, 512, 700, 5000, buf.length - 1024, buf.length - 10241]) {
      const err = (() => {
        try {
          walk(buf.subarray(0, cut));
        } catch (e) {
          return e as OpsError;
        }
        return null;
      })();
      expect(err?.code, `cut at ${cut}`).toBe('corrupt');
      expect(err?.message).toMatch(/truncated archive/);
    }
  });

  it('rejects a damaged header and garbage', () => {
    const buf = Buffer.from(buildTar([{ name: 'a', content: 'hello' }, { name: 'b', content: 'world' }]));
    buf.writeUInt8(buf.readUInt8(512 * 3 + 10) ^ 0xff, 512 * 3 + 10); // inside the header of "b"
    expect(() => walk(buf)).toThrow(/header checksum mismatch/);
    expect(() => walk(Buffer.alloc(4096, 0x61))).toThrow(/header checksum mismatch/);
  });

  it('can stop after the first entry (peeking whether a volume holds anything)', () => {
    const buf = buildTar([{ name: 'a', content: 'x'.repeat(100_000) }, { name: 'b' }]);
    const seen: string[] = [];
    const w = new TarWalker((e) => {
      seen.push(e.name);
      return e.name === '';
    });
    w.write(buf);
    expect(seen).toEqual(['', 'a']);
    expect(w.end().entries).toBe(1);
  });
});

describe('tree checksum', () => {
  /** The tree checksum of a tar stream fed in chunks of `chunk` bytes. */
  function treeOf(tar: Buffer, chunk = 7): string | null {
    const w = new TarWalker(undefined, { tree: true });
    for (let i = 0; i < tar.length; i += chunk) w.write(tar.subarray(i, i + chunk));
    w.end();
    return w.treeSha256();
  }
  const entries = [
    { name: 'dir', type: 'dir' as const, mode: 0o750, uid: 5 },
    { name: 'dir/a.txt', content: 'x'.repeat(3000), mode: 0o640, uid: 1001, gid: 1002 },
    { name: 'dir/b.txt', content: '' },
    { name: 'link', type: 'symlink' as const, linkname: 'dir/a.txt' },
    { name: 'hard', type: 'hardlink' as const, linkname: './dir/a.txt' },
  ];

  it('is the same for the same tree in another order, in other chunks, with other times', () => {
    const base = treeOf(buildTar(entries, { mode: 0o700 }));
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(treeOf(buildTar([...entries].reverse(), { mode: 0o700 }), 512 * 3 + 1)).toBe(base);
    expect(treeOf(buildTar(entries.map((e) => ({ ...e, mtime: 1_000 })), { mode: 0o700, mtime: 5 }))).toBe(base);
  });

  it('changes with one byte of data, a mode, an owner, a link target, a missing file or the root', () => {
    const base = treeOf(buildTar(entries, { mode: 0o700 }));
    const variants = [
      entries.map((e) => (e.name === 'dir/a.txt' ? { ...e, content: `${'x'.repeat(2999)}y` } : e)),
      entries.map((e) => (e.name === 'dir/a.txt' ? { ...e, mode: 0o644 } : e)),
      entries.map((e) => (e.name === 'dir' ? { ...e, uid: 6 } : e)),
      entries.map((e) => (e.name === 'link' ? { ...e, linkname: 'dir/b.txt' } : e)),
      entries.filter((e) => e.name !== 'dir/b.txt'),
    ];
    const sums = new Set([base, ...variants.map((v) => treeOf(buildTar(v, { mode: 0o700 }))), treeOf(buildTar(entries, { mode: 0o755 }))]);
    expect(sums.size).toBe(variants.length + 2);
  });

  it('is null when not asked for, or before the archive ends', () => {
    const tar = buildTar(entries);
    const plain = new TarWalker();
    plain.write(tar);
    expect(plain.treeSha256()).toBeNull();
    const partial = new TarWalker(undefined, { tree: true });
    partial.write(tar.subarray(0, 1024));
    expect(partial.treeSha256()).toBeNull();
  });
});
