/**
 * backup_prune: applies the retention rules (config backup.retention: days and keepLast, per
 * volume overrides; flags override both) to the catalog. The preview is the dry-run listing:
 * every backup with keep/remove and why. run() removes exactly the previewed "remove" items,
 * re-checking each (a backup that became the newest verified one, or is being restored, is
 * skipped), and never the newest verified backup of plausible size of a volume; a backup of
 * implausible size (under 10 % of the previous one) rotates nothing out unless --force. Each
 * deletion holds the backup's delete lock, so a restore or verify reading it is never cut off.
 * Also clears temporary files left by dead runs (of the named volumes only). Runs after every
 * successful backup as the actor policy:retention.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { OpsError, toOpsError } from '../../core/errors.js';
import { listBackups, removeBackups } from '../../backup/catalog.js';
import { backupInUse, liveTokens, lockBackupForDelete, type Lease } from '../../backup/locks.js';
import { describeRule, planRetention, ruleFor, type RetentionDecision, type RetentionRule } from '../../backup/retention.js';
import { archivePath, manifestName, scanStore, storeDir } from '../../backup/store.js';
import { fsyncDir } from '../../backup/atomic-file.js';
import { forgetAndPrune } from '../../backup/restic-retention.js';
import type { BackupRecord } from '../../state/backup-record.js';
import { volumeName } from '../shared/common-inputs.js';
import { formatBytes } from '../../core/format.js';
import { defineOp, type Preview, type PreviewItem } from '../../core/op.js';
import type { Deps } from '../../core/ports.js';
import type { ViewTable } from '../../core/view.js';
import { shortTime } from './backup-schemas.js';

const Input = z.strictObject({
  volumes: z.array(volumeName).default([]).describe('volumes whose backups to prune; every volume when omitted'),
  host: z.string().min(1).optional().describe('only backups of volumes on this engine; every engine when omitted'),
  days: z.number().int().min(0).optional().describe('keep backups younger than this many days; 0: no age rule. Given alone, the configured keepLast does not apply'),
  keepLast: z.number().int().min(1).optional().describe('keep the newest N backups of each volume. Given alone, the configured days rule does not apply (--keep-last 1 keeps exactly the newest)'),
  dryRun: z.boolean().default(false).describe('only list what would be removed and why; remove nothing'),
  force: z.boolean().default(false).describe('count backups of implausible size (under 10 % of the previous one of the volume) like any other, so they may rotate older ones out'),
});
type Input = z.output<typeof Input>;

const Item = z.object({ id: z.string(), volume: z.string(), host: z.string(), bytes: z.number(), reason: z.string() });

const Output = z.object({
  dryRun: z.boolean(),
  storeDir: z.string(),
  rules: z.array(z.object({ volume: z.string(), host: z.string(), rule: z.string() })),
  removed: z.array(Item).describe('backups deleted (to be deleted, in a dry run)'),
  kept: z.array(Item),
  skipped: z.array(Item).describe('previewed for removal but left alone: changed meanwhile'),
  partialsRemoved: z.array(z.string()).describe('temporary files of interrupted backups'),
  freedBytes: z.number(),
});
type Output = z.output<typeof Output>;

/** Bytes a backup holds in its store: the archive, or what a restic backup added to its repository. */
function storedBytes(r: BackupRecord): number {
  return r.store ? (r.store.addedBytes ?? 0) : r.archive.bytes;
}

async function decide(deps: Deps, input: Input): Promise<RetentionDecision[]> {
  if (input.host && !deps.engines.hosts().some((h) => h.name === input.host)) await assertKnownHost(deps, input.host);
  const wanted = new Set(input.volumes);
  const records = (await listBackups(deps, { host: input.host })).filter((r) => wanted.size === 0 || wanted.has(r.volume));
  const override = overrideOf(input);
  const decisions = planRetention(records, (r) => ruleFor(deps.config.backup.retention, r.volume, override), deps.now(), { force: input.force });
  for (const d of decisions) {
    if (!d.keep && (await backupInUse(deps, d.record.id))) {
      d.keep = true;
      d.reasons = ['in use by a restore right now'];
    }
  }
  return decisions;
}

/**
 * Rules given on the command line replace the configured ones as a whole: `--keep-last 1` means
 * "keep the newest one", not "the newest one, and everything younger than the configured days".
 * `--days 0` turns the age rule off.
 */
function overrideOf(input: Input): Partial<RetentionRule> {
  if (input.days === undefined && input.keepLast === undefined) return {};
  return { days: input.days ? input.days : null, keepLast: input.keepLast ?? null };
}

async function assertKnownHost(deps: Deps, host: string): Promise<void> {
  const inCatalog = (await listBackups(deps)).some((r) => r.host === host);
  if (!inCatalog) {
    throw new OpsError('invalid_input', `unknown host "${host}": it is not configured and no backup comes from it`, {
      hint: `Known hosts: ${deps.engines.hosts().map((h) => h.name).join(', ')}`,
    });
  }
}

