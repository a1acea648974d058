/**
 * Usage history per host (state collection `usageHistory`), bounded: the root filesystem's used
 * bytes and capacity, and, for report runs, each volume's size. Reports fit their fill-up trend
 * to it and compute each volume's growth since the previous report.
 */
import type { Deps, StateData } from '../../core/ports.js';

export interface UsageSample {
  at: string;
  usedBytes: number;
  capacityBytes: number;
  /** Volume sizes (bytes, null when the driver cannot tell); only report runs record them. */
  volumes?: Record<string, number | null>;
}

export const MAX_SAMPLES_PER_HOST = 2000;

function historyOf(data: StateData): Record<string, UsageSample[]> {
  const h = data.usageHistory;
  if (h && typeof h === 'object' && !Array.isArray(h)) return h as Record<string, UsageSample[]>;
  const fresh: Record<string, UsageSample[]> = {};
  data.usageHistory = fresh;
  return fresh;
}

export async function usageHistory(deps: Deps, host: string): Promise<UsageSample[]> {
  return [...(historyOf(await deps.state.read())[host] ?? [])];
}

export async function recordUsage(deps: Deps, host: string, sample: UsageSample): Promise<void> {
  await deps.state.update((data) => {
    const all = historyOf(data);
    const list = (all[host] ??= []);
    list.push(sample);
    list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    if (list.length > MAX_SAMPLES_PER_HOST) list.splice(0, list.length - MAX_SAMPLES_PER_HOST);
  });
}
