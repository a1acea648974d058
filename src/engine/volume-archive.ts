/**
 * Reading and writing a volume's content through the engine's archive API
 * (GET/PUT /containers/{id}/archive) on a helper container that mounts the volume and is never
 * started: it works the same on remote engines and needs no host paths. Emptying a volume and
 * setting its root directory's owner, mode and mtime need a started helper with a POSIX shell.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { OpsError } from '../errors.js';
import type { HostRef, VolumeArchive, VolumeRootAttributes } from '../ops/ports.js';
import { engineError } from './engine-errors.js';
import { createHelper, removeQuietly, runHelper } from './helper-container.js';

const MOUNT = '/volume';

export async function exportVolume(docker: Docker, host: HostRef, image: string, name: string, signal?: AbortSignal): Promise<VolumeArchive> {
  const helper = await createHelper(docker, host, image, { purpose: 'backup-read', mounts: [{ volume: name, target: MOUNT, readOnly: true }] });
  try {
    // "/volume/." archives the content with "./" names, as `tar -C /volume -c .` would.
    const res = (await helper.getArchive({ path: `${MOUNT}/.`, abortSignal: signal })) as unknown as IncomingMessage;
    return { stream: res, close: () => removeQuietly(helper) };
  } catch (err) {
    await removeQuietly(helper);
    throw engineError(err, host, `reading volume ${name}`);
  }
}

export async function importVolume(docker: Docker, host: HostRef, image: string, name: string, tar: Readable, signal?: AbortSignal): Promise<void> {
  const helper = await createHelper(docker, host, image, { purpose: 'restore-write', mounts: [{ volume: name, target: MOUNT, readOnly: false }] });
  try {
    await helper.putArchive(tar, { path: MOUNT, abortSignal: signal });
  } catch (err) {
    throw engineError(err, host, `writing into volume ${name}`);
  } finally {
    await removeQuietly(helper);
  }
}

async function shellOnVolume(docker: Docker, host: HostRef, image: string, name: string, purpose: string, script: string, what: string, signal?: AbortSignal): Promise<void> {
  const res = await runHelper(docker, host, image, {
    purpose,
    cmd: ['sh', '-c', script],
    mounts: [{ volume: name, target: MOUNT, readOnly: false }],
    signal,
  });
  if (res.exitCode !== 0) {
    throw new OpsError('unavailable', `${what} volume ${name} on ${host.name} failed: the helper exited ${res.exitCode}: ${(res.stderr || res.stdout).trim().slice(-500)}`, {
      hint: 'The helper image needs a POSIX shell with rm, ls, chown, chmod and touch (busybox or coreutils)',
    });
  }
}

export function clearVolume(docker: Docker, host: HostRef, image: string, name: string, signal?: AbortSignal): Promise<void> {
  // Globs cover names starting with a dot; unmatched patterns stay literal and rm -f ignores them.
  const script = `rm -rf ${MOUNT}/* ${MOUNT}/.[!.]* ${MOUNT}/..?* && [ -z "$(ls -A ${MOUNT})" ]`;
  return shellOnVolume(docker, host, image, name, 'restore-clear', script, 'emptying', signal);
}

export function setVolumeRoot(docker: Docker, host: HostRef, image: string, name: string, a: VolumeRootAttributes, signal?: AbortSignal): Promise<void> {
  for (const [k, v] of Object.entries(a)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new OpsError('invalid_input', `volume root attribute ${k} must be a non-negative integer, got ${String(v)}`);
  }
  const script = `chown ${a.uid}:${a.gid} ${MOUNT} && chmod ${(a.mode & 0o7777).toString(8).padStart(4, '0')} ${MOUNT} && touch -m -d @${a.mtime} ${MOUNT}`;
  return shellOnVolume(docker, host, image, name, 'restore-root', script, 'setting the root directory of', signal);
}
