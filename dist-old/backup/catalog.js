/**
 * The backup catalog: the `backups` collection of the state file, one record per backup (its
 * manifest). It is a fast index, not the truth: every record also lives as a sidecar manifest in
 * the store, and rebuildCatalog() recreates the collection from those.
 */
import { OpsError } from '../core/errors.js';
import { BackupRecordSchema } from '../state/backup-record.js';
import { assertBackupId, readManifest, scanStore, storeDir } from './store.js';
const COLLECTION = 'backups';
function recordsOf(data) {
    const raw = data[COLLECTION];
    if (!Array.isArray(raw))
        return [];
    const out = [];
    for (const r of raw) {
        const parsed = BackupRecordSchema.safeParse(r);
        if (parsed.success)
            out.push(parsed.data);
    }
    return out;
}
function byNewest(a, b) {
    return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}
export async function listBackups(deps, filter = {}) {
    const all = recordsOf(await deps.state.read());
    return all.filter((r) => (!filter.volume || r.volume === filter.volume) && (!filter.host || r.host === filter.host)).sort(byNewest);
}
/**
 * A backup by id: from the catalog, else from its manifest in the store (a catalog that lost the
 * record does not lose the backup). Unknown ids are not_found; malformed ones invalid_input.
 */
export async function getBackup(deps, id) {
    assertBackupId(id);
    const hit = recordsOf(await deps.state.read()).find((r) => r.id === id);
    if (hit)
        return hit;
    const fromStore = await readManifest(storeDir(deps), id);
    if (fromStore)
        return fromStore;
    throw new OpsError('not_found', `no backup "${id}" in the catalog or in the store ${storeDir(deps)}`, {
        hint: '`storage-ops backups` lists the backups (`--rescan` re-reads the store)',
    });
}
export async function addBackup(deps, record) {
    await deps.state.update((data) => {
        const list = Array.isArray(data[COLLECTION]) ? data[COLLECTION] : [];
        data[COLLECTION] = [...list.filter((r) => r?.id !== record.id), record];
    });
}
export async function updateBackup(deps, record) {
    await addBackup(deps, record);
}
export async function removeBackups(deps, ids) {
    const drop = new Set(ids);
    await deps.state.update((data) => {
        const list = Array.isArray(data[COLLECTION]) ? data[COLLECTION] : [];
        data[COLLECTION] = list.filter((r) => !drop.has(String(r?.id)));
    });
}
/** Replaces the catalog with what the store's manifests say. */
export async function rebuildCatalog(deps) {
    const scan = await scanStore(storeDir(deps));
    const fresh = new Map(scan.manifests.map((m) => [m.id, m]));
    let added = [];
    let dropped = [];
    await deps.state.update((data) => {
        const before = new Set(recordsOf(data).map((r) => r.id));
        added = [...fresh.keys()].filter((id) => !before.has(id));
        dropped = [...before].filter((id) => !fresh.has(id));
        data[COLLECTION] = [...fresh.values()].sort(byNewest);
    });
    return { scan, added: added.sort(), dropped: dropped.sort(), kept: fresh.size - added.length };
}
//# sourceMappingURL=catalog.js.map