/**
 * The checksum of a volume's tree: what a restore must bring back, independent of how the tar
 * stream happened to be laid out. One line per entry (path, type, permission bits, owner, size,
 * link target, sha256 of a regular file's data), sorted by path, hashed together. Times are left
 * out on purpose: extracting a tree touches directory mtimes, and a restore drill must not fail
 * on what a restore cannot keep. Backups record it in the manifest (`content.treeSha256`); restore
 * drills compute it again from the restored volume and compare.
 */
import { createHash, type Hash } from 'node:crypto';
import type { TarEntry } from './tar-scan.js';

export class TreeHasher {
  private readonly lines: string[] = [];
  private current: { entry: TarEntry; data: Hash | null } | null = null;
  private result: string | null = null;

  /** A new entry; `dataBytes` is how much data follows its header in the stream. */
  begin(entry: TarEntry, dataBytes: number): void {
    this.finish();
    this.current = { entry, data: entry.type === 'file' ? createHash('sha256') : null };
    if (dataBytes === 0) this.finish();
  }

  /** Data of the current entry, as it passes. */
  data(chunk: Buffer): void {
    this.current?.data?.update(chunk);
  }

  /** The current entry's data is complete. */
  finish(): void {
    const c = this.current;
    if (!c) return;
    this.current = null;
    const e = c.entry;
    const link = e.type === 'hardlink' ? e.linkname.replace(/^(\.\/)+/, '') : e.type === 'symlink' ? e.linkname : '';
    this.lines.push(JSON.stringify([e.name, e.type, e.mode, e.uid, e.gid, e.type === 'file' ? e.size : 0, link, c.data ? c.data.digest('hex') : '']));
  }

  /** The tree's checksum (hex); call once the stream has ended. */
  digest(): string {
    if (this.result === null) {
      this.finish();
      this.lines.sort();
      const h = createHash('sha256');
      for (const l of this.lines) h.update(`${l}\n`);
      this.result = h.digest('hex');
    }
    return this.result;
  }
}
