/**
 * A restore drill: proves a backup restores, by doing it. The archive is restored into a fresh
 * scratch volume through the path a real restore takes (its sha256 checked against the manifest,
 * decrypted, decompressed, entry counts compared), the scratch volume is read back through the
 * engine, its counts are compared with the manifest and its tree checksum (tree-hash.ts) with
 * the archive's, and the scratch volume is removed, also on failure. The archive's tree stands
 * for the manifest's: the archive is pinned to the manifest by its sha256 in the same pass.
 * (Backups do not record the tree checksum themselves: hashing all data again would cost them
 * about a fifth of their throughput, for a check only drills need.)
 * Never throws for a failed restore: the result says what failed, so a schedule can report it.
 */
import { randomBytes } from 'node:crypto';
import { OpsError, toOpsError } from '../core/errors.js';
import type { Progress } from '../core/op.js';
import type { Deps, EnginePort, StateData } from '../core/ports.js';
import type { BackupManifest } from '../state/backup-record.js';
import { identityMissing, loadIdentities } from './identity.js';
import { acquireLock, lockHolder } from './locks.js';
import { extractInto } from './restore-volume.js';
import { extractResticInto, isResticRecord } from './restic-read.js';
import { archivePath, exists, storeDir } from './store.js';
import { TarWalker, type TarSummary } from './tar-scan.js';

/** Label on scratch volumes, so one left by a killed process can be recognised. */
export const DRILL_LABEL = 'storage-ops.drill';

export interface DrillCheck {
  what: string;
  expected: string | number | null;
  found: string | number | null;
  ok: boolean;
}

export interface DrillOutcome {
  volume: string;
  host: string;
  /** null: the volume has no backup to drill. */
  backupId: string | null;
  backupCreatedAt: string | null;
  ok: boolean;
  /** What failed, one sentence; null when restorable. */
  failure: string | null;
  checks: DrillCheck[];
  scratch: string;
  /** The scratch volume was removed (false only when removing it failed: the name is then in `notes`). */
  scratchRemoved: boolean;
  durationMs: number;
  notes: string[];
}

function scratchName(volume: string): string {
  return `storage-ops-drill-${volume.slice(0, 40)}-${randomBytes(4).toString('hex')}`;
}

/** Reads a volume back through the engine: its entry counts and tree checksum. */
async function readBack(engine: EnginePort, name: string, signal: AbortSignal): Promise<{ summary: TarSummary; tree: string | null }> {
  const archive = await engine.exportVolume(name, signal);
  const walker = new TarWalker(undefined, { tree: true });
  try {
    for await (const chunk of archive.stream) walker.write(chunk as Buffer);
    const summary = walker.end();
    return { summary, tree: walker.treeSha256() };
  } finally {
    archive.stream.destroy();
    await archive.close();
  }
}

function compare(m: BackupManifest, archiveTree: string | null, s: TarSummary, tree: string | null): DrillCheck[] {
  const c = m.content;
  const n = (what: string, expected: number, found: number): DrillCheck => ({ what, expected, found, ok: expected === found });
  return [
    n('regular files', c.files, s.files),
    n('entries', c.entries, s.entries),
    n('directories', c.dirs, s.dirs),
    n('bytes of file data', c.dataBytes, s.dataBytes),
    { what: 'tree checksum', expected: archiveTree, found: tree, ok: archiveTree !== null && archiveTree === tree },
  ];
}

/** How old a scratch volume without a live drill must be before it counts as left over. */
const LEFTOVER_AFTER_MS = 24 * 3_600_000;

/**
 * Removes scratch volumes left on `engine` by drills that were killed: labelled as ours, no live
 * drill of this data dir holds them, and older than a day (a drill of another data dir on the same
 * engine holds its lock elsewhere; a day outlasts any drill). Returns the names removed.
 */
export async function removeLeftoverScratch(deps: Deps, engine: EnginePort): Promise<string[]> {
  const host = engine.host.name;
  const removed: string[] = [];
  for (const v of await engine.listVolumes({ label: [`${DRILL_LABEL}=true`] })) {
    if (v.labels[DRILL_LABEL] !== 'true' || v.createdAt === null) continue;
    const backup = v.labels[`${DRILL_LABEL}.backup`] ?? '';
    if (deps.now().getTime() - Date.parse(v.createdAt) < LEFTOVER_AFTER_MS) continue;
    if (backup && (await lockHolder(deps, { kind: 'backup', id: backup, host, target: v.name }))) continue;
    try {
      await engine.removeVolume(v.name);
      removed.push(v.name);
    } catch (err) {
      deps.log.warn(`drill: could not remove the leftover scratch volume ${v.name}`, { host, error: toOpsError(err).message });
    }
  }
  return removed;
}

