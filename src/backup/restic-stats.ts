/**
 * Size and deduplication of the restic stores, for `report`, the App Home and `/metrics`:
 * `restic stats --json --mode raw-data` (bytes the repository stores, after deduplication and
 * compression) against `--mode restore-size` (bytes its snapshots would restore to). Each figure
 * costs restic runs that open the repository, so one answer per store is reused for a minute.
 */
import { toOpsError } from '../core/errors.js';
import type { Deps } from '../core/ports.js';
import type { ResticStoreConfig } from '../config/restic-store-config.js';
import { runRestic } from './restic-store.js';

export interface StoreStats {
  name: string;
  kind: 'restic';
  /** Bytes the repository holds (restic raw-data), null when it could not be read. */
  storedBytes: number | null;
  /** Bytes all its snapshots restore to (restic restore-size). */
  logicalBytes: number | null;
  snapshots: number | null;
  /** logical / stored: 3 means every stored byte serves three restored ones. */
  dedupRatio: number | null;
  error: string | null;
}

const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; stats: Promise<StoreStats> }>();

async function statsOf(deps: Pick<Deps, 'config' | 'dataDir'>, s: ResticStoreConfig): Promise<StoreStats> {
  const what = `measuring restic store "${s.name}"`;
  try {
    const read = async (mode: string): Promise<{ total_size: number; snapshots_count?: number }> =>
      JSON.parse((await runRestic(deps, s, ['stats', '--json', '--mode', mode], { what })).stdout) as { total_size: number; snapshots_count?: number };
    const raw = await read('raw-data');
    const restore = await read('restore-size');
    return {
      name: s.name,
      kind: 'restic',
      storedBytes: raw.total_size,
      logicalBytes: restore.total_size,
      snapshots: restore.snapshots_count ?? raw.snapshots_count ?? null,
      dedupRatio: raw.total_size > 0 ? Math.round((restore.total_size / raw.total_size) * 100) / 100 : null,
      error: null,
    };
  } catch (err) {
    return { name: s.name, kind: 'restic', storedBytes: null, logicalBytes: null, snapshots: null, dedupRatio: null, error: toOpsError(err).message };
  }
}

/** Figures for every configured restic store (errors are reported per store, not thrown). */
export async function resticStoreStats(deps: Pick<Deps, 'config' | 'dataDir'>): Promise<StoreStats[]> {
  return Promise.all(
    deps.config.backup.stores.map((s) => {
      const hit = cache.get(s.name);
      if (hit && Date.now() - hit.at < CACHE_MS) return hit.stats;
      const stats = statsOf(deps, s);
      cache.set(s.name, { at: Date.now(), stats });
      return stats;
    }),
  );
}
