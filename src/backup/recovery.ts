/**
 * What every storage-ops process does when it starts: puts right what runs that died left
 * behind. Containers they stopped are started again (and said so: log, audit entry, notice),
 * and their temporary files in the backup store are removed. Runs still alive, in this process
 * or any other sharing the data dir, are left alone: their locks are live.
 */
import { toOpsError } from '../core/errors.js';
import type { Deps } from '../core/ports.js';
import { liveTokens } from './locks.js';
import { recoverStopped } from './stop-records.js';
import { removeDeadPartials, storeDir } from './store.js';

/** Returns notices for the person starting the process (empty when there was nothing to do). */
export async function recoverAtStart(deps: Deps): Promise<string[]> {
  const notices: string[] = [];
  try {
    notices.push(...(await recoverStopped(deps)).map((r) => r.notice));
  } catch (err) {
    notices.push(`could not check for containers left stopped by runs that died: ${toOpsError(err).message}`);
  }
  try {
    const removed = await removeDeadPartials(storeDir(deps), await liveTokens(deps));
    if (removed.length) deps.log.info('removed temporary files of runs that died', { files: removed });
  } catch (err) {
    deps.log.warn('could not clear temporary files of runs that died', { error: toOpsError(err).message });
  }
  return notices;
}
