/**
 * The process-safe state store over lowdb: one JSON file in the data dir holding small
 * collections (approvals, the backup catalog, schedules, jobs). Every update takes a lock (the
 * shared lease lock of src/core/file-lock.ts), re-reads the file, applies the change and writes it
 * back, so the CLI and a running `serve` can share one data dir without losing each other's
 * writes. A lock left by a crashed process frees itself (at once on this machine, within the lease
 * elsewhere); one held by a live process is waited for. The audit log, which only grows, is an
 * append-only JSON Lines file beside it (audit-log-file.ts); an older state.json's `audit` array
 * is moved there at the first start.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { OpsError } from '../core/errors.js';
import { waitForLock } from '../core/file-lock.js';
import { DurableJsonFile } from './durable-json-file.js';
import type { AuditEntry } from '../core/audit-entry.js';
import type { AuditLimits, StateData, StatePort } from '../core/ports.js';
import { AuditLogFile } from './audit-log-file.js';

export type { StateData };

export const STATE_FILE = 'state.json';
export const AUDIT_DIR = 'audit';
/** Long enough for a lease left by a process that died elsewhere (another container) to run out. */
const LOCK_WAIT_MS = 45_000;

function freshState(): StateData {
  return { version: 1 };
}

export class StateStore implements StatePort {
  readonly path: string;
  private readonly lockPath: string;
  private readonly db: Low<StateData>;
  private chain: Promise<unknown> = Promise.resolve();
  readonly audit: AuditLogFile;

  constructor(readonly dataDir: string) {
    this.path = join(dataDir, STATE_FILE);
    this.lockPath = this.path + '.lock';
    this.db = new Low<StateData>(new DurableJsonFile<StateData>(this.path), freshState());
    this.audit = new AuditLogFile(join(dataDir, AUDIT_DIR));
  }

  /**
   * Creates the data dir and checks the state file is readable (a corrupt file fails here, once),
   * and moves the audit array of an older state file into the audit log.
   */
  async open(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    const data = await this.read();
    if (Array.isArray(data.audit)) await this.migrateAudit();
  }

  appendAudit(entry: AuditEntry, limits: AuditLimits): Promise<void> {
    return this.audit.append(entry, limits);
  }

  auditNewestFirst(): AsyncIterable<AuditEntry> {
    return this.audit.newestFirst();
  }

  /**
   * Older versions kept the audit log as an array in state.json. Under the state lock, the array
   * goes into the audit log (oldest first, before anything written since) and leaves the state
   * file; a start interrupted in between finds the log already holding it and only drops it.
   */
  private migrateAudit(): Promise<void> {
    const run = this.chain.then(() =>
      this.locked(async () => {
        const data = await this.read();
        const old = data.audit;
        if (!Array.isArray(old)) return;
        if (old.length) await this.audit.importOld(old as AuditEntry[]);
        delete data.audit;
        this.db.data = data;
        await this.db.write();
      }),
    );
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** A consistent snapshot of the file as it is now. */
  async read(): Promise<StateData> {
    await this.db.read();
    return normalize(this.db.data, this.path);
  }

  /** Applies `change` to the latest state under the lock and persists it; returns what `change` returns. */
  update<T>(change: (data: StateData) => T): Promise<T> {
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

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    const lease = await waitForLock(this.lockPath, { op: 'state update', actor: 'storage-ops' }, { waitMs: LOCK_WAIT_MS, what: `state file ${this.path}` });
    try {
      return await fn();
    } finally {
      await lease.release();
    }
  }
}

function normalize(data: StateData | null, path: string): StateData {
  if (data === null || data === undefined) return freshState();
  if (typeof data !== 'object' || Array.isArray(data) || data.version !== 1) {
    throw new OpsError('config', `state file ${path} does not look like a storage-ops state file (no "version": 1)`, {
      hint: `Move it aside (mv ${path} ${path}.broken) and start again`,
    });
  }
  return data;
}
