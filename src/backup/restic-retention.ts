/**
 * Retention on a restic store: the decision is storage-ops' own (the same rules and guard as
 * for the local store, in retention.ts); this forgets exactly the snapshots it chose
 * (`restic forget ID...`), then runs `restic prune` so the space of data no remaining snapshot
 * uses is given back. Snapshot ids are checked before they reach the command line.
 */
import { OpsError } from '../core/errors.js';
import type { Deps } from '../core/ports.js';
import type { BackupRecord } from '../state/backup-record.js';
import { compressionArgs, resticStoreNamed, runResticExclusive } from './restic-store.js';

/** Forgets the snapshots of these records (all in the store `storeName`) and prunes the repository. */
export async function forgetAndPrune(deps: Pick<Deps, 'config' | 'dataDir'>, storeName: string, records: BackupRecord[], signal: AbortSignal): Promise<void> {
  const store = resticStoreNamed(deps, storeName, `backup ${records[0]?.id ?? ''}`);
  const ids = records.map((r) => {
    const id = r.store?.snapshotId;
    if (!id || !/^[0-9a-f]{64}$/.test(id)) throw new OpsError('corrupt', `backup ${r.id}: its catalog record names no valid restic snapshot`);
    return id;
  });
  if (ids.length === 0) return;
  const what = `forgetting ${ids.length} snapshot(s) in restic store "${store.name}"`;
  await runResticExclusive(deps, store, ['forget', ...ids], { what, signal });
  await runResticExclusive(deps, store, ['prune', ...compressionArgs(store)], { what: `pruning restic store "${store.name}" after forgetting ${ids.length} snapshot(s)`, signal });
}
