import { OpsError } from '../core/errors.js';
import { engineError } from './engine-errors.js';
import { createHelper, removeQuietly, runHelper } from './helper-container.js';
const MOUNT = '/volume';
export async function exportVolume(docker, host, image, name, signal) {
    const helper = await createHelper(docker, host, image, { purpose: 'backup-read', mounts: [{ volume: name, target: MOUNT, readOnly: true }] });
    try {
        // "/volume/." archives the content with "./" names, as `tar -C /volume -c .` would.
        const res = (await helper.getArchive({ path: `${MOUNT}/.`, abortSignal: signal }));
        return { stream: res, close: () => removeQuietly(helper) };
    }
    catch (err) {
        await removeQuietly(helper);
        throw engineError(err, host, `reading volume ${name}`);
    }
}
export async function importVolume(docker, host, image, name, tar, signal) {
    const helper = await createHelper(docker, host, image, { purpose: 'restore-write', mounts: [{ volume: name, target: MOUNT, readOnly: false }] });
    try {
        await helper.putArchive(tar, { path: MOUNT, abortSignal: signal });
    }
    catch (err) {
        throw engineError(err, host, `writing into volume ${name}`);
    }
    finally {
        await removeQuietly(helper);
    }
}
async function shellOnVolume(docker, host, image, name, purpose, script, what, signal) {
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
export function clearVolume(docker, host, image, name, signal) {
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
export async function setVolumeRoot(docker, host, image, name, a, signal) {
    for (const [k, v] of Object.entries(a)) {
        if (!Number.isSafeInteger(v) || v < 0)
            throw new OpsError('invalid_input', `volume root attribute ${k} must be a non-negative integer, got ${String(v)}`);
    }
    const helper = await createHelper(docker, host, image, { purpose: 'restore-root', mounts: [{ volume: name, target: MOUNT, readOnly: false }] });
    try {
        await helper.putArchive(rootEntryTar(a), { path: '/', abortSignal: signal });
    }
    catch (err) {
        throw engineError(err, host, `setting the owner and mode of volume ${name}`);
    }
    finally {
        await removeQuietly(helper);
    }
}
/** A numeric ustar field: octal when it fits, else GNU base-256 (big uids, far-future times). */
function numField(h, value, offset, width) {
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
export function rootEntryTar(a) {
    const h = Buffer.alloc(512);
    h.write('volume/', 0, 'latin1');
    numField(h, a.mode & 0o7777, 100, 8);
    numField(h, a.uid, 108, 8);
    numField(h, a.gid, 116, 8);
    numField(h, 0, 124, 12);
    numField(h, a.mtime, 136, 12);
    h.write('        ', 148, 'latin1');
    h.write('5', 156, 'latin1');
    h.write('ustar\u000000', 257, 'latin1');
    let sum = 0;
    for (const b of h)
        sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    return Buffer.concat([h, Buffer.alloc(1024)]);
}
//# sourceMappingURL=volume-archive.js.map