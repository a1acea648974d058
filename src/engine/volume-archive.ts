/**
 * Reading and writing a volume's content through the engine's archive API
 * (GET/PUT /containers/{id}/archive) on a helper container that mounts the volume and is never
 * started: it works the same on remote engines and needs no host paths. Only emptying a volume
 * needs a started helper (with a POSIX shell: rm, ls).
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { OpsError } from '../core/errors.js';
import type { HostRef, VolumeArchive, VolumeRootAttributes } from '../core/ports.js';
import { engineError } from './engine-errors.js';
import { createHelper, removeQuietly, runHelper } from './helper-container.js';
import { getOverSocket } from './socket-archive.js';

const MOUNT = '/volume';

export async function exportVolume(docker: Docker, host: HostRef, image: string, name: string, signal?: AbortSignal): Promise<VolumeArchive> {
  const helper = await createHelper(docker, host, image, { purpose: 'backup-read', mounts: [{ volume: name, target: MOUNT, readOnly: true }] });
  try {
    // "/volume/." archives the content with "./" names, as `tar -C /volume -c .` would.
    const socketPath = (docker.modem as { socketPath?: unknown }).socketPath;
    const stream =
      typeof socketPath === 'string'
        ? await getOverSocket(socketPath, `/containers/${encodeURIComponent(helper.id)}/archive?path=${encodeURIComponent(`${MOUNT}/.`)}`, signal)
        : ((await helper.getArchive({ path: `${MOUNT}/.`, abortSignal: signal })) as unknown as IncomingMessage);
    return { stream, close: () => removeQuietly(helper) };
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
      hint: 'The helper image needs a POSIX shell with rm and ls (busybox or coreutils)',
    });
  }
}

export function clearVolume(docker: Docker, host: HostRef, image: string, name: string, signal?: AbortSignal): Promise<void> {
  // Globs cover names starting with a dot; unmatched patterns stay literal and rm -f ignores them.
  const script = `rm -rf ${MOUNT}/* ${MOUNT}/.[!.]* ${MOUNT}/..?* && [ -z "$(ls -A ${MOUNT})" ]`;
  return shellOnVolume(docker, host, image, name, 'restore-clear', script, 'emptying', signal);
}

/**
 * Sets the volume root's owner, mode and mtime through the archive API too: a one-entry tar
 * ("volume/", a directory with those attributes) put at "/" of a helper that mounts the volume on
 * /volume. The engine merges an existing directory by applying the entry's metadata, which lands
 * on the mounted volume's root. No container is started and no shell is needed.
 */
export async function setVolumeRoot(docker: Docker, host: HostRef, image: string, name: string, a: VolumeRootAttributes, signal?: AbortSignal): Promise<void> {
  for (const [k, v] of Object.entries(a)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new OpsError('invalid_input', `volume root attribute ${k} must be a non-negative integer, got ${String(v)}`);
  }
  const helper = await createHelper(docker, host, image, { purpose: 'restore-root', mounts: [{ volume: name, target: MOUNT, readOnly: false }] });
  try {
    await helper.putArchive(rootEntryTar(a), { path: '/', abortSignal: signal });
  } catch (err) {
    throw engineError(err, host, `setting the owner and mode of volume ${name}`);
  } finally {
    await removeQuietly(helper);
  }
}

/** A numeric ustar field: octal when it fits, else GNU base-256 (big uids, far-future times). */
function numField(h: Buffer, value: number, offset: number, width: number): void {
  const octal = value.toString(8);
  if (octal.length < width) {
    h.write(octal.padStart(width - 1, '0') + '\0', offset, 'latin1');
    return;
  }
  let v = value;
  for (let i = width - 1; i > 0; i--) {
    h[offset + i] = v % 256;
    v = Math.floor(v / 256);
  }
  h[offset] = 0x80;
}

/** The tar holding just the directory entry "volume/" with the root's attributes. */
export function rootEntryTar(a: VolumeRootAttributes): Buffer {
  return dirEntryTar('volume/', a);
}

/** A tar holding one directory entry (`name` ends with "/") with these attributes. */
export function dirEntryTar(name: string, a: VolumeRootAttributes): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  numField(h, a.mode & 0o7777, 100, 8);
  numField(h, a.uid, 108, 8);
  numField(h, a.gid, 116, 8);
  numField(h, 0, 124, 12);
  numField(h, a.mtime, 136, 12);
  h.write('        ', 148, 'latin1');
  h.write('5', 156, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return Buffer.concat([h, Buffer.alloc(1024)]);
}
