import { followJob, submitOp } from '../../core/approvals.js';
import { toOpsError } from '../../core/errors.js';
import { formatBytes } from '../../core/format.js';
import { jobOutcome } from '../../core/jobs.js';
import { grantPolicy } from '../../core/policy.js';
import { systemCleanup } from '../system/system-cleanup.js';
import { nextLevel } from './monitor-level.js';
import { scheduleData, statusOf } from './schedule-store.js';
import { recordUsage } from './usage-history.js';
/** What the automatic clean-up may remove: build cache and dangling images of any age, nothing else. */
export const AUTO_CLEANUP_INPUT = { buildCache: true, images: 'dangling', imagesOlderThan: '0m', containers: false, networks: false, volumes: false };
export async function runMonitor(deps, spec, ctx) {
    const engine = deps.engines.get(spec.host);
    const host = engine.host.name;
    const info = await engine.info();
    const fs = await engine.filesystemUsage(info.dockerRootDir, ctx.signal);
    const capacity = fs.usedBytes + fs.availableBytes;
    const usedPercent = capacity > 0 ? Math.round((fs.usedBytes / capacity) * 1000) / 10 : 0;
    const now = deps.now();
    await recordUsage(deps, host, { at: now.toISOString(), usedBytes: fs.usedBytes, capacityBytes: capacity });
    const levels = {
        warnPercent: spec.warnPercent ?? deps.config.thresholds.warnPercent,
        criticalPercent: spec.criticalPercent ?? deps.config.thresholds.criticalPercent,
        marginPercent: spec.recoverMarginPercent,
    };
    const { previous, level } = await deps.state.update((data) => {
        const st = statusOf(scheduleData(data), spec.name);
        const before = st.monitor?.level ?? 'ok';
        const after = nextLevel(before, usedPercent, levels);
        st.monitor = { level: after, usedPercent, at: now.toISOString() };
        return { previous: before, level: after };
    });
    const changed = level !== previous;
    const findings = [];
    const notes = [];
    let cleanup = null;
    if (changed && level === 'critical' && spec.autoCleanup) {
        try {
            const submitted = await submitOp(deps, systemCleanup, { host, ...AUTO_CLEANUP_INPUT }, { actor: ctx.actor, grant: grantPolicy(`schedule:${spec.name}`), signal: ctx.signal });
            const approval = submitted.approval;
            if (approval) {
                notes.push(`Automatic clean-up (policy schedule:${spec.name}, request ${approval.id}): ${approval.preview.summary}`);
                for (const i of approval.preview.items.filter((x) => x.action === 'remove').slice(0, 20))
                    notes.push(`  remove ${i.kind} ${i.name} (${formatBytes(i.sizeBytes)})`);
            }
            const out = (submitted.kind === 'job' ? jobOutcome(await followJob(deps, submitted.job, { actor: ctx.actor, signal: ctx.signal })) : submitted.kind === 'done' ? submitted.output : null);
            if (out) {
                cleanup = { approval: approval?.id ?? '', removed: out.removed.length, reclaimedBytes: out.reclaimedBytes };
                notes.push(`Clean-up removed ${out.removed.length} item(s), ${formatBytes(out.reclaimedBytes)} reclaimed; volumes are never touched.`);
            }
        }
        catch (err) {
            cleanup = { error: toOpsError(err).toLine() };
            findings.push({ severity: 'warning', message: `automatic clean-up failed: ${cleanup.error}` });
        }
    }
    const what = level === 'ok'
        ? changed
            ? `recovered: root filesystem back to ${usedPercent} % (below ${levels.warnPercent - levels.marginPercent} %)`
            : `ok at ${usedPercent} %`
        : `${level}: root filesystem ${usedPercent} % used (${level} at ${level === 'critical' ? levels.criticalPercent : levels.warnPercent} %)`;
    if (level !== 'ok') {
        findings.unshift({ severity: level, message: `${fs.path} on ${host}: ${formatBytes(fs.usedBytes)} of ${formatBytes(capacity)} used, ${formatBytes(fs.availableBytes)} free`, advice: '`storage-ops report` shows what takes the space; `storage-ops cleanup` previews what can go' });
    }
    const view = {
        title: `Disk monitor ${spec.name} on ${host}`,
        summary: `${changed ? `${previous} → ${level}` : `still ${level}`}: ${what}`,
        fields: [
            { label: 'Used', value: usedPercent, type: 'percent' },
            { label: 'Level', value: level },
            { label: 'Previous level', value: previous },
            { label: 'Thresholds', value: `warn ${levels.warnPercent} %, critical ${levels.criticalPercent} %, recover ${levels.marginPercent} % below` },
        ],
        findings,
        notes,
    };
    return { view, post: changed, details: { host, usedPercent, level, previous, changed, cleanup } };
}
//# sourceMappingURL=kind-monitor.js.map