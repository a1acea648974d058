/**
 * benchmark_list (`benchmarks [volume]`): the kept `bench` history, newest first, and the latest
 * run of each volume side by side (IOPS, bandwidth, p99 latency), with a chart, so a team can
 * compare a volume on SSD with one on NFS, or a volume before and after a change.
 */
import { z } from 'zod';
import { defineOp } from '../../core/op.js';
import type { ViewChart, ViewTable } from '../../core/view.js';
import { volumeName } from '../shared/common-inputs.js';
import { benchmarkRuns, BenchRunSchema, MAX_RUNS, paramsKey, type BenchRun } from './benchmark-history.js';

const Output = z.object({
  runs: z.array(BenchRunSchema).describe('matching runs, newest first'),
  latest: z.array(BenchRunSchema).describe('the newest run of each host, volume and parameter set, for side-by-side comparison'),
  total: z.number().int().describe('matching runs in the history (runs may be more than shown)'),
});

const ms = (us: number | null | undefined): number | null => (us === null || us === undefined ? null : us / 1000);

function comparisonTable(latest: BenchRun[]): ViewTable {
  return {
    id: 'comparison',
    title: 'Latest run per volume and parameters',
    columns: [
      { key: 'volume', label: 'VOLUME', type: 'text' },
      { key: 'host', label: 'HOST', type: 'text' },
      { key: 'pattern', label: 'PATTERN', type: 'text' },
      { key: 'readIops', label: 'READ IOPS', type: 'count' },
      { key: 'writeIops', label: 'WRITE IOPS', type: 'count' },
      { key: 'readBw', label: 'READ BW', type: 'bytes', perSecond: true },
      { key: 'writeBw', label: 'WRITE BW', type: 'bytes', perSecond: true },
      { key: 'readP99', label: 'READ P99', type: 'duration' },
      { key: 'writeP99', label: 'WRITE P99', type: 'duration' },
      { key: 'at', label: 'WHEN', type: 'time' },
    ],
    rows: latest.map((r) => ({
      volume: r.volume,
      host: r.host,
      pattern: `${r.params.rw} ${r.params.bs}`,
      readIops: r.read?.iops ?? null,
      writeIops: r.write?.iops ?? null,
      readBw: r.read?.bandwidthBytesPerSec ?? null,
      writeBw: r.write?.bandwidthBytesPerSec ?? null,
      readP99: ms(r.read?.latencyUs.p99),
      writeP99: ms(r.write?.latencyUs.p99),
      at: r.at,
    })),
  };
}

function historyTable(runs: BenchRun[]): ViewTable {
  return {
    id: 'history',
    title: 'History, newest first',
    columns: [
      { key: 'id', label: 'ID', type: 'text' },
      { key: 'at', label: 'WHEN', type: 'time' },
      { key: 'volume', label: 'VOLUME', type: 'text' },
      { key: 'host', label: 'HOST', type: 'text' },
      { key: 'params', label: 'PARAMETERS', type: 'text' },
      { key: 'readIops', label: 'READ IOPS', type: 'count' },
      { key: 'writeIops', label: 'WRITE IOPS', type: 'count' },
    ],
    rows: runs.map((r) => ({
      id: r.id,
      at: r.at,
      volume: r.volume,
      host: r.host,
      params: paramsKey(r.params),
      readIops: r.read?.iops ?? null,
      writeIops: r.write?.iops ?? null,
    })),
  };
}

/**
 * One chart comparing volumes: only runs with the same parameters compare, so it shows the
 * parameter set measured on the most volumes (the newest such set on a tie).
 */
function iopsChart(latest: BenchRun[]): ViewChart[] {
  const byParams = new Map<string, BenchRun[]>();
  for (const r of latest) byParams.set(paramsKey(r.params), [...(byParams.get(paramsKey(r.params)) ?? []), r]);
  let chosen: BenchRun[] = [];
  for (const runs of byParams.values()) if (runs.length > chosen.length) chosen = runs;
  if (chosen.length === 0) return [];
  const points = chosen.flatMap((r) => {
    // The same volume name on two hosts needs the host to tell the bars apart.
    const x = chosen.filter((o) => o.volume === r.volume).length > 1 ? `${r.volume} on ${r.host}` : r.volume;
    return [
      ...(r.read ? [{ x, series: 'read', value: r.read.iops }] : []),
      ...(r.write ? [{ x, series: 'write', value: r.write.iops }] : []),
    ];
  });
  return points.length ? [{ id: 'iops', title: `IOPS by volume (${paramsKey(chosen[0]!.params)})`, kind: 'bar', unit: 'count', points }] : [];
}

export const benchmarkList = defineOp({
  name: 'benchmark_list',
  verb: 'benchmarks',
  summary: 'List past benchmark runs and compare volumes side by side (IOPS, bandwidth, p99 latency)',
  description: `Reads the history \`bench\` keeps (the newest ${MAX_RUNS} runs); runs nothing. Runs compare only with the same parameters (pattern, block size, size, runtime, jobs, depth, direct, engine).`,
  effect: 'read',
  input: z.strictObject({
    volume: volumeName.optional().describe('only runs of this volume'),
    host: z.string().min(1).optional().describe('only runs on this host (every host when omitted)'),
    limit: z.number().int().min(1).max(MAX_RUNS).default(20).describe('how many runs of the history to show, newest first (default 20)'),
  }),
  output: Output,
  cli: { positional: ['volume'] },
  examples: ['', 'db_data', '--host prod-2 --limit 50'],
  async run(deps, input) {
    const all = (await benchmarkRuns(deps))
      .filter((r) => (input.volume === undefined || r.volume === input.volume) && (input.host === undefined || r.host === input.host))
      .reverse();
    const seen = new Set<string>();
    const latest = all.filter((r) => {
      const key = `${r.host}\u0000${r.volume}\u0000${paramsKey(r.params)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { runs: all.slice(0, input.limit), latest, total: all.length };
  },
  view(o) {
    if (o.total === 0) {
      return { title: 'Benchmarks', summary: 'No benchmark runs kept yet.', notes: ['`storage-ops bench <volume>` measures a volume and keeps the result here.'] };
    }
    const volumes = new Set(o.latest.map((r) => `${r.host}/${r.volume}`)).size;
    return {
      title: 'Benchmarks',
      summary: `${o.total} run(s) of ${volumes} volume(s)${o.runs.length < o.total ? `, newest ${o.runs.length} shown` : ''}`,
      tables: [comparisonTable(o.latest), historyTable(o.runs)],
      charts: iopsChart(o.latest),
    };
  },
});
