/**
 * volume_benchmark: measures a volume's I/O with fio in a helper container that mounts it (seed
 * §7.1), and reports IOPS, bandwidth and latency percentiles per direction. The test files live
 * in a private directory inside the volume and are removed afterwards, also when the run fails
 * or is cancelled.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { hostField, volumeName } from '../shared/common-inputs.js';
import { formatBytes } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
const Direction = z.object({
    iops: z.number(),
    bandwidthBytesPerSec: z.number(),
    ioBytes: z.number(),
    latencyUs: z.object({ mean: z.number(), p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable(), max: z.number() }),
});
const Output = z.object({
    host: z.string(),
    volume: z.string(),
    fioVersion: z.string(),
    params: z.object({ rw: z.string(), bs: z.string(), size: z.string(), runtimeSec: z.number(), jobs: z.number(), ioDepth: z.number(), direct: z.boolean(), ioEngine: z.string() }),
    read: Direction.nullable().describe('null when the pattern does not read'),
    write: Direction.nullable().describe('null when the pattern does not write'),
    elapsedSec: z.number(),
});
function side(s) {
    if (!s || s.io_bytes === 0)
        return null;
    const pct = s.clat_ns?.percentile ?? {};
    const us = (ns) => (ns === undefined ? null : Math.round(ns / 100) / 10);
    return {
        iops: Math.round(s.iops),
        bandwidthBytesPerSec: s.bw_bytes,
        ioBytes: s.io_bytes,
        latencyUs: {
            mean: us(s.clat_ns?.mean ?? s.lat_ns?.mean) ?? 0,
            p50: us(pct['50.000000']),
            p95: us(pct['95.000000']),
            p99: us(pct['99.000000']),
            max: us(s.clat_ns?.max ?? s.lat_ns?.max) ?? 0,
        },
    };
}
/** Parses fio's --output-format=json (group reporting: one job entry). */
export function parseFioJson(stdout) {
    const start = stdout.indexOf('{');
    if (start < 0)
        throw new OpsError('internal', `fio printed no JSON: ${stdout.slice(0, 200)}`);
    const doc = JSON.parse(stdout.slice(start));
    const job = doc.jobs?.[0];
    return { version: doc['fio version'] ?? 'fio', read: job?.read, write: job?.write, error: job?.error ?? 0 };
}
export const volumeBenchmark = defineOp({
    name: 'volume_benchmark',
    verb: 'bench',
    summary: "Measure a volume's I/O (IOPS, bandwidth, latency) with fio",
    description: 'Runs fio in a helper container that mounts the volume, writing temporary files into a private directory inside it (removed afterwards). It adds load: run it off-peak on production volumes. tmpfs volumes need --no-direct.',
    effect: 'write',
    long: true,
    input: z.strictObject({
        name: volumeName.describe('volume to test'),
        host: hostField,
        rw: z.enum(['read', 'write', 'randread', 'randwrite', 'randrw', 'readwrite']).default('randrw').describe('access pattern (default randrw)'),
        bs: z.enum(['4k', '8k', '16k', '32k', '64k', '128k', '1m']).default('4k').describe('block size (default 4k)'),
        size: z.string().regex(/^\d+[kmg]$/i, 'sizes look like 256m or 1g').default('256m').describe('file size per job (default 256m)'),
        runtime: z.number().int().min(1).max(3600).default(30).describe('seconds to run (default 30)'),
        jobs: z.number().int().min(1).max(64).default(1).describe('parallel jobs (default 1)'),
        ioDepth: z.number().int().min(1).max(1024).default(16).describe('I/O depth per job (default 16)'),
        direct: z.boolean().default(true).describe('O_DIRECT, bypassing the page cache (default on; off for tmpfs)'),
        ioEngine: z.enum(['libaio', 'psync', 'io_uring', 'posixaio']).default('libaio').describe('fio I/O engine (default libaio)'),
    }),
    output: Output,
    cli: { positional: ['name'] },
    examples: ['db_data', 'db_data --rw randread --bs 4k --runtime 60 --jobs 4', 'cache --no-direct --io-engine psync'],
    async run(deps, input, ctx) {
        const engine = deps.engines.get(input.host);
        await engine.inspectVolume(input.name);
        const dir = `/data/.storage-ops-bench-${randomBytes(4).toString('hex')}`;
        const fio = [
            'fio', '--name=storage-ops', `--directory=${dir}`, `--rw=${input.rw}`, `--bs=${input.bs}`, `--size=${input.size}`,
            `--runtime=${input.runtime}`, '--time_based', `--numjobs=${input.jobs}`, `--iodepth=${input.ioDepth}`,
            `--direct=${input.direct ? 1 : 0}`, `--ioengine=${input.ioEngine}`, '--group_reporting', '--output-format=json',
        ];
        // One shell so the files go whatever fio does; the arguments above are all from fixed sets.
        const script = `mkdir -p ${dir} && ${fio.join(' ')}; rc=$?; rm -rf ${dir}; exit $rc`;
        const started = Date.now();
        const ticker = setInterval(() => {
            const done = Math.min(input.runtime, Math.round((Date.now() - started) / 1000));
            ctx.onProgress({ phase: 'benchmarking', done, total: input.runtime, unit: 'items', message: `${done}/${input.runtime}s` });
        }, 1000);
        let res;
        try {
            res = await engine.runHelperCommand({ purpose: 'bench', cmd: ['sh', '-c', script], volumes: { [input.name]: '/data' }, signal: ctx.signal });
        }
        catch (err) {
            // Killed before its own clean-up ran: remove the files with a second helper.
            await engine.runHelperCommand({ purpose: 'bench-cleanup', cmd: ['rm', '-rf', dir], volumes: { [input.name]: '/data' } }).catch(() => undefined);
            throw err;
        }
        finally {
            clearInterval(ticker);
        }
        if (res.exitCode !== 0) {
            const why = (res.stderr || res.stdout).trim().split('\n').filter(Boolean).slice(-2).join(' ');
            const hint = /O_DIRECT|Invalid argument/i.test(why)
                ? 'The volume\'s filesystem does not support O_DIRECT (tmpfs, some FUSE/NFS setups): run again with --no-direct'
                : /libaio|io_uring|ioengine/i.test(why)
                    ? 'Try --ioengine psync'
                    : /No space left/i.test(why)
                        ? 'Use a smaller --size or fewer --jobs'
                        : 'Check the volume is writable and the helper image has fio';
            throw new OpsError('unavailable', `fio failed on volume "${input.name}" (exit ${res.exitCode}): ${why}`, { hint });
        }
        const parsed = parseFioJson(res.stdout);
        return {
            host: engine.host.name,
            volume: input.name,
            fioVersion: parsed.version,
            params: { rw: input.rw, bs: input.bs, size: input.size, runtimeSec: input.runtime, jobs: input.jobs, ioDepth: input.ioDepth, direct: input.direct, ioEngine: input.ioEngine },
            read: side(parsed.read),
            write: side(parsed.write),
            elapsedSec: Math.round((Date.now() - started) / 100) / 10,
        };
    },
    view(o) {
        const p = o.params;
        const sides = ['read', 'write'].flatMap((k) => {
            const d = o[k];
            return d ? [{ k, d }] : [];
        });
        const ms = (us) => (us === null ? null : us / 1000);
        const answer = sides.map(({ k, d }) => `${k} ${d.iops} IOPS (${formatBytes(d.bandwidthBytesPerSec)}/s)`).join(', ') || 'no I/O measured';
        return {
            title: `fio benchmark of ${o.volume}`,
            summary: `Volume ${o.volume} on ${o.host}: ${answer}`,
            fields: [
                { label: 'Pattern', value: `${p.rw} ${p.bs}, ${p.jobs} job(s) x ${p.size}, depth ${p.ioDepth}, ${p.direct ? 'direct' : 'buffered'} ${p.ioEngine}` },
                { label: 'Runtime', value: p.runtimeSec * 1000, type: 'duration' },
                { label: 'Elapsed', value: o.elapsedSec * 1000, type: 'duration' },
                { label: 'fio', value: o.fioVersion },
            ],
            tables: [
                {
                    id: 'results',
                    columns: [
                        { key: 'direction', label: '', type: 'text' },
                        { key: 'iops', label: 'IOPS', type: 'count' },
                        { key: 'bandwidth', label: 'BANDWIDTH', type: 'bytes', perSecond: true },
                        { key: 'mean', label: 'LAT MEAN', type: 'duration' },
                        { key: 'p50', label: 'P50', type: 'duration' },
                        { key: 'p95', label: 'P95', type: 'duration' },
                        { key: 'p99', label: 'P99', type: 'duration' },
                        { key: 'max', label: 'MAX', type: 'duration' },
                    ],
                    rows: sides.map(({ k, d }) => ({
                        direction: k,
                        iops: d.iops,
                        bandwidth: d.bandwidthBytesPerSec,
                        mean: ms(d.latencyUs.mean),
                        p50: ms(d.latencyUs.p50),
                        p95: ms(d.latencyUs.p95),
                        p99: ms(d.latencyUs.p99),
                        max: ms(d.latencyUs.max),
                    })),
                },
            ],
            charts: sides.length ? [{ id: 'iops', title: `IOPS on ${o.volume} (${p.rw} ${p.bs})`, kind: 'bar', unit: 'count', points: sides.map(({ k, d }) => ({ x: k, value: d.iops })) }] : [],
        };
    },
});
//# sourceMappingURL=volume-benchmark.js.map