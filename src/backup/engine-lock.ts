/**
 * The engine-side half of "one backup or restore per volume at a time": after the data dir's
 * lock file (locks.ts, which covers processes sharing a data dir), the engine's own lock
 * (EnginePort.lockVolume: a container named after the volume) covers every other data dir and
 * machine that reaches the same engine. Both are released together, the engine's first.
 */
import type { EnginePort, VolumeLockHolder } from '../core/ports.js';

export async function withEngineLock(engine: EnginePort, volume: string, holder: VolumeLockHolder, releaseFileLock: () => Promise<void>): Promise<() => Promise<void>> {
  let releaseEngine: () => Promise<void>;
  try {
    releaseEngine = await engine.lockVolume(volume, holder);
  } catch (err) {
    await releaseFileLock();
    throw err;
  }
  return async () => {
    await releaseEngine().catch(() => undefined);
    await releaseFileLock();
  };
}
