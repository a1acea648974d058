/**
 * The history of `bench` runs, kept in the state file (collection `benchmarks`) so a run can be
 * compared with the previous one of the same volume and parameters, and volumes with each other.
 * Bounded: the newest MAX_RUNS runs are kept, older ones dropped.
 */
import { collectionOf } from '../../core/state-collection.js';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Deps, StateData } from '../../core/ports.js';

const COLLECTION = 'benchmarks';
export const MAX_RUNS = 500;

export const DirectionSchema = z.object({
  iops: z.number(),
  bandwidthBytesPerSec: z.number(),
  ioBytes: z.number(),
  latencyUs: z.object({ mean: z.number(), p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable(), max: z.number() }),
});
export type Direction = z.output<typeof DirectionSchema>;

export const BenchParamsSchema = z.object({
  rw: z.string(),
  bs: z.string(),
  size: z.string(),
  runtimeSec: z.number(),
  jobs: z.number(),
  ioDepth: z.number(),
  direct: z.boolean(),
  ioEngine: z.string(),
});
export type BenchParams = z.output<typeof BenchParamsSchema>;

export const BenchRunSchema = z.object({
  id: z.string(),
  at: z.string().describe('when the run finished (ISO time)'),
  host: z.string(),
  volume: z.string(),
  fioVersion: z.string(),
  params: BenchParamsSchema,
  read: DirectionSchema.nullable(),
  write: DirectionSchema.nullable(),
});
export type BenchRun = z.output<typeof BenchRunSchema>;

/** Parameters as one comparable string: runs compare only when every parameter is the same. */
export function paramsKey(p: BenchParams): string {
  return `${p.rw} ${p.bs} size=${p.size} runtime=${p.runtimeSec}s jobs=${p.jobs} depth=${p.ioDepth} ${p.direct ? 'direct' : 'buffered'} ${p.ioEngine}`;
}

function runsOf(data: StateData): BenchRun[] {
  return collectionOf(data, COLLECTION, BenchRunSchema);
}

/** All kept runs, oldest first. */
export async function benchmarkRuns(deps: Deps): Promise<BenchRun[]> {
  return runsOf(await deps.state.read());
}

/**
 * Stores a finished run and returns the previous run of the same host, volume and parameters
 * (read in the same state update, so two concurrent runs each see a consistent predecessor).
 */
export async function recordBenchmark(deps: Deps, run: Omit<BenchRun, 'id'>): Promise<{ id: string; previous: BenchRun | null }> {
  const id = `bench-${run.at.replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  return deps.state.update((data) => {
    const runs = runsOf(data);
    const key = paramsKey(run.params);
    const previous = [...runs].reverse().find((r) => r.host === run.host && r.volume === run.volume && paramsKey(r.params) === key) ?? null;
    data[COLLECTION] = [...runs, { id, ...run }].slice(-MAX_RUNS);
    return { id, previous };
  });
}

/** Relative change from `before` to `after` in percent (one decimal), null when it can't be computed. */
export function changePercent(before: number | null | undefined, after: number | null | undefined): number | null {
  if (before === null || before === undefined || after === null || after === undefined || before === 0) return null;
  return Math.round(((after - before) / before) * 1000) / 10;
}
