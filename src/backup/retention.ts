/**
 * Retention, as a pure decision over catalog records. Per volume (store + host + volume name), a backup
 * is kept when any rule keeps it: it is among the newest `keepLast`, or younger than `days`
 * (restic's --keep-last / --keep-within union). With no rule at all nothing is deleted. The prune
 * guard overrides everything: the newest backup that passed a full verification is never
 * deleted, and while a volume has no verified backup its newest backup is never deleted.
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
  return r.verification?.ok === true && r.verification.level === 'full';
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

/** Decides, for every record, whether retention keeps it. Records of all volumes may be mixed. */
export function planRetention(records: BackupRecord[], ruleOf: (r: BackupRecord) => RetentionRule, now: Date): RetentionDecision[] {
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
    const guarded = sorted.find(isVerified) ?? null;
    sorted.forEach((record, index) => {
      const reasons: string[] = [];
      if (rule.keepLast === null && rule.days === null) reasons.push('no retention rule for this volume');
      if (rule.keepLast !== null && index < rule.keepLast) reasons.push(`among the newest ${rule.keepLast}`);
      const ageDays = (now.getTime() - Date.parse(record.createdAt)) / DAY_MS;
      if (rule.days !== null && ageDays < rule.days) reasons.push(`younger than ${rule.days} day${rule.days === 1 ? '' : 's'}`);
      if (guarded && record === guarded) reasons.push('newest verified backup (never pruned)');
      if (!guarded && index === 0) reasons.push('newest backup, and none is verified yet (never pruned)');
      if (reasons.length) {
        out.push({ record, keep: true, reasons });
      } else {
        const why: string[] = [];
        if (rule.days !== null) why.push(`${Math.floor(ageDays)} days old (rule: ${rule.days})`);
        if (rule.keepLast !== null) why.push(`number ${index + 1} from the newest (rule: ${rule.keepLast})`);
        out.push({ record, keep: false, reasons: why });
      }
    });
  }
  return out;
}
