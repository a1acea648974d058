/**
 * storage_advise: recommends a storage driver and a volume type for a described workload, from
 * the seed's decision guides and what the engine reports (driver, backing filesystem, kernel,
 * d_type), each with its reasons and the command to run next; flags where the host differs.
 * Changes nothing.
 */
import { z } from 'zod';
import { defineOp } from '../../core/op.js';
import { hostField } from '../shared/common-inputs.js';
import { ACCESS, advise, backingFilesystem, LEVELS, PLATFORMS, SCALES, SHARING, WORKLOAD_PRESETS, WORKLOADS, type Workload } from './workload-knowledge.js';

const ChoiceSchema = z.object({
  choice: z.string(),
  reasons: z.array(z.string()),
  next: z.string().describe('the command to run next'),
});

const Output = z.object({
  host: z.string(),
  workload: z.object({
    preset: z.enum(WORKLOADS).nullable(),
    persistent: z.boolean(),
    shared: z.enum(SHARING),
    access: z.enum(ACCESS),
    database: z.boolean(),
    snapshots: z.boolean(),
    performance: z.enum(LEVELS),
    scale: z.enum(SCALES),
    platform: z.enum(PLATFORMS),
  }),
  engine: z.object({ driver: z.string(), backingFilesystem: z.string().nullable(), kernelVersion: z.string(), osType: z.string() }),
  driver: ChoiceSchema.extend({ current: z.string(), matchesCurrent: z.boolean() }),
  volume: ChoiceSchema,
  findings: z.array(z.object({ severity: z.enum(['info', 'warning', 'critical']), message: z.string(), advice: z.string() })),
});

export const storageAdvise = defineOp({
  name: 'storage_advise',
  verb: 'advise',
  summary: 'Recommend a storage driver and a volume type for a workload, with reasons and the next command',
  description:
    'Describe the workload (a preset such as database or file-service, and/or the individual answers); the advice follows the seed\'s driver comparison, selection guide and decision tree, checked against what the engine runs (driver, backing filesystem, kernel, d_type). Flags where the host differs from the recommendation. Changes nothing.',
  effect: 'read',
  input: z.strictObject({
    workload: z.enum(WORKLOADS).optional().describe('preset from the seed\'s table: stateless, database, file-service, logs, development, high-availability (answers below override it)'),
    persistent: z.boolean().optional().describe('data must outlive the container (default true, false for stateless)'),
    shared: z.enum(SHARING).optional().describe('who shares the data: none, containers (on one host) or hosts'),
    access: z.enum(ACCESS).optional().describe('read-heavy, write-heavy or mixed'),
    database: z.boolean().optional().describe('the data is a database'),
    snapshots: z.boolean().optional().describe('filesystem snapshots are wanted'),
    performance: z.enum(LEVELS).optional().describe('performance needs: low, medium or high'),
    scale: z.enum(SCALES).optional().describe('for data shared between hosts: small, medium or large'),
    platform: z.enum(PLATFORMS).optional().describe('linux, windows or rootless (default from the engine)'),
    host: hostField,
  }),
  output: Output,
  examples: ['--workload database', '--workload file-service --scale small', '--shared hosts --scale medium --snapshots', '--no-persistent'],
  async run(deps, input) {
    const engine = deps.engines.get(input.host);
    const info = await engine.info();
    const preset = input.workload ? WORKLOAD_PRESETS[input.workload] : {};
    const pick = <K extends keyof Workload>(key: K, fallback: Workload[K]): Workload[K] => (input[key] ?? preset[key] ?? fallback) as Workload[K];
    const w: Workload = {
      persistent: pick('persistent', true),
      shared: pick('shared', 'none'),
      access: pick('access', 'mixed'),
      database: pick('database', false),
      snapshots: pick('snapshots', false),
      performance: pick('performance', 'medium'),
      scale: pick('scale', 'small'),
      platform: pick('platform', info.osType === 'windows' ? 'windows' : 'linux'),
    };
    const a = advise(w, info, input.workload);
    return {
      host: engine.host.name,
      workload: { preset: input.workload ?? null, ...w },
      engine: { driver: info.driver, backingFilesystem: backingFilesystem(info), kernelVersion: info.kernelVersion, osType: info.osType },
      driver: a.driver,
      volume: a.volume,
      findings: a.findings,
    };
  },
  view(o) {
    const reasons = (label: string, c: { choice: string; reasons: string[]; next: string }): Array<Record<string, string>> =>
      c.reasons.map((r, i) => ({ part: i === 0 ? label : '', choice: i === 0 ? c.choice : '', why: r }));
    return {
      title: `Storage advice for ${o.workload.preset ?? 'a workload'} on ${o.host}`,
      summary: `Driver ${o.driver.choice}${o.driver.matchesCurrent ? ' (what the host runs)' : ` (the host runs ${o.driver.current})`}; volumes: ${o.volume.choice}`,
      fields: [
        { label: 'Engine', value: `${o.engine.driver} on ${o.engine.backingFilesystem ?? 'unknown fs'}, kernel ${o.engine.kernelVersion}` },
        { label: 'Workload', value: `${o.workload.persistent ? 'persistent' : 'not persistent'}, shared: ${o.workload.shared}, ${o.workload.access}, performance ${o.workload.performance}${o.workload.database ? ', database' : ''}${o.workload.snapshots ? ', snapshots' : ''}${o.workload.shared === 'hosts' ? `, scale ${o.workload.scale}` : ''}` },
        { label: 'Next (driver)', value: o.driver.next },
        { label: 'Next (volume)', value: o.volume.next },
      ],
      tables: [
        {
          id: 'advice',
          columns: [
            { key: 'part', label: 'FOR', type: 'text' },
            { key: 'choice', label: 'RECOMMENDED', type: 'text' },
            { key: 'why', label: 'WHY', type: 'text' },
          ],
          rows: [...reasons('driver', o.driver), ...reasons('volumes', o.volume)],
        },
      ],
      findings: o.findings,
    };
  },
});