function rulesOf(deps: Deps, input: Input, decisions: RetentionDecision[]): Output['rules'] {
  const seen = new Map<string, { volume: string; host: string }>();
  for (const d of decisions) seen.set(`${d.record.host}/${d.record.volume}`, { volume: d.record.volume, host: d.record.host });
  const override = overrideOf(input);
  return [...seen.values()].map((v) => ({ ...v, rule: describeRule(ruleFor(deps.config.backup.retention, v.volume, override)) }));
}

/** Temporary files of dead runs, of the named volumes only (every volume when none is named). */
async function stalePartials(deps: Deps, input: Input): Promise<string[]> {
  const scan = await scanStore(storeDir(deps), await liveTokens(deps));
  return scan.partials
    .filter((p) => !p.live)
    .filter((p) => input.volumes.length === 0 || (p.volume !== null && input.volumes.includes(p.volume)))
    .map((p) => p.name);
}

export const backupPrune = defineOp({
  name: 'backup_prune',
  verb: 'prune-backups',
  summary: 'Delete old backups by the retention rules (age, count), never the newest verified one',
  description:
    'A backup is kept while it is among the newest --keep-last of its volume or younger than --days (either rule keeps it). Without either flag the rules come from backup.retention; with one or both, only the flags given apply (--keep-last 1 keeps exactly the newest backup; --days 0 means no age rule). The newest verified (or, encrypted without an identity, sealed) backup of plausible size of each volume is never deleted, nor the newest plausible backup while none is verified. A backup under 10 % of the size of the previous one (an unmounted share backs up as empty) does not count toward --keep-last unless --force. A backup being restored or verified is never deleted. The preview (--dry-run) lists every backup with keep/remove and why. Runs automatically after each successful backup.',
  effect: 'destructive',
  allHostsWhenOmitted: true,
  input: Input,
  output: Output,
  cli: { positional: ['volumes'] },
  examples: ['--dry-run', 'db_data --keep-last 3', '--days 14 --host prod-1'],
  async preview(deps, input): Promise<Preview> {
    const decisions = await decide(deps, input);
    const partials = await stalePartials(deps, input);
    const items: PreviewItem[] = decisions.map((d) => ({
      kind: 'backup',
      id: d.record.id,
      name: `${d.record.volume} on ${d.record.host} at ${shortTime(d.record.createdAt)}${d.record.store ? ` in restic store ${d.record.store.name}` : ''}`,
      sizeBytes: storedBytes(d.record),
      action: d.keep ? 'keep' : 'remove',
      reason: d.reasons.join('; '),
    }));
    for (const p of partials) items.push({ kind: 'partial', id: p, name: p, sizeBytes: null, action: 'remove', reason: 'temporary file of an interrupted run (its lock is gone)' });
    const removing = decisions.filter((d) => !d.keep);
    const totalBytes = removing.reduce((s, d) => s + storedBytes(d.record), 0);
    const stores = [...new Set(removing.flatMap((d) => (d.record.store ? [d.record.store.name] : [])))];
    return {
      summary: `remove ${removing.length} of ${decisions.length} backup(s) (${formatBytes(totalBytes)})${partials.length ? ` and ${partials.length} leftover temporary file(s)` : ''}`,
      items,
      totalBytes,
      notes: [
        ...rulesOf(deps, input, decisions).map((r) => `${r.volume} on ${r.host}: ${r.rule}`),
        ...stores.map((st) => `restic store ${st}: the snapshots are forgotten (restic forget), then restic prune frees the data no remaining snapshot uses; sizes are what each backup added`),
      ],
    };
  },
  async run(deps, input, ctx) {
    const preview = ctx.preview;
    if (!preview) throw new OpsError('approval_required', 'prune-backups ran without an approved preview');
    const dir = storeDir(deps);
    const out: Output = { dryRun: input.dryRun, storeDir: dir, rules: [], removed: [], kept: [], skipped: [], partialsRemoved: [], freedBytes: 0 };
    // Re-decide now: the previewed removals happen only if retention still removes them.
    const now = await decide(deps, input);
    out.rules = rulesOf(deps, input, now);
    const current = new Map(now.map((d) => [d.record.id, d]));
    const toItem = (d: RetentionDecision, reason: string): z.output<typeof Item> => ({ id: d.record.id, volume: d.record.volume, host: d.record.host, bytes: storedBytes(d.record), reason });
    const resticGone: RetentionDecision[] = [];
    for (const d of now) if (d.keep) out.kept.push(toItem(d, d.reasons.join('; ')));
    for (const item of preview.items) {
      if (item.action !== 'remove') continue;
      if (item.kind === 'partial') {
        // Only if its run is still dead: a name is never reused, but look again anyway.
        if (!(await stalePartials(deps, input)).includes(item.id)) {
          out.skipped.push({ id: item.id, volume: '', host: '', bytes: 0, reason: 'no longer a leftover' });
          continue;
        }
        if (!input.dryRun) await rm(join(dir, item.id), { force: true });
        out.partialsRemoved.push(item.id);
        continue;
      }
      const d = current.get(item.id);
      if (!d) {
        out.skipped.push({ id: item.id, volume: '', host: '', bytes: item.sizeBytes ?? 0, reason: 'already gone' });
        continue;
      }
      if (d.keep) {
        out.skipped.push(toItem(d, `now kept: ${d.reasons.join('; ')}`));
        continue;
      }
      if (d.record.store) {
        // restic snapshots go together, per store, after the loop: one forget and one prune.
        resticGone.push(d);
        continue;
      }
      if (!input.dryRun) {
        const claim = await lockBackupForDelete(deps, d.record.id, ctx.actor.id);
        if ('busy' in claim) {
          out.skipped.push(toItem(d, claim.busy));
          continue;
        }
        try {
          ctx.signal.throwIfAborted();
          // The manifest goes first: it is what makes an archive a backup.
          await rm(join(dir, manifestName(d.record.id)), { force: true });
          await rm(archivePath(dir, d.record), { force: true });
          await removeBackups(deps, [d.record.id]);
        } catch (err) {
          if (ctx.signal.aborted) throw new OpsError('cancelled', `prune-backups cancelled after removing ${out.removed.length} backup(s)`);
          out.skipped.push(toItem(d, `could not be removed: ${toOpsError(err).message}`));
          continue;
        } finally {
          await claim.lease.release();
        }
      }
      out.removed.push(toItem(d, d.reasons.join('; ')));
      out.freedBytes += storedBytes(d.record);
    }
    if (!input.dryRun && (out.removed.length || out.partialsRemoved.length)) await fsyncDir(dir).catch(() => undefined);
    const byStore = new Map<string, RetentionDecision[]>();
    for (const d of resticGone) byStore.set(d.record.store?.name ?? '', [...(byStore.get(d.record.store?.name ?? '') ?? []), d]);
    for (const [store, candidates] of byStore) {
      let group = candidates;
      const claims: Lease[] = [];
      if (!input.dryRun) {
        // Claimed like local archives: a snapshot a restore, verify or drill is reading stays.
        group = [];
        for (const d of candidates) {
          const claim = await lockBackupForDelete(deps, d.record.id, ctx.actor.id);
          if ('busy' in claim) out.skipped.push(toItem(d, claim.busy));
          else {
            claims.push(claim.lease);
            group.push(d);
          }
        }
        try {
          if (group.length) {
            await forgetAndPrune(deps, store, group.map((d) => d.record), ctx.signal);
            await removeBackups(deps, group.map((d) => d.record.id));
          }
        } catch (err) {
          if (ctx.signal.aborted) throw new OpsError('cancelled', `prune-backups cancelled while forgetting snapshots in restic store "${store}"`);
          for (const d of group) out.skipped.push(toItem(d, `could not be forgotten: ${toOpsError(err).message}`));
          continue;
        } finally {
          for (const c of claims) await c.release();
        }
      }
      for (const d of group) {
        out.removed.push(toItem(d, d.reasons.join('; ')));
        out.freedBytes += storedBytes(d.record);
      }
    }
    return out;
  },
  view(o) {
    const verb = o.dryRun ? 'Would remove' : 'Removed';
    const rows = [
      ...o.removed.map((i) => ({ action: o.dryRun ? 'remove' : 'removed', backup: i.id, size: i.bytes, why: i.reason })),
      ...o.skipped.map((i) => ({ action: 'skipped', backup: i.id, size: i.bytes, why: i.reason })),
      ...o.kept.map((i) => ({ action: 'keep', backup: i.id, size: i.bytes, why: i.reason })),
    ];
    const tables: ViewTable[] = [];
    if (o.rules.length) {
      tables.push({
        id: 'rules',
        title: 'Rules',
        columns: [
          { key: 'volume', label: 'VOLUME', type: 'text' },
          { key: 'host', label: 'HOST', type: 'text' },
          { key: 'rule', label: 'RULE', type: 'text' },
        ],
        rows: o.rules.map((r) => ({ volume: r.volume, host: r.host, rule: r.rule })),
      });
    }
    if (rows.length) {
      tables.push({
        id: 'backups',
        columns: [
          { key: 'action', label: 'ACTION', type: 'text' },
          { key: 'backup', label: 'BACKUP', type: 'text' },
          { key: 'size', label: 'SIZE', type: 'bytes' },
          { key: 'why', label: 'WHY', type: 'text' },
        ],
        rows,
      });
    }
    return {
      title: o.dryRun ? 'Backup retention (dry run)' : 'Backup retention',
      summary: `${verb} ${o.removed.length} backup(s), ${formatBytes(o.freedBytes)}${o.dryRun ? ' (dry run: nothing was deleted)' : ''}.`,
      tables,
      notes: o.partialsRemoved.length ? [`${verb} leftover temporary file(s): ${o.partialsRemoved.join(', ')}`] : [],
    };
  },
});