/** Restores `m` into a scratch volume on `engine`, checks it against the manifest, removes it. */
export async function drillBackup(
  deps: Deps,
  engine: EnginePort,
  m: BackupManifest,
  opts: { actor: string; signal: AbortSignal; onProgress: (p: Progress) => void },
): Promise<DrillOutcome> {
  const t0 = performance.now();
  const host = engine.host.name;
  const scratch = scratchName(m.volume);
  const notes: string[] = [];
  let checks: DrillCheck[] = [];
  let failure: string | null = null;
  let created = false;
  let scratchRemoved = true;
  let release: (() => Promise<void>) | null = null;
  try {
    // A restic backup is read through `restic dump`: no file here to look for.
    const path = isResticRecord(m) ? '' : archivePath(storeDir(deps), m);
    if (!isResticRecord(m) && !(await exists(path))) throw new OpsError('not_found', `the archive ${m.archive.file} is missing from the store ${storeDir(deps)}`);
    const identities = m.archive.encryption ? await loadIdentities(deps) : null;
    if (m.archive.encryption && !identities) throw identityMissing(m.id, 'restored in a drill');
    // Held like a restore's: retention does not delete the archive while the drill reads it.
    release = await acquireLock(deps, { kind: 'backup', id: m.id, host, target: scratch }, { op: `restore drill of ${m.id}`, actor: opts.actor });
    await engine.createVolume({ name: scratch, driver: 'local', driverOpts: {}, labels: { [DRILL_LABEL]: 'true', [`${DRILL_LABEL}.backup`]: m.id } });
    created = true;
    const phase = `drill: restoring ${m.id}`;
    const archive = isResticRecord(m)
      ? await extractResticInto(deps, engine, m, scratch, { signal: opts.signal, onProgress: opts.onProgress, phase, tree: true })
      : await extractInto(engine, m, path, scratch, { identities, signal: opts.signal, onProgress: opts.onProgress, phase, tree: true });
    opts.onProgress({ phase: `drill: reading ${scratch} back` });
    const back = await readBack(engine, scratch, opts.signal);
    checks = compare(m, archive.treeSha256, back.summary, back.tree);
    const bad = checks.filter((c) => !c.ok);
    if (bad.length) failure = `the restored volume differs from the backup: ${bad.map((c) => `${c.what} ${String(c.found)} instead of ${String(c.expected)}`).join('; ')}`;
  } catch (err) {
    if (opts.signal.aborted) throw err;
    failure = toOpsError(err).message;
  } finally {
    if (created) {
      try {
        await engine.removeVolume(scratch);
      } catch (err) {
        scratchRemoved = false;
        notes.push(`the scratch volume ${scratch} could not be removed: ${toOpsError(err).message}; remove it with \`storage-ops rm ${scratch} --host ${host}\``);
      }
    }
    await release?.();
  }
  return {
    volume: m.volume,
    host,
    backupId: m.id,
    backupCreatedAt: m.createdAt,
    ok: failure === null,
    failure,
    checks,
    scratch,
    scratchRemoved,
    durationMs: Math.round(performance.now() - t0),
    notes,
  };
}

/** The last drill of one volume, as kept in the state file (collection `drills`) for /metrics and reports. */
export interface DrillRecord {
  host: string;
  volume: string;
  at: string;
  ok: boolean;
  backupId: string | null;
  failure: string | null;
  durationMs: number;
}

/** Volumes remembered; a removed volume's record ages out once this many others are newer. */
const MAX_DRILL_RECORDS = 1000;

export function drillRecords(data: StateData): DrillRecord[] {
  return Array.isArray(data.drills) ? (data.drills as DrillRecord[]) : [];
}

export async function recordDrill(deps: Deps, o: DrillOutcome, at: Date): Promise<void> {
  const rec: DrillRecord = { host: o.host, volume: o.volume, at: at.toISOString(), ok: o.ok, backupId: o.backupId, failure: o.failure, durationMs: o.durationMs };
  await deps.state.update((data) => {
    const list = drillRecords(data).filter((r) => !(r.host === rec.host && r.volume === rec.volume));
    list.push(rec);
    list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    data.drills = list.slice(-MAX_DRILL_RECORDS);
  });
}
