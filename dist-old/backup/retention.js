const DAY_MS = 86_400_000;
/** The rule for one volume: per-volume override, else the default; explicit overrides win over both. */
export function ruleFor(retention, volume, override = {}) {
    const perVolume = retention.volumes[volume] ?? {};
    const pick = (k) => {
        if (override[k] !== undefined)
            return override[k] ?? null;
        if (perVolume[k] !== undefined)
            return perVolume[k] ?? null;
        return retention[k];
    };
    return { days: pick('days'), keepLast: pick('keepLast') };
}
export function isVerified(r) {
    return r.verification?.ok === true && r.verification.level === 'full';
}
function newestFirst(a, b) {
    return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}
export function describeRule(rule) {
    const parts = [];
    if (rule.keepLast !== null)
        parts.push(`keep the newest ${rule.keepLast}`);
    if (rule.days !== null)
        parts.push(`keep ${rule.days} day${rule.days === 1 ? '' : 's'}`);
    return parts.length ? parts.join(', ') : 'no rule (keep everything)';
}
/** Decides, for every record, whether retention keeps it. Records of all volumes may be mixed. */
export function planRetention(records, ruleOf, now) {
    const groups = new Map();
    for (const r of records) {
        const key = `${r.host}\u0000${r.volume}`;
        groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const out = [];
    for (const group of groups.values()) {
        const sorted = [...group].sort(newestFirst);
        const rule = ruleOf(sorted[0]);
        const guarded = sorted.find(isVerified) ?? null;
        sorted.forEach((record, index) => {
            const reasons = [];
            if (rule.keepLast === null && rule.days === null)
                reasons.push('no retention rule for this volume');
            if (rule.keepLast !== null && index < rule.keepLast)
                reasons.push(`among the newest ${rule.keepLast}`);
            const ageDays = (now.getTime() - Date.parse(record.createdAt)) / DAY_MS;
            if (rule.days !== null && ageDays < rule.days)
                reasons.push(`younger than ${rule.days} day${rule.days === 1 ? '' : 's'}`);
            if (guarded && record === guarded)
                reasons.push('newest verified backup (never pruned)');
            if (!guarded && index === 0)
                reasons.push('newest backup, and none is verified yet (never pruned)');
            if (reasons.length) {
                out.push({ record, keep: true, reasons });
            }
            else {
                const why = [];
                if (rule.days !== null)
                    why.push(`${Math.floor(ageDays)} days old (rule: ${rule.days})`);
                if (rule.keepLast !== null)
                    why.push(`number ${index + 1} from the newest (rule: ${rule.keepLast})`);
                out.push({ record, keep: false, reasons: why });
            }
        });
    }
    return out;
}
//# sourceMappingURL=retention.js.map