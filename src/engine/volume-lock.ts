/**
 * "One backup or restore per volume at a time" held by the engine itself, so it binds every
 * process that reaches the engine, whatever data dir or machine it runs from: a container named
 * after the volume (`storage-ops-lock-<volume>`), created from the empty image and never
 * started. The engine creates a name once (a second create is a 409), which is the atomic step;
 * removing the container releases the lock. Its labels say who holds it. A lock left by a
 * process that died on this same machine (same boot and pid namespace) is taken over; any other holder makes the caller fail
 * at once with `busy`. It is additive to the data dir's lock file (src/backup/locks.ts).
 */
import type Docker from 'dockerode';
import { OpsError } from '../core/errors.js';
import { currentProcess, localLiveness } from '../core/liveness.js';
import type { HostRef, VolumeLockHolder } from '../core/ports.js';
import { ensureArchiveImage } from './archive-image.js';
import { engineError } from './engine-errors.js';

export const LOCK_LABEL = 'storage-ops.volume-lock';
const L = {
  op: 'storage-ops.lock.op',
  actor: 'storage-ops.lock.actor',
  pid: 'storage-ops.lock.pid',
  hostname: 'storage-ops.lock.hostname',
  since: 'storage-ops.lock.since',
  bootId: 'storage-ops.lock.boot-id',
  pidNs: 'storage-ops.lock.pid-ns',
  startTicks: 'storage-ops.lock.start-ticks',
  dataDir: 'storage-ops.lock.data-dir',
};

export function lockContainerName(volume: string): string {
  return `storage-ops-lock-${volume}`;
}

/**
 * Whether the process that labelled a lock is gone (or is this very process, whose lock here can
 * only be a leftover: it asks the engine only after taking the data dir's lock file). Decided by
 * /proc in this boot and pid namespace only; a hostname and a pid are not enough (two containers
 * may share a hostname, and pids repeat across namespaces).
 */
function leftover(labels: Record<string, string>, holder: VolumeLockHolder): boolean {
  // The caller holds its data dir's lock for this volume: a holder of the same data dir is gone.
  if (holder.dataDirId && labels[L.dataDir] === holder.dataDirId) return true;
  const me = currentProcess();
  const other = {
    pid: Number(labels[L.pid]),
    bootId: labels[L.bootId] ?? null,
    pidNs: labels[L.pidNs] ?? null,
    startTicks: labels[L.startTicks] ? Number(labels[L.startTicks]) : null,
  };
  const mine = other.pid === me.pid && other.bootId === me.bootId && other.pidNs === me.pidNs && other.startTicks === me.startTicks;
  return mine || localLiveness(other) === 'dead';
}

export async function lockVolumeOnEngine(docker: Docker, host: HostRef, volume: string, holder: VolumeLockHolder): Promise<() => Promise<void>> {
  const image = await ensureArchiveImage(docker, host);
  const name = lockContainerName(volume);
  const me = currentProcess();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const container = await docker.createContainer({
        name,
        Image: image,
        Cmd: ['storage-ops-lock'],
        Labels: { [LOCK_LABEL]: volume, [L.op]: holder.op, [L.actor]: holder.actor, [L.pid]: String(me.pid), [L.hostname]: me.hostname, [L.since]: new Date().toISOString(), ...(me.bootId ? { [L.bootId]: me.bootId } : {}), ...(me.pidNs ? { [L.pidNs]: me.pidNs } : {}), ...(me.startTicks !== null ? { [L.startTicks]: String(me.startTicks) } : {}), ...(holder.dataDirId ? { [L.dataDir]: holder.dataDirId } : {}) },
        NetworkDisabled: true,
        HostConfig: { NetworkMode: 'none' },
      });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        // Never fails the work it guarded: an engine that went away keeps the container, and the
        // next taker on this machine finds its process gone (or is this process: see below).
        await container.remove({ force: true }).catch(() => undefined);
      };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409) throw engineError(err, host, `locking volume ${volume}`);
    }
    const info = (await docker.getContainer(name).inspect().catch(() => null)) as { Config?: { Labels?: Record<string, string> } } | null;
    const labels = info?.Config?.Labels ?? {};
    if (!info) continue; // released in between: try again
    if (labels[LOCK_LABEL] === volume && leftover(labels, holder)) {
      // Left by a run of this data dir (whose lock we hold), or by a process of this machine and pid namespace that is gone, or by this one.
      await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
      continue;
    }
    const who = labels[LOCK_LABEL] === volume ? `${labels[L.op] ?? 'work'} by ${labels[L.actor] ?? 'someone'} since ${labels[L.since] ?? '?'} (pid ${labels[L.pid] ?? '?'} on ${labels[L.hostname] ?? '?'})` : `a container named ${name} that storage-ops did not make`;
    throw new OpsError('busy', `volume "${volume}" on host "${host.name}" is busy: ${who}`, {
      hint: `Wait for it to finish and try again; if that process is gone, remove the lock: docker rm ${name}`,
    });
  }
  throw new OpsError('busy', `volume "${volume}" on host "${host.name}" is busy`, { hint: `Try again; if no storage-ops process works on it, remove the lock: docker rm ${name}` });
}
