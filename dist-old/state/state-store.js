/**
 * The process-safe state store over lowdb: one JSON file in the data dir holding small
 * collections (approvals, the backup catalog, schedules, jobs). Every update takes a lock file,
 * re-reads the file, applies the change and writes it back, so the CLI and a running `serve` can
 * share one data dir without losing each other's writes. The audit log, which only grows, is an
 * append-only JSON Lines file beside it (audit-log-file.ts); an older state.json's `audit` array
 * is moved there at the first start.
 */
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { OpsError } from '../core/errors.js';
import { DurableJsonFile } from './durable-json-file.js';
import { AuditLogFile } from './audit-log-file.js';
export const STATE_FILE = 'state.json';
export const AUDIT_DIR = 'audit';
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 15_000;
function freshState() {
    return { version: 1 };
}
export class StateStore {
    dataDir;
    path;
    lockPath;
    db;
    chain = Promise.resolve();
    audit;
    constructor(dataDir) {
        this.dataDir = dataDir;
        this.path = join(dataDir, STATE_FILE);
        this.lockPath = this.path + '.lock';
        this.db = new Low(new DurableJsonFile(this.path), freshState());
        this.audit = new AuditLogFile(join(dataDir, AUDIT_DIR));
    }
    /**
     * Creates the data dir and checks the state file is readable (a corrupt file fails here, once),
     * and moves the audit array of an older state file into the audit log.
     */
    async open() {
        await mkdir(this.dataDir, { recursive: true });
        const data = await this.read();
        if (Array.isArray(data.audit))
            await this.migrateAudit();
    }
    appendAudit(entry, limits) {
        return this.audit.append(entry, limits);
    }
    auditNewestFirst() {
        return this.audit.newestFirst();
    }
    /**
     * Older versions kept the audit log as an array in state.json. Under the state lock, the array
     * goes into the audit log (oldest first, before anything written since) and leaves the state
     * file; a start interrupted in between finds the log already holding it and only drops it.
     */
    migrateAudit() {
        const run = this.chain.then(() => this.locked(async () => {
            const data = await this.read();
            const old = data.audit;
            if (!Array.isArray(old))
                return;
            if (old.length)
                await this.audit.importOld(old);
            delete data.audit;
            this.db.data = data;
            await this.db.write();
        }));
        this.chain = run.catch(() => undefined);
        return run;
    }
    /** A consistent snapshot of the file as it is now. */
    async read() {
        await this.db.read();
        return normalize(this.db.data, this.path);
    }
    /** Applies `change` to the latest state under the lock and persists it; returns what `change` returns. */
    update(change) {
        const run = this.chain.then(() => this.locked(async () => {
            await mkdir(this.dataDir, { recursive: true });
            const data = await this.read();
            const result = change(data);
            this.db.data = data;
            await this.db.write();
            return result;
        }));
        this.chain = run.catch(() => undefined);
        return run;
    }
    async locked(fn) {
        const deadline = Date.now() + LOCK_WAIT_MS;
        for (;;) {
            try {
                const fh = await open(this.lockPath, 'wx');
                await fh.writeFile(String(process.pid));
                await fh.close();
                break;
            }
            catch (err) {
                if (err.code !== 'EEXIST')
                    throw err;
                const st = await stat(this.lockPath).catch(() => null);
                // A lock older than any update can take was left by a crashed process.
                if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) {
                    await rm(this.lockPath, { force: true });
                    continue;
                }
                if (Date.now() > deadline) {
                    throw new OpsError('busy', `state file ${this.path} is locked by another process`, {
                        hint: `Retry; if no storage-ops process is running, remove ${this.lockPath}`,
                    });
                }
                await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
            }
        }
        try {
            return await fn();
        }
        finally {
            await rm(this.lockPath, { force: true });
        }
    }
}
function normalize(data, path) {
    if (data === null || data === undefined)
        return freshState();
    if (typeof data !== 'object' || Array.isArray(data) || data.version !== 1) {
        throw new OpsError('config', `state file ${path} does not look like a storage-ops state file (no "version": 1)`, {
            hint: `Move it aside (mv ${path} ${path}.broken) and start again`,
        });
    }
    return data;
}
//# sourceMappingURL=state-store.js.map