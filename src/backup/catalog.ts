/**
 * The backup catalog: the `backups` collection of the state file, one record per backup (its
 * manifest). It is a fast index, not the truth: every record also lives as a sidecar manifest in
 * the store, and rebuildCatalog() recreates the collection from those.
 */
import { OpsError } from '../core/errors.js';
import type { Deps } from '../core/ports.js';
import { BackupRecordSchema, type BackupRecord } from '../state/backup-record.js';
import type { StateData } from '../state/state-store.js';
import { assertBackupId, readManifest, scanStore, storeDir, type StoreScan } from './store.js';
import { scanResticStores } from './restic-rescan.js';

const COLLECTION = 'backups';

function recordsOf(data: StateData): BackupRecord[] {
  const raw = data[COLLECTION];
  if (!Array.isArray(raw)) return [];
  const out: BackupRecord[] = [];
  for (const r of raw) {
    const parsed = BackupRecordSchema.safeParse(r);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

function byNewest(a: BackupRecord, b: BackupRecord): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

export async function listBackups(deps: Deps, filter: { volume?: string; host?: string } = {}): Promise<BackupRecord[]> {
  const all = recordsOf(await deps.state.read());
  return all.filter((r) => (!filter.volume || r.volume === filter.volume) && (!filter.host || r.host === filter.host)).sort(byNewest);
}

/**
 * A backup by id: from the catalog, else from its manifest in the store (a catalog that lost the
 * record does not lose the backup). Unknown ids are not_found; malformed ones invalid_input.
 */
export async function getBackup(deps: Deps, id: string): Promise<BackupRecord> {
  assertBackupId(id);
  const hit = recordsOf(await deps.state.read()).find((r) => r.id === id);
  if (hit) return hit;
  const fromStore = await readManifest(storeDir(deps), id);
  if (fromStore) return fromStore;
  throw new OpsError('not_found', `no backup "${id}" in the catalog or in the store ${storeDir(deps)}`, {
    hint: '`storage-ops backups` lists the backups (`--rescan` re-reads the store)',
  });
}

export async function addBackup(deps: Deps, record: BackupRecord): Promise<void> {
  await deps.state.update((data) => {
    const list = Array.isArray(data[COLLECTION]) ? (data[COLLECTION] as unknown[]) : [];
    data[COLLECTION] = [...list.filter((r) => (r as { id?: unknown })?.id !== record.id), record];
  });
}

export async function updateBackup(deps: Deps, record: BackupRecord): Promise<void> {
  await addBackup(deps, record);
}

export async function removeBackups(deps: Deps, ids: string[]): Promise<void> {
  const drop = new Set(ids);
  await deps.state.update((data) => {
    const list = Array.isArray(data[COLLECTION]) ? (data[COLLECTION] as unknown[]) : [];
    data[COLLECTION] = list.filter((r) => !drop.has(String((r as { id?: unknown })?.id)));
  });
}

export interface RebuildResult {
  scan: StoreScan;
  added: string[];
  dropped: string[];
  kept: number;
}

/** Replaces the catalog with what the store's manifests and the restic stores' snapshots say. */
export async function rebuildCatalog(deps: Deps): Promise<RebuildResult> {
  const scan = await scanStore(storeDir(deps));
  const fresh = new Map(scan.manifests.map((m) => [m.id, m]));
  // restic stores: rebuilt from their snapshots' tags; a store that cannot be read (or is no
  // longer configured) keeps its records rather than losing them from the catalog.
  const previous = recordsOf(await deps.state.read());
  const restic = await scanResticStores(deps, previous);
  scan.problems.push(...restic.problems);
  const readable = new Set(deps.config.backup.stores.map((s) => s.name).filter((n) => !restic.unreadable.includes(n)));
  for (const r of previous) if (r.store && !readable.has(r.store.name)) fresh.set(r.id, r);
  for (const m of restic.manifests) fresh.set(m.id, m);
  let added: string[] = [];
  let dropped: string[] = [];
  await deps.state.update((data) => {
    const before = new Set(recordsOf(data).map((r) => r.id));
    added = [...fresh.keys()].filter((id) => !before.has(id));
    dropped = [...before].filter((id) => !fresh.has(id));
    data[COLLECTION] = [...fresh.values()].sort(byNewest);
  });
  return { scan, added: added.sort(), dropped: dropped.sort(), kept: fresh.size - added.length };
}
