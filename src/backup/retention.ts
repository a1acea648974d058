/**
 * Retention, as a pure decision over catalog records. Per volume (store + host + volume name), a backup
 * is kept when any rule keeps it: it is among the newest `keepLast`, or younger than `days`
 * (restic's --keep-last / --keep-within union). With no rule at all nothing is deleted.
 *
 * A backup of implausible size (its tar under 10 % of the previous plausible backup of the same
 * volume: an unmounted NFS share backs up as empty) is "collapsed": unless forced it takes no
 * place among the newest N, so it never rotates good backups out.
 *
 * The prune guard overrides everything: the newest backup that verified (read end to end, or
 * "sealed" when encrypted and no identity is at hand) and is of plausible size is never deleted;
 * while a volume has no such backup, its newest plausible backup is never deleted.
 */
import type { BackupConfig } from '../config/backup-config.js';
import type { BackupRecord } from '../state/backup-record.js';

export interface RetentionRule {
  days: number | null;
  keepLast: number | null;
}

export interface RetentionDecision {
  record: BackupRecord;
  keep: boolean;
  /** Why it is kept, or why it goes. */
  reasons: string[];
}

const DAY_MS = 86_400_000;

/** The rule for one volume: per-volume override, else the default; explicit overrides win over both. */
export function ruleFor(retention: BackupConfig['retention'], volume: string, override: Partial<RetentionRule> = {}): RetentionRule {
  const perVolume = retention.volumes[volume] ?? {};
  const pick = (k: keyof RetentionRule): number | null => {
    if (override[k] !== undefined) return override[k] ?? null;
    if (perVolume[k] !== undefined) return perVolume[k] ?? null;
    return retention[k];
  };
  return { days: pick('days'), keepLast: pick('keepLast') };
}

export function isVerified(r: BackupRecord): boolean {
  return r.verification?.ok === true && (r.verification.level === 'full' || r.verification.level === 'sealed');
}

/** Below this share of the previous plausible backup of its volume, a backup is collapsed. */
export const COLLAPSE_RATIO = 0.1;

/**
 * Ids of collapsed backups in one volume's records, with why: walking from the oldest, each
 * backup is compared with the last plausible one before it.
 */
export function collapsedBackups(group: BackupRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  let ref: BackupRecord | null = null;
  for (const r of [...group].sort(newestFirst).reverse()) {
    if (ref && r.content.tarBytes < ref.content.tarBytes * COLLAPSE_RATIO) {
      const pct = ref.content.tarBytes > 0 ? ((r.content.tarBytes / ref.content.tarBytes) * 100).toFixed(1) : '0';
      out.set(r.id, `implausibly small: ${r.content.tarBytes} bytes of tar, ${pct} % of ${ref.id} (${ref.content.tarBytes}); it does not count toward keep-last (--force counts it)`);
      continue;
    }
    ref = r;
  }
  return out;
}

function newestFirst(a: BackupRecord, b: BackupRecord): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

export function describeRule(rule: RetentionRule): string {
  const parts: string[] = [];
  if (rule.keepLast !== null) parts.push(`keep the newest ${rule.keepLast}`);
  if (rule.days !== null) parts.push(`keep ${rule.days} day${rule.days === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'no rule (keep everything)';
}

/**
 * Decides, for every record, whether retention keeps it. Records of all volumes may be mixed.
 * `force` counts collapsed backups like any other.
 */
export function planRetention(records: BackupRecord[], ruleOf: (r: BackupRecord) => RetentionRule, now: Date, opts: { force?: boolean } = {}): RetentionDecision[] {
  const groups = new Map<string, BackupRecord[]>();
  for (const r of records) {
    // Each store keeps its own: an offsite restic copy is not pruned because of local archives.
    const key = `${r.store?.name ?? 'local'}\u0000${r.host}\u0000${r.volume}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: RetentionDecision[] = [];
  for (const group of groups.values()) {
    const sorted = [...group].sort(newestFirst);
    const rule = ruleOf(sorted[0] as BackupRecord);
    const collapsed = opts.force ? new Map<string, string>() : collapsedBackups(sorted);
    const plausible = sorted.filter((r) => !collapsed.has(r.id));
    const guarded = plausible.find(isVerified) ?? null;
    const newestPlausible = plausible[0] ?? null;
    let rank = 0;
    sorted.forEach((record, index) => {
      const reasons: string[] = [];
      const why = collapsed.get(record.id);
      // A collapsed backup takes no place among the newest N: it is kept only while it would be anyway.
      const place = why ? index : rank++;
      if (rule.keepLast === null && rule.days === null) reasons.push('no retention rule for this volume');
      if (rule.keepLast !== null && place < rule.keepLast) reasons.push(`among the newest ${rule.keepLast}${collapsed.size && !why ? ' of plausible size' : ''}`);
      const ageDays = (now.getTime() - Date.parse(record.createdAt)) / DAY_MS;
      if (rule.days !== null && ageDays < rule.days) reasons.push(`younger than ${rule.days} day${rule.days === 1 ? '' : 's'}`);
      if (guarded && record === guarded) reasons.push('newest verified backup of plausible size (never pruned)');
      if (!guarded && record === newestPlausible) reasons.push('newest backup of plausible size, and none is verified yet (never pruned)');
      if (why && reasons.length) reasons.push(why);
      if (reasons.length) {
        out.push({ record, keep: true, reasons });
      } else {
        const gone: string[] = [];
        if (rule.days !== null) gone.push(`${Math.floor(ageDays)} days old (rule: ${rule.days})`);
        if (rule.keepLast !== null) gone.push(`number ${index + 1} from the newest (rule: ${rule.keepLast})`);
        if (why) gone.push(why);
        out.push({ record, keep: false, reasons: gone });
      }
    });
  }
  return out;
}
