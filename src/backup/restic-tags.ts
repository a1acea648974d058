/**
 * The tags storage-ops puts on its restic snapshots, and reading them back: they let the catalog
 * be rebuilt from the repository alone (`backups --rescan`). `content=` holds the tar counts and
 * `root=` the volume root's mode, owner and mtime, colon-separated (restic tags may not hold
 * commas).
 */
import type { z } from 'zod';
import type { BackupManifest, RootAttributesSchema } from '../state/backup-record.js';
import type { ResticSnapshot } from './restic-store.js';
import { tagValue } from './restic-store.js';
import type { TarSummary } from './tar-scan.js';

type Root = z.output<typeof RootAttributesSchema>;

/** `content=` tag: the tar counts, colon-separated, in a fixed order. */
export function contentTag(s: TarSummary): string {
  return `content=${[s.tarBytes, s.entries, s.files, s.dirs, s.symlinks, s.hardlinks, s.others, s.dataBytes].join(':')}`;
}

export function rootTag(r: Root | null): string {
  return r ? `root=${[r.mode, r.uid, r.gid, r.mtime].join(':')}` : 'root=none';
}

/** The content counts back from a snapshot's tags, or null when they are missing or malformed. */
export function contentFromTags(snap: Pick<ResticSnapshot, 'tags'>): BackupManifest['content'] | null {
  const c = tagValue(snap, 'content')?.split(':').map(Number);
  if (!c || c.length !== 8 || c.some((n) => !Number.isFinite(n))) return null;
  const r = tagValue(snap, 'root');
  const rp = r && r !== 'none' ? r.split(':').map(Number) : null;
  const root = rp && rp.length === 4 && rp.every((n) => Number.isFinite(n)) ? { mode: rp[0] as number, uid: rp[1] as number, gid: rp[2] as number, mtime: rp[3] as number } : null;
  const [tarBytes, entries, files, dirs, symlinks, hardlinks, others, dataBytes] = c as [number, number, number, number, number, number, number, number];
  return { tarBytes, entries, files, dirs, symlinks, hardlinks, others, dataBytes, root };
}

