/**
 * A tiny ustar writer for unit tests: builds the tar stream a volume export would produce
 * ("./" root first, then "./path" entries), so fakes can hold volume content as tar bytes.
 */
export interface FakeEntry {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
}

const TYPE = { file: '0', hardlink: '1', symlink: '2', dir: '5' } as const;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

export function tarHeader(e: FakeEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(e.name, 0, 100, 'utf8');
  h.write(octal(e.mode ?? (e.type === 'dir' ? 0o755 : 0o644), 8), 100, 'latin1');
  h.write(octal(e.uid ?? 0, 8), 108, 'latin1');
  h.write(octal(e.gid ?? 0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(e.mtime ?? 1_700_000_000, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(TYPE[e.type ?? 'file'], 156, 'latin1');
  h.write(e.linkname ?? '', 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

/** A tar stream with a "./" root (attributes from `root`) and the given entries. */
export function buildTar(entries: FakeEntry[], root: Partial<FakeEntry> = {}): Buffer {
  const parts: Buffer[] = [tarHeader({ name: './', type: 'dir', ...root }, 0)];
  for (const e of entries) {
    const data = e.type === 'file' || e.type === undefined ? Buffer.from(e.content ?? '') : Buffer.alloc(0);
    const name = e.name.startsWith('./') ? e.name : `./${e.name}${e.type === 'dir' ? '/' : ''}`;
    parts.push(tarHeader({ ...e, name }, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
