/**
 * A lowdb adapter that writes JSON atomically and durably: temporary file, fsync, rename, fsync of
 * the directory. lowdb's own JSONFile renames without fsync, so a power cut can leave an empty file.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OpsError } from '../core/errors.js';
export class DurableJsonFile {
    path;
    constructor(path) {
        this.path = path;
    }
    async read() {
        let text;
        try {
            text = await readFile(this.path, 'utf8');
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return null;
            throw new OpsError('unavailable', `cannot read state file ${this.path}: ${err.message}`, {
                hint: 'Check the data directory (STORAGE_OPS_DATA_DIR) exists and is readable by this user',
            });
        }
        if (text.trim() === '')
            return null;
        try {
            return JSON.parse(text);
        }
        catch (err) {
            throw new OpsError('config', `state file ${this.path} is corrupt (not valid JSON: ${err.message})`, {
                hint: `Move it aside (mv ${this.path} ${this.path}.broken) and start again; backups are re-catalogued from their manifests with \`storage-ops backups --rescan\``,
            });
        }
    }
    async write(data) {
        const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`);
        const fh = await open(tmp, 'w', 0o600);
        try {
            await fh.writeFile(JSON.stringify(data, null, 2) + '\n', 'utf8');
            await fh.sync();
        }
        catch (err) {
            await fh.close().catch(() => undefined);
            await rm(tmp, { force: true });
            throw new OpsError('unavailable', `cannot write state file ${this.path}: ${err.message}`, {
                hint: 'Check free space and permissions in the data directory',
                cause: err,
            });
        }
        await fh.close();
        await rename(tmp, this.path);
        const dir = await open(dirname(this.path), 'r');
        try {
            await dir.sync();
        }
        finally {
            await dir.close();
        }
    }
}
//# sourceMappingURL=durable-json-file.js.map