/**
 * Helpers for the backup integration tests: a volume full of awkward things (modes, owners,
 * times, links, odd names, large and sparse files), and an independent description of a
 * directory tree read straight from the host filesystem with lstat, to compare volumes and
 * extracted archives without going through storage-ops.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { docker } from '../harness/docker-cli.js';
import { HELPER_TAG, type TestEngine } from '../harness/engines.js';

/** Shell script that fills /v with everything a restore must bring back exactly. */
export const FIDELITY_SCRIPT = String.raw`
set -e
cd /v
mkdir -p dir/sub empty 'sp ace dir' sticky setgid "ünïcödé" deep/$(printf 'd%.0s' $(seq 1 60))/$(printf 'e%.0s' $(seq 1 60))
echo hello > dir/file.txt
chown 1001:1002 dir/file.txt
chmod 640 dir/file.txt
echo secret > dir/sub/private
chmod 600 dir/sub/private
echo suid > suid.bin
chown 5:6 suid.bin
chmod 4755 suid.bin
chown 33:33 setgid
chmod 2775 setgid
chmod 1777 sticky
ln -s dir/file.txt link-rel
ln -s /nowhere/at/all dangling
ln dir/file.txt hard-1
ln dir/file.txt dir/sub/hard-2
echo spaces > 'name with spaces.txt'
echo uni > "ünïcödé/файл-文件.txt"
echo nl > "$(printf 'new\nline')"
echo tab > "$(printf 'tab\there')"
echo long > deep/$(printf 'd%.0s' $(seq 1 60))/$(printf 'e%.0s' $(seq 1 60))/$(printf 'f%.0s' $(seq 1 120)).txt
mkfifo pipe
head -c 33554432 /dev/urandom > big.bin
dd if=/dev/zero of=sparse.img bs=1 count=0 seek=67108864 2>/dev/null
printf 'island' | dd of=sparse.img bs=1 seek=1048576 conv=notrunc 2>/dev/null
touch -d '2001-02-03 04:05:06' dir/file.txt big.bin 'name with spaces.txt'
touch -d '2012-12-12 12:12:12' dir/sub empty
chown 999:998 /v
chmod 750 /v
touch -d '2010-01-01 00:00:00' dir deep sticky /v
`;

export async function populate(engine: TestEngine, volume: string, script = FIDELITY_SCRIPT): Promise<void> {
  await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${volume}:/v`, HELPER_TAG, 'sh', '-c', script);
}

export async function mountpoint(engine: TestEngine, volume: string): Promise<string> {
  return (await docker(engine, 'volume', 'inspect', '--format', '{{.Mountpoint}}', volume)).trim();
}

/** One backup as `storage-ops backup|backups --json` lists it (the fields the tests read). */
export interface BackupJson {
  id: string;
  store: string;
  snapshotId: string | null;
  sha256: string;
  bytes: number;
  entries: number;
  addedBytes: number | null;
}

export interface NodeInfo {
  type: string;
  mode: string;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  target?: string;
  sha256?: string;
  /** For files with several links: the first path (sorted) of the same inode. */
  sameAs?: string;
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/** Everything about a tree that a restore must preserve, keyed by relative path ("" is the root). */
export async function treeOf(root: string): Promise<Record<string, NodeInfo>> {
  const out: Record<string, NodeInfo> = {};
  const inodes = new Map<number, string>();
  const visit = async (rel: string): Promise<void> => {
    const abs = rel ? join(root, rel) : root;
    const st = await lstat(abs);
    const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : st.isFIFO() ? 'fifo' : 'other';
    const info: NodeInfo = { type, mode: (st.mode & 0o7777).toString(8), uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), size: type === 'dir' ? 0 : st.size };
    if (type === 'symlink') info.target = await readlink(abs);
    if (type === 'file') {
      info.sha256 = await sha256(abs);
      if (st.nlink > 1) {
        const first = inodes.get(st.ino);
        if (first === undefined) inodes.set(st.ino, rel);
        else info.sameAs = first;
      }
    }
    out[rel] = info;
    if (type === 'dir') {
      for (const name of (await readdir(abs)).sort()) await visit(rel ? `${rel}/${name}` : name);
    }
  };
  await visit('');
  return out;
}

/** Allocated bytes of a file, to show what happens to sparse files. */
export async function allocatedBytes(path: string): Promise<number> {
  return (await lstat(path)).blocks * 512;
}
