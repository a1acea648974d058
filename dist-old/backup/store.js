/**
 * The backup store: one flat directory holding, per backup, the archive
 * (`<id>.tar.zst`, `.tar.gz` or `.tar`, plus `.age` when encrypted) and its sidecar manifest
 * (`<id>.manifest.json`). Ids are checked against a strict pattern before any path is built
 * from them, and file names found in manifests are checked too, so nothing outside the store is
 * ever read or deleted.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { OpsError } from '../core/errors.js';
import { BACKUP_ID_PATTERN, BackupManifestSchema } from '../state/backup-record.js';
import { replaceFile, writeNewFile } from './atomic-file.js';
export const MANIFEST_SUFFIX = '.manifest.json';
const ARCHIVE_SUFFIX = /\.tar(\.zst|\.gz)?(\.age)?$/;
const TMP_PATTERN = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** The store directory: backup.dir (relative paths are relative to the data dir), else <dataDir>/backups. */
export function storeDir(deps) {
    const dir = deps.config.backup.dir;
    return dir ? resolve(deps.dataDir, dir) : join(deps.dataDir, 'backups');
}
export async function ensureStore(dir) {
    try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
    }
    catch (err) {
        throw new OpsError('unavailable', `cannot create the backup store ${dir}: ${err.code ?? String(err)}`, {
            hint: 'Check backup.dir in the config and the permissions of its parent directory',
        });
    }
}
/** `YYYYMMDD_HHmmss` in UTC, the seed's date format. */
export function stamp(d) {
    const p = (n, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}
/** Candidate ids for a backup of `volume` started at `at`: the plain one, then -2, -3, ... */
export function* candidateIds(volume, at) {
    const base = `${volume}_${stamp(at)}`;
    yield base;
    for (let n = 2; n <= 9999; n++)
        yield `${base}-${n}`;
}
/** Refuses anything that is not a backup id before it gets near the filesystem. */
export function assertBackupId(id) {
    if (!BACKUP_ID_PATTERN.test(id)) {
        throw new OpsError('invalid_input', `"${id}" is not a backup id`, {
            hint: 'Backup ids look like db_data_20260130_021500 (volume, UTC date and time); `storage-ops backups` lists them',
        });
    }
}
export function isBackupId(id) {
    return BACKUP_ID_PATTERN.test(id);
}
export function manifestName(id) {
    return `${id}${MANIFEST_SUFFIX}`;
}
/** A temporary name in the store, owned by this process (its pid is in the name). */
export function tmpName(finalName) {
    return `.${finalName}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}
/** The archive's path, after checking the manifest's file name belongs to its id. */
export function archivePath(dir, m) {
    const f = m.archive.file;
    if (!f.startsWith(`${m.id}.`) || !ARCHIVE_SUFFIX.test(f) || f.includes('/') || f.length - m.id.length > 16) {
        throw new OpsError('corrupt', `backup ${m.id}: its manifest names an unexpected archive file "${f}"`, {
            hint: 'The manifest was edited or damaged; restore it from another copy or rebuild it',
        });
    }
    return join(dir, f);
}
export async function exists(path) {
    return stat(path).then(() => true, () => false);
}
export function parseManifest(text, source) {
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch (err) {
        throw new OpsError('corrupt', `manifest ${source} is not valid JSON: ${err.message}`);
    }
    const parsed = BackupManifestSchema.safeParse(raw);
    if (!parsed.success) {
        throw new OpsError('corrupt', `manifest ${source} is not a storage-ops backup manifest: ${z.prettifyError(parsed.error).split('\n').slice(0, 2).join(' ')}`);
    }
    return parsed.data;
}
export async function readManifest(dir, id) {
    assertBackupId(id);
    const path = join(dir, manifestName(id));
    let text;
    try {
        text = await readFile(path, 'utf8');
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return null;
        throw new OpsError('unavailable', `cannot read ${path}: ${err.code ?? String(err)}`);
    }
    const m = parseManifest(text, path);
    if (m.id !== id)
        throw new OpsError('corrupt', `manifest ${path} describes backup ${m.id}, not ${id}`);
    return m;
}
export function manifestText(m) {
    return JSON.stringify(m, null, 2) + '\n';
}
export async function writeManifest(dir, m) {
    return writeNewFile(dir, manifestName(m.id), manifestText(m), tmpName(manifestName(m.id)));
}
/** Rewrites an existing manifest (to record a verification). */
export async function updateManifest(dir, m) {
    await replaceFile(dir, manifestName(m.id), manifestText(m), tmpName(manifestName(m.id)));
}
function pidAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        return err.code === 'EPERM';
    }
}
/** Reads every manifest in the store and notes what else lies there. */
export async function scanStore(dir) {
    const out = { manifests: [], problems: [], orphans: [], partials: [] };
    let names;
    try {
        names = await readdir(dir);
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return out;
        throw new OpsError('unavailable', `cannot read the backup store ${dir}: ${err.code ?? String(err)}`);
    }
    const archivesWithManifest = new Set();
    for (const name of names.sort()) {
        const tmp = TMP_PATTERN.exec(name);
        if (tmp) {
            const pid = Number(tmp[2]);
            out.partials.push({ name, pid, live: pidAlive(pid) });
            continue;
        }
        if (!name.endsWith(MANIFEST_SUFFIX))
            continue;
        const id = name.slice(0, -MANIFEST_SUFFIX.length);
        if (!isBackupId(id)) {
            out.problems.push(`${name}: not named like a backup manifest`);
            continue;
        }
        try {
            const m = await readManifest(dir, id);
            if (!m)
                continue;
            const path = archivePath(dir, m);
            const st = await stat(path).catch(() => null);
            if (!st) {
                out.problems.push(`${id}: its archive ${m.archive.file} is missing`);
                continue;
            }
            if (st.size !== m.archive.bytes) {
                out.problems.push(`${id}: its archive is ${st.size} bytes, the manifest says ${m.archive.bytes}`);
            }
            archivesWithManifest.add(m.archive.file);
            out.manifests.push(m);
        }
        catch (err) {
            out.problems.push(`${name}: ${err.message}`);
        }
    }
    for (const name of names) {
        if (ARCHIVE_SUFFIX.test(name) && !name.startsWith('.') && !archivesWithManifest.has(name))
            out.orphans.push(name);
    }
    return out;
}
//# sourceMappingURL=store.js.map