/**
 * The monitor's level with hysteresis: it rises as soon as usage reaches a threshold, but falls
 * only once usage is a margin below the threshold of the level it is in, so usage hovering at
 * 80 % does not post "warning", "ok", "warning" on every check.
 */
import type { MonitorLevel } from './schedule-store.js';

export interface Levels {
  warnPercent: number;
  criticalPercent: number;
  /** How far below a threshold usage must fall to leave that level. */
  marginPercent: number;
}

const RANK: Record<MonitorLevel, number> = { ok: 0, warning: 1, critical: 2 };

function levelAt(usedPercent: number, warn: number, critical: number): MonitorLevel {
  return usedPercent >= critical ? 'critical' : usedPercent >= warn ? 'warning' : 'ok';
}

export function nextLevel(previous: MonitorLevel, usedPercent: number, l: Levels): MonitorLevel {
  const raw = levelAt(usedPercent, l.warnPercent, l.criticalPercent);
  if (RANK[raw] >= RANK[previous]) return raw;
  // Falling: only as far as the thresholds lowered by the margin allow.
  const lowered = levelAt(usedPercent, l.warnPercent - l.marginPercent, l.criticalPercent - l.marginPercent);
  return RANK[lowered] < RANK[previous] ? lowered : previous;
}
