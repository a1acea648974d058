/**
 * driver_inspect: the engine's storage driver, each DriverStatus entry in plain words, findings
 * with a severity, and a recommendation (seed §1.2, §2.1).
 */
import { z } from 'zod';
import { hostField } from '../shared/common-inputs.js';
import { DRIVER_PROFILES, driverFindings, explainStatus, recommendation } from './driver-knowledge.js';
import { defineOp } from '../../core/op.js';
export const FindingSchema = z.object({
    severity: z.enum(['info', 'warning', 'critical']),
    code: z.string().describe('stable identifier of the finding'),
    message: z.string(),
    advice: z.string(),
});
const Output = z.object({
    host: z.string(),
    driver: z.string(),
    serverVersion: z.string(),
    kernelVersion: z.string(),
    operatingSystem: z.string(),
    dockerRootDir: z.string(),
    status: z.array(z.object({ key: z.string(), value: z.string(), meaning: z.string() })).describe('DriverStatus entries explained'),
    profile: z
        .object({ useCase: z.string(), performance: z.string(), stability: z.string(), platforms: z.string(), notes: z.string() })
        .nullable()
        .describe("the driver's row of the comparison table"),
    findings: z.array(FindingSchema),
    recommendation: z.string(),
});
export const driverInspect = defineOp({
    name: 'driver_inspect',
    verb: 'driver',
    summary: 'Show the storage driver, explain its status, and flag problems',
    description: 'Reads `docker info` through the engine: driver, DriverStatus (backing filesystem, d_type, native overlay diff, userxattr, metacopy, thin-pool figures...), DockerRootDir, then checks for known problems (d_type, loop-lvm, deprecated drivers, old kernels).',
    effect: 'read',
    input: z.strictObject({ host: hostField }),
    output: Output,
    examples: ['', '--host prod-1'],
    async run(deps, input) {
        const engine = deps.engines.get(input.host);
        const info = await engine.info();
        const findings = driverFindings(info);
        return {
            host: engine.host.name,
            driver: info.driver,
            serverVersion: info.serverVersion,
            kernelVersion: info.kernelVersion,
            operatingSystem: info.operatingSystem,
            dockerRootDir: info.dockerRootDir,
            status: info.driverStatus.map(([key, value]) => ({ key, value, meaning: explainStatus(key, value) })),
            profile: DRIVER_PROFILES[info.driver.replace('-', '_')] ?? null,
            findings,
            recommendation: recommendation(info, findings),
        };
    },
    view(o) {
        const counts = ['critical', 'warning', 'info']
            .map((sev) => [sev, o.findings.filter((f) => f.severity === sev).length])
            .filter(([, n]) => n > 0)
            .map(([sev, n]) => `${n} ${sev}`);
        return {
            title: `Storage driver on ${o.host}`,
            summary: `Host ${o.host}: storage driver ${o.driver} (engine ${o.serverVersion}, kernel ${o.kernelVersion}) — ${counts.length ? `findings: ${counts.join(', ')}` : 'no findings'}`,
            fields: [
                { label: 'DockerRootDir', value: o.dockerRootDir },
                { label: 'Operating system', value: o.operatingSystem },
                ...(o.profile
                    ? [
                        { label: 'Use case', value: o.profile.useCase },
                        { label: 'Performance', value: o.profile.performance },
                        { label: 'Stability', value: o.profile.stability },
                        { label: 'Notes', value: o.profile.notes },
                    ]
                    : []),
                { label: 'Recommendation', value: o.recommendation },
            ],
            tables: o.status.length
                ? [
                    {
                        id: 'status',
                        columns: [
                            { key: 'key', label: 'STATUS', type: 'text' },
                            { key: 'value', label: 'VALUE', type: 'text' },
                            { key: 'meaning', label: 'MEANING', type: 'text' },
                        ],
                        rows: o.status.map((s) => ({ key: s.key, value: s.value, meaning: s.meaning })),
                    },
                ]
                : [],
            findings: o.findings.map((f) => ({ severity: f.severity, message: f.message, advice: f.advice })),
        };
    },
});
//# sourceMappingURL=driver-inspect.js.map