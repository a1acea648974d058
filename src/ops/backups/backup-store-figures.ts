/**
 * The size and deduplication ratio of each restic backup store, as adapters show them outside an
 * op's view (the Slack App Home): the backup layer's figures (cached for a minute), exposed
 * through the catalog layer that adapters may import.
 */
export { resticStoreStats as backupStoreFigures, type StoreStats } from '../../backup/restic-stats.js';
