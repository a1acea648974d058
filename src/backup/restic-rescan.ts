/**
 * Rebuilding catalog records from restic stores: every snapshot tagged `storage-ops` with a
 * `sha256=` tag is a complete backup, described by its tags (id, volume, host, kind, time, the
 * tar's sha256 and counts, the volume root). A storage-ops snapshot without `sha256=` was
 * interrupted before it was complete and is reported, not catalogued. What tags cannot carry
 * (labels, duration, who asked, the latest verification) is taken from the catalog's previous
 * record of the same snapshot when there is one.
 */
import { toOpsError } from '../core/errors.js';
import type { Deps } from '../core/ports.js';
import { BACKUP_ID_PATTERN, MANIFEST_FORMAT, type BackupManifest } from '../state/backup-record.js';
import { listSnapshots, tagValue, type ResticSnapshot } from './restic-store.js';
import { contentFromTags } from './restic-tags.js';

export interface ResticScan {
  manifests: BackupManifest[];
  problems: string[];
  /** Stores that could not be read: their catalog records are kept as they were. */
  unreadable: string[];
}

const KINDS = new Set(['manual', 'scheduled', 'safety']);

function recordOf(storeName: string, snap: ResticSnapshot, previous: BackupManifest | undefined): BackupManifest | string {
  const id = tagValue(snap, 'id');
  const volume = tagValue(snap, 'volume');
  const host = tagValue(snap, 'host');
  const sha256 = tagValue(snap, 'sha256');
  const short = snap.id.slice(0, 8);
  if (!id || !BACKUP_ID_PATTERN.test(id) || !volume || !host) return `restic store ${storeName}: snapshot ${short} is tagged storage-ops but lacks its id/volume/host tags`;
  if (!sha256) return `restic store ${storeName}: snapshot ${short} (${id}) is an interrupted backup (no sha256 tag); \`restic forget ${short}\` removes it`;
  const content = contentFromTags(snap);
  const path = snap.paths[0];
  if (!content || !path || !/^[0-9a-f]{64}$/.test(sha256)) return `restic store ${storeName}: snapshot ${short} (${id}) has malformed storage-ops tags`;
  const kind = tagValue(snap, 'kind') ?? 'manual';
  const createdAt = tagValue(snap, 'created') ?? snap.time;
  const same = previous && previous.store?.snapshotId === snap.id ? previous : undefined;
  return {
    format: MANIFEST_FORMAT,
    id,
    kind: (KINDS.has(kind) ? kind : 'manual') as BackupManifest['kind'],
    reason: same?.reason ?? null,
    volume,
    host,
    volumeDriver: same?.volumeDriver ?? 'unknown',
    labels: same?.labels ?? {},
    createdAt,
    finishedAt: same?.finishedAt ?? snap.time,
    durationMs: same?.durationMs ?? Math.max(0, Date.parse(snap.time) - Date.parse(createdAt)),
    actor: same?.actor ?? `unknown (rebuilt from restic store ${storeName})`,
    archive: { file: path.replace(/^\//, ''), bytes: content.tarBytes, sha256, format: 'tar', compression: 'none', encryption: null },
    content,
    consistency: same?.consistency ?? { stoppedContainers: [], hooks: [] },
    verification: same?.verification ?? null,
    tool: same?.tool ?? { name: 'storage-ops', version: 'unknown' },
    store: { name: storeName, kind: 'restic', snapshotId: snap.id, path, addedBytes: same?.store?.addedBytes ?? null },
  };
}

/** Reads every configured restic store's storage-ops snapshots as catalog records. */
export async function scanResticStores(deps: Pick<Deps, 'config' | 'dataDir'>, previous: BackupManifest[]): Promise<ResticScan> {
  const out: ResticScan = { manifests: [], problems: [], unreadable: [] };
  const before = new Map(previous.map((r) => [r.id, r]));
  for (const store of deps.config.backup.stores) {
    let snaps: ResticSnapshot[];
    try {
      snaps = await listSnapshots(deps, store, ['storage-ops'], `reading restic store "${store.name}"`);
    } catch (err) {
      out.unreadable.push(store.name);
      out.problems.push(`restic store ${store.name} could not be read, its catalog records are kept as they were: ${toOpsError(err).message}`);
      continue;
    }
    for (const snap of snaps) {
      const r = recordOf(store.name, snap, before.get(tagValue(snap, 'id') ?? ''));
      if (typeof r === 'string') out.problems.push(r);
      else out.manifests.push(r);
    }
  }
  return out;
}
