/**
 * Volume driver options as a trust boundary. A volume's options can make the engine mount host
 * paths (`type=none,o=bind,device=/etc`), block devices (`type=ext4,device=/dev/vda`) or kernel
 * filesystems (`type=proc`) into every container that uses the volume: root on the host for
 * whoever creates it. This module checks the options (malformed ones are invalid for everyone),
 * classifies what they reach on the host, and decides who may create them: NFS, CIFS and tmpfs
 * are open to operators; host paths and devices need an admin *and* a match in
 * `volumes.allowedDevices`; kernel filesystems are never created.
 */
import { posix } from 'node:path';
import { OpsError } from '../../core/errors.js';
/** Kernel interface filesystems: a volume of one exposes the host itself, whatever the path. */
const KERNEL_TYPES = new Set([
    'proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'debugfs', 'tracefs', 'securityfs', 'bpf', 'configfs',
    'efivarfs', 'fusectl', 'hugetlbfs', 'mqueue', 'pstore', 'binfmt_misc', 'autofs', 'rpc_pipefs', 'nsfs', 'selinuxfs',
    'ramfs', 'rootfs', 'nfsd', 'fuse', 'fuseblk',
]);
const LOCAL_KEYS = new Set(['type', 'o', 'device']);
const CONTROL = /[\u0000-\u001f\u007f]/;
const bad = (message, hint) => new OpsError('invalid_input', `create: ${message}`, hint ? { hint } : {});
/** The built-in local driver, however it is spelt (the engine's name lookup is exact, our check is not). */
export function isLocalDriver(driver) {
    return /^local(:latest)?$/i.test(driver.trim());
}
/** An absolute path with "..", ".", "//" and a trailing "/" resolved away, or null when not absolute. */
export function normalizeHostPath(p) {
    if (!p.startsWith('/') || CONTROL.test(p))
        return null;
    const n = posix.normalize(p);
    return n.length > 1 ? n.replace(/\/+$/, '') : n;
}
/**
 * Checks the local driver's mount options (the engine itself only checks them at the first mount)
 * and says what they reach. Throws invalid_input for options that are malformed for anyone.
 */
export function classifyLocalOptions(opts) {
    const unknown = Object.keys(opts).filter((k) => !LOCAL_KEYS.has(k));
    if (unknown.length) {
        throw bad(`driver option(s) ${unknown.join(', ')} are not understood by the local driver`, 'The local driver takes type, o and device (like mount -t TYPE -o O DEVICE)');
    }
    for (const [k, v] of Object.entries(opts)) {
        // The engine hands these to mount(2) as they are: " bind" or "rw,\nbind" would not mean what they look like.
        if (CONTROL.test(v) || v !== v.trim())
            throw bad(`driver option ${k}=${JSON.stringify(v)} has surrounding spaces or control characters`, 'Write the value without them');
        if (k !== 'device' && /\s/.test(v))
            throw bad(`driver option ${k}=${JSON.stringify(v)} contains spaces`, 'Separate mount options with commas only: o=addr=10.0.0.5,rw');
    }
    const { type, o, device } = opts;
    if (type !== undefined && !/^[a-z0-9][a-z0-9._-]*$/.test(type)) {
        throw bad(`driver option type=${type} is not a filesystem type`, 'Filesystem types are lowercase, e.g. nfs, cifs, tmpfs');
    }
    const items = (o ?? '').split(',').filter(Boolean);
    // The engine's mount flags are case-sensitive; any spelling of bind is treated as one, to be safe.
    const bind = items.some((i) => /^r?bind$/i.test(i));
    if (bind) {
        const path = device === undefined ? null : normalizeHostPath(device);
        if (path === null)
            throw bad('a bind volume needs an absolute host path as device (e.g. --opt device=/srv/data/app)');
        return { kind: 'host-path', what: `bind-mounts the host path ${path}`, paths: [path] };
    }
    if (!type) {
        if (o !== undefined || device !== undefined)
            throw bad('driver options o/device need a type (e.g. --opt type=nfs)');
        return { kind: 'none', what: 'a plain local volume' };
    }
    if (type === 'nfs' || type === 'nfs4') {
        if (!o || !/(^|,)addr=[^,]+/.test(o))
            throw bad('an NFS volume needs the server address in o (e.g. --opt o=addr=192.168.1.100,rw,nfsvers=4)');
        if (!device || !device.includes(':') || device.startsWith('/'))
            throw bad('an NFS volume needs the export as device (e.g. --opt device=:/data)');
        return { kind: 'remote', what: `the NFS export ${device}` };
    }
    if (type === 'cifs' || type === 'smb3') {
        if (!device || !device.startsWith('//'))
            throw bad(`a ${type} volume needs the share as device (e.g. --opt device=//fileserver/share)`);
        return { kind: 'remote', what: `the ${type.toUpperCase()} share ${device}` };
    }
    if (type === 'tmpfs') {
        if (device !== undefined && device !== 'tmpfs')
            throw bad('a tmpfs volume takes device=tmpfs');
        return { kind: 'memory', what: 'a tmpfs (memory) volume' };
    }
    if (KERNEL_TYPES.has(type))
        return { kind: 'kernel', what: `mounts the host kernel's ${type} filesystem` };
    if (!device)
        throw bad(`a ${type} volume needs a device (e.g. --opt device=/dev/sdb1)`);
    // overlay's lowerdir=/a:/b, 9p's trans=...: any absolute path in the options is a host path too.
    const optionPaths = items.flatMap((i) => (i.includes('=') ? i.slice(i.indexOf('=') + 1).split(':') : [])).filter((p) => p.startsWith('/'));
    const devicePath = normalizeHostPath(device);
    const paths = [...(devicePath ? [devicePath] : []), ...optionPaths.map((p) => normalizeHostPath(p) ?? p)];
    return {
        kind: 'device',
        what: devicePath ? `mounts the host device or path ${devicePath} (type=${type})` : `mounts "${device}" from the host (type=${type})`,
        paths,
        unpathed: devicePath ? null : device,
    };
}
/**
 * Other drivers' options mean whatever the plugin says; a value that is an absolute path (or a
 * comma-separated item of one, or key=/path) is taken to be a host path, as in local-persist's
 * mountpoint=/etc. Remote forms such as "server:/export" stay remote.
 */
