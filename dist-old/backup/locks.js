/**
 * One backup or restore per volume at a time, across processes: a lock file per (host, volume)
 * under <dataDir>/locks, created exclusively and removed when the work ends. A lock left by a
 * process that no longer runs on this machine is taken over; any other holder makes the second
 * caller fail at once with a "busy" error that says who holds it.
 */
import { hostname } from 'node:os';
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OpsError } from '../core/errors.js';
function lockPath(deps, key) {
    // Host, volume and backup names are validated ([a-zA-Z0-9_.-]) before they get here.
    return key.kind === 'volume'
        ? join(deps.dataDir, 'locks', 'volumes', key.host, `${key.volume}.lock`)
        : join(deps.dataDir, 'locks', 'backups', key.id, `${key.host}__${key.target}.lock`);
}
function describe(key) {
    return key.kind === 'volume' ? `volume "${key.volume}" on host "${key.host}"` : `backup ${key.id} (restore onto ${key.target} on ${key.host})`;
}
async function readLock(path) {
    try {
        return JSON.parse(await readFile(path, 'utf8'));
    }
    catch {
        return null;
    }
}
function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        return err.code === 'EPERM';
    }
}
function isStale(info) {
    return info !== null && info.hostname === hostname() && info.pid !== process.pid && !alive(info.pid);
}
/** Who holds the lock, or null. */
export async function lockHolder(deps, key) {
    const info = await readLock(lockPath(deps, key));
    return info && !isStale(info) ? info : null;
}
/** Whether any live process is reading this backup (a restore in progress). */
export async function backupInUse(deps, id) {
    const dir = join(deps.dataDir, 'locks', 'backups', id);
    const names = await readdir(dir).catch(() => []);
    for (const n of names) {
        const info = await readLock(join(dir, n));
        if (info && !isStale(info))
            return true;
    }
    return false;
}
/** Takes the lock or fails with `busy`; returns the function that releases it. */
export async function acquireLock(deps, key, holder) {
    const path = lockPath(deps, key);
    await mkdir(join(path, '..'), { recursive: true });
    const info = { pid: process.pid, hostname: hostname(), op: holder.op, actor: holder.actor, since: deps.now().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
        try {
            const fh = await open(path, 'wx', 0o600);
            try {
                await fh.writeFile(JSON.stringify(info));
            }
            finally {
                await fh.close();
            }
            let released = false;
            return async () => {
                if (released)
                    return;
                released = true;
                await rm(path, { force: true });
            };
        }
        catch (err) {
            if (err.code !== 'EEXIST')
                throw err;
            const current = await readLock(path);
            if (isStale(current)) {
                await rm(path, { force: true });
                continue;
            }
            if (current === null) {
                // Being written right now, or an empty leftover; look again shortly.
                await new Promise((r) => setTimeout(r, 50));
                const again = await readLock(path);
                if (again === null && attempt === 2) {
                    throw new OpsError('busy', `${describe(key)} is locked (${path} exists but says nothing)`, { hint: `If no storage-ops process is working on it, remove ${path}` });
                }
                continue;
            }
            throw new OpsError('busy', `${describe(key)} is busy: ${current.op} by ${current.actor} since ${current.since} (pid ${current.pid} on ${current.hostname})`, {
                hint: `Wait for it to finish and try again; if that process is gone, remove ${path}`,
            });
        }
    }
    throw new OpsError('busy', `${describe(key)} is busy`, { hint: `Try again; if no storage-ops process is working on it, remove ${path}` });
}
//# sourceMappingURL=locks.js.map