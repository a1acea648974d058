/**
 * "One backup or restore per volume at a time" held by the engine itself, so it binds every
 * process that reaches the engine, whatever data dir or machine it runs from: a container named
 * after the volume (`storage-ops-lock-<volume>`), created from the empty image and never
 * started. The engine creates a name once (a second create is a 409), which is the atomic step;
 * removing the container releases the lock. Its labels say who holds it. A lock left by a
 * process that died on this same machine is taken over; any other holder makes the caller fail
 * at once with `busy`. It is additive to the data dir's lock file (src/backup/locks.ts).
 */
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { OpsError } from '../core/errors.js';
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
};

export function lockContainerName(volume: string): string {
  return `storage-ops-lock-${volume}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockVolumeOnEngine(docker: Docker, host: HostRef, volume: string, holder: VolumeLockHolder): Promise<() => Promise<void>> {
  const image = await ensureArchiveImage(docker, host);
  const name = lockContainerName(volume);
  const me = hostname();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const container = await docker.createContainer({
        name,
        Image: image,
        Cmd: ['storage-ops-lock'],
        Labels: { [LOCK_LABEL]: volume, [L.op]: holder.op, [L.actor]: holder.actor, [L.pid]: String(process.pid), [L.hostname]: me, [L.since]: new Date().toISOString() },
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
    const pid = Number(labels[L.pid]);
    // This process holds the data dir's lock file for the volume before it asks the engine, so a
    // lock of its own here is a leftover (a release that could not reach the engine).
    if (labels[L.hostname] === me && Number.isInteger(pid) && (pid === process.pid || !alive(pid))) {
      // Left by a process of this machine that is gone, or by this one.
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
