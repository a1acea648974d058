/**
 * The durable record of containers stopped for a backup or restore, kept in the state file's
 * `stoppedContainers` collection. It is written before the first container is stopped and
 * removed once they all run again, and names the volume lock of the run that stopped them. If
 * that run dies (SIGKILL, a crash, a lost machine), its lock goes dead while the record stays;
 * the next storage-ops process to start, or the next run on that volume, starts the containers
 * again and says so (log, audit entry, notice).
 */
import { collectionOf } from '../core/state-collection.js';
import { z } from 'zod';
import { appendAudit } from '../core/audit.js';
import { toOpsError } from '../core/errors.js';
import { inspectLock, tryLock } from '../core/file-lock.js';
import type { Deps, EnginePort, StateData } from '../core/ports.js';
import { volumeLockPath, type Lease } from './locks.js';

const COLLECTION = 'stoppedContainers';

export const StopRecordSchema = z.object({
  token: z.string().describe('token of the volume lock held by the run that stopped them'),
  host: z.string(),
  volume: z.string(),
  op: z.string().describe('what stopped them: "backup", "restore of <id>"'),
  actor: z.string(),
  pid: z.number().int(),
  hostname: z.string(),
  since: z.string(),
  containers: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type StopRecord = z.output<typeof StopRecordSchema>;

function recordsOf(data: StateData): StopRecord[] {
  return collectionOf(data, COLLECTION, StopRecordSchema);
}

export async function listStopRecords(deps: Pick<Deps, 'state'>): Promise<StopRecord[]> {
  return recordsOf(await deps.state.read());
}

export async function addStopRecord(deps: Pick<Deps, 'state'>, record: StopRecord): Promise<void> {
  await deps.state.update((data) => {
    data[COLLECTION] = [...recordsOf(data).filter((r) => r.token !== record.token), record];
  });
}

export async function removeStopRecord(deps: Pick<Deps, 'state'>, token: string): Promise<void> {
  await deps.state.update((data) => {
    const list = recordsOf(data);
    if (list.some((r) => r.token === token)) data[COLLECTION] = list.filter((r) => r.token !== token);
  });
}

/** Whether the run that wrote the record still holds its volume lock. */
async function ownerAlive(deps: Pick<Deps, 'dataDir'>, r: StopRecord): Promise<boolean> {
  const state = await inspectLock(volumeLockPath(deps, r.host, r.volume)).catch(() => null);
  return state !== null && state.alive && state.info?.token === r.token;
}

export interface Recovered {
  host: string;
  volume: string;
  stoppedBy: string;
  started: string[];
  gone: string[];
  failed: string[];
  /** One sentence for people. */
  notice: string;
}

/** Starts again what one dead run stopped; the caller holds the volume's lock. */
async function recoverOne(deps: Deps, engine: EnginePort, r: StopRecord): Promise<Recovered> {
  const out: Recovered = { host: r.host, volume: r.volume, stoppedBy: r.op, started: [], gone: [], failed: [], notice: '' };
  let present: Set<string> | null = null;
  try {
    present = new Set((await engine.listContainers({ all: true })).map((c) => c.id));
  } catch (err) {
    out.failed.push(`listing the containers of ${r.host}: ${toOpsError(err).message}`);
  }
  for (const c of present ? r.containers : []) {
    if (!present?.has(c.id)) {
      out.gone.push(c.name);
      continue;
    }
    try {
      await engine.startContainer(c.id);
      out.started.push(c.name);
    } catch (err) {
      out.failed.push(`${c.name}: ${toOpsError(err).message}`);
    }
  }
  const parts = [
    out.started.length ? `started ${out.started.join(', ')} again` : '',
    out.gone.length ? `${out.gone.join(', ')} no longer exist` : '',
    out.failed.length ? `could not start ${out.failed.join('; ')}` : '',
  ].filter(Boolean);
  out.notice = `container(s) of volume ${r.volume} on ${r.host} were left stopped by a ${r.op} by ${r.actor} (pid ${r.pid} on ${r.hostname}, since ${r.since}) that did not finish: ${parts.join('; ') || 'nothing to do'}`;
  if (!out.failed.length) await removeStopRecord(deps, r.token);
  deps.log.warn('containers left stopped by a dead run', { host: r.host, volume: r.volume, stoppedBy: r.op, started: out.started, gone: out.gone, failed: out.failed });
  await appendAudit(deps, {
    actor: 'system:recovery',
    source: 'system',
    op: 'recovery',
    host: r.host,
    phase: 'finished',
    input: { volume: r.volume, stoppedBy: r.op, stoppedByActor: r.actor, since: r.since },
    outcome: out.failed.length ? 'error' : 'ok',
    error: out.failed.length ? { code: 'unavailable', message: out.notice } : null,
    durationMs: null,
    detail: { started: out.started, gone: out.gone, failed: out.failed },
  }).catch((err: unknown) => deps.log.error('audit write failed', { op: 'recovery', error: String(err) }));
  return out;
}

/**
 * Starts again the containers that dead runs left stopped. With `held`, the caller holds the
 * volume lock of (host, volume) under that lease and only that volume's records are looked at
 * (any record there with another token is dead). Without, every record whose run is dead is
 * handled, each under its volume lock (a volume busy right now is left to the run that has it).
 */
export async function recoverStopped(deps: Deps, held?: { host: string; volume: string; lease: Lease }): Promise<Recovered[]> {
  const out: Recovered[] = [];
  for (const r of await listStopRecords(deps)) {
    if (held) {
      if (r.host !== held.host || r.volume !== held.volume || r.token === held.lease.token) continue;
      out.push(await recoverOne(deps, deps.engines.get(r.host), r));
      continue;
    }
    if (await ownerAlive(deps, r)) continue;
    let engine: EnginePort;
    try {
      engine = deps.engines.get(r.host);
    } catch {
      deps.log.warn('containers left stopped on a host that is no longer configured', { host: r.host, volume: r.volume, containers: r.containers.map((c) => c.name) });
      continue;
    }
    const got = await tryLock(volumeLockPath(deps, r.host, r.volume), { op: `recovery after ${r.op}`, actor: 'system:recovery' });
    if (!('lease' in got)) continue;
    try {
      // Looked at again under the lock: another process may have done it meanwhile.
      if ((await listStopRecords(deps)).some((x) => x.token === r.token)) out.push(await recoverOne(deps, engine, r));
    } finally {
      await got.lease.release();
    }
  }
  return out;
}