export function classifyPluginOptions(driver, opts) {
    const paths = [];
    for (const [k, v] of Object.entries(opts)) {
        if (CONTROL.test(v))
            throw bad(`driver option ${k} contains control characters`);
        for (const item of v.split(',').map((s) => s.trim())) {
            const value = item.includes('=') ? item.slice(item.indexOf('=') + 1).trim() : item;
            if (value.startsWith('/') || value.startsWith('~'))
                paths.push(normalizeHostPath(value) ?? value);
        }
    }
    return paths.length ? { kind: 'host-path', what: `gives the ${driver} driver the host path(s) ${paths.join(', ')}`, paths } : { kind: 'none', what: `a ${driver} volume` };
}
export function classifyVolumeOptions(driver, opts) {
    return isLocalDriver(driver) ? classifyLocalOptions(opts) : classifyPluginOptions(driver, opts);
}
/** Old name kept for callers that only validate local options. */
export function checkLocalDriverOpts(opts) {
    classifyLocalOptions(opts);
}
/**
 * Glob over absolute paths: `*` and `?` stay within one directory level, `**` crosses levels.
 * Matched against normalized paths, so "/srv/data/../../etc" never matches "/srv/data/*".
 */
export function hostPathGlob(glob) {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === '*' && glob[i + 1] === '*') {
            re += '.*';
            i++;
        }
        else if (c === '*')
            re += '[^/]*';
        else if (c === '?')
            re += '[^/]';
        else
            re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`);
}
export function allowedBy(globs, path) {
    const n = normalizeHostPath(path);
    if (n === null)
        return null;
    return globs.find((g) => hostPathGlob(normalizeHostPath(g) ?? g).test(n)) ?? null;
}
const OPEN_KINDS = 'NFS, CIFS and tmpfs volumes (and plain ones) need no admin';
/**
 * Decides whether `role` may create a volume that reaches `reach`; throws forbidden (saying what,
 * why and who may) when not. Nothing has been created when this throws.
 */
export function authorizeVolumeReach(config, role, name, reach) {
    if (reach.kind === 'none' || reach.kind === 'remote' || reach.kind === 'memory')
        return;
    if (reach.kind === 'kernel') {
        throw new OpsError('forbidden', `create: volume "${name}" ${reach.what}, which hands the engine's host itself to every container that mounts it; storage-ops never creates such volumes, whoever asks`, {
            hint: `${OPEN_KINDS}; a volume like this is for the host's own administrator (docker volume create on the host)`,
        });
    }
    const allowed = config.volumes.allowedDevices;
    const why = reach.kind === 'host-path' ? "gives every container that mounts it the host's files there" : 'gives every container that mounts it that filesystem of the host, outside Docker\'s control';
    if (role !== 'admin') {
        throw new OpsError('forbidden', `create: volume "${name}" ${reach.what}, which ${why}: only an admin may create it, and only for paths in volumes.allowedDevices (you are ${role === 'operator' ? 'an operator' : 'a viewer'})`, {
            hint: `Ask an admin to create it. ${OPEN_KINDS}`,
        });
    }
    const howToAllow = 'Add a glob for it to volumes.allowedDevices in the config (e.g. ["/srv/data/*"]; * stays within one directory, ** crosses directories)';
    if (reach.kind === 'device' && reach.unpathed !== null) {
        throw new OpsError('forbidden', `create: volume "${name}" ${reach.what}: "${reach.unpathed}" is not an absolute host path, so volumes.allowedDevices cannot allow it`, {
            hint: 'Name the device by its path (e.g. device=/dev/disk/by-id/...), within volumes.allowedDevices',
        });
    }
    const refused = reach.paths.filter((p) => allowedBy(allowed, p) === null);
    if (refused.length) {
        const list = allowed.length ? `(it allows ${allowed.join(', ')})` : '(empty: host paths and devices are refused, even for admins)';
        throw new OpsError('forbidden', `create: volume "${name}" ${reach.what}, but ${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} not allowed by volumes.allowedDevices ${list}`, {
            hint: howToAllow,
        });
    }
}
//# sourceMappingURL=volume-options.js.map