const RANK = { ok: 0, warning: 1, critical: 2 };
function levelAt(usedPercent, warn, critical) {
    return usedPercent >= critical ? 'critical' : usedPercent >= warn ? 'warning' : 'ok';
}
export function nextLevel(previous, usedPercent, l) {
    const raw = levelAt(usedPercent, l.warnPercent, l.criticalPercent);
    if (RANK[raw] >= RANK[previous])
        return raw;
    // Falling: only as far as the thresholds lowered by the margin allow.
    const lowered = levelAt(usedPercent, l.warnPercent - l.marginPercent, l.criticalPercent - l.marginPercent);
    return RANK[lowered] < RANK[previous] ? lowered : previous;
}
//# sourceMappingURL=monitor-level.js.map