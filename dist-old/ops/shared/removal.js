/**
 * What the removal ops (rm, prune, cleanup) share: the result shape (removed, skipped with a
 * reason, failed with the engine's error), the loop that acts on exactly the previewed items and
 * keeps going when one fails, and the checks that decide whether a volume may go.
 */
import { z } from 'zod';
import { OpsError, toOpsError } from '../../core/errors.js';
import { formatBytes } from '../../core/format.js';
import { protectionReason } from './protection.js';
const ResultItem = z.object({
    kind: z.string(),
    id: z.string(),
    name: z.string(),
    sizeBytes: z.number().nullable(),
    reason: z.string().optional().describe('why it was skipped, or the error that stopped it'),
});
export const RemovalResultSchema = z.object({
    host: z.string(),
    removed: z.array(ResultItem),
    skipped: z.array(ResultItem).describe('previewed items left alone, each with the reason (in use now, already gone, protected)'),
    failed: z.array(ResultItem).describe('items the engine refused; the rest went on'),
    reclaimedBytes: z.number(),
});
/** Acts on each previewed "remove" item in order; a failure is recorded and the rest go on. */
export async function removeEach(host, preview, act, signal) {
    if (!preview)
        throw new OpsError('approval_required', 'removal ran without an approved preview');
    const result = { host, removed: [], skipped: [], failed: [], reclaimedBytes: 0 };
    for (const item of preview.items) {
        const base = { kind: item.kind, id: item.id, name: item.name, sizeBytes: item.sizeBytes };
        if (item.action !== 'remove') {
            // Left alone at preview time already: reported with the preview's reason.
            result.skipped.push({ ...base, reason: item.reason ?? item.action });
            continue;
        }
        if (signal?.aborted) {
            result.skipped.push({ ...base, reason: 'cancelled before it was reached' });
            continue;
        }
        try {
            const v = await act(item);
            if ('removed' in v) {
                result.removed.push(base);
                result.reclaimedBytes += item.sizeBytes ?? 0;
            }
            else {
                result.skipped.push({ ...base, reason: v.skipped });
            }
        }
        catch (err) {
            const e = toOpsError(err);
            if (e.code === 'not_found')
                result.skipped.push({ ...base, reason: 'already gone' });
            else if (e.code === 'conflict')
                result.skipped.push({ ...base, reason: `in use now: ${e.message}` });
            else
                result.failed.push({ ...base, reason: e.toLine() });
        }
    }
    return result;
}
const REMOVAL_TITLES = { rm: 'Volume removal', prune: 'Volume prune', cleanup: 'Clean-up' };
/** The result of rm, prune and cleanup: one line, every previewed item with what happened and why. */
export function removalView(o, verb) {
    const rows = [
        ...o.removed.map((i) => ({ result: 'removed', kind: i.kind, name: i.name, size: i.sizeBytes, why: '' })),
        ...o.skipped.map((i) => ({ result: 'skipped', kind: i.kind, name: i.name, size: i.sizeBytes, why: i.reason ?? '' })),
        ...o.failed.map((i) => ({ result: 'FAILED', kind: i.kind, name: i.name, size: i.sizeBytes, why: i.reason ?? '' })),
    ];
    const findings = o.failed.length
        ? [{ severity: 'warning', message: `${o.failed.length} item(s) could not be removed: ${o.failed.map((i) => i.name).join(', ')}`, advice: 'The rest went on; the WHY column has the engine\'s error. Fix it and run the clean-up again' }]
        : [];
    return {
        title: `${REMOVAL_TITLES[verb] ?? verb} on ${o.host}`,
        summary: `${verb} on ${o.host}: ${o.removed.length} removed (${formatBytes(o.reclaimedBytes)} reclaimed), ${o.skipped.length} skipped, ${o.failed.length} failed.`,
        tables: rows.length
            ? [
                {
                    id: 'items',
                    columns: [
                        { key: 'result', label: 'RESULT', type: 'text' },
                        { key: 'kind', label: 'KIND', type: 'text' },
                        { key: 'name', label: 'NAME', type: 'text' },
                        { key: 'size', label: 'SIZE', type: 'bytes' },
                        { key: 'why', label: 'WHY', type: 'text' },
                    ],
                    rows,
                },
            ]
            : [],
        findings,
    };
}
export function removalAuditDetail(o) {
    return {
        removed: o.removed.map((i) => `${i.kind}:${i.name}`),
        skipped: o.skipped.map((i) => `${i.kind}:${i.name} (${i.reason})`),
        failed: o.failed.map((i) => `${i.kind}:${i.name} (${i.reason})`),
        reclaimedBytes: o.reclaimedBytes,
    };
}
/** A preview over `items`: summary, total of what goes, and a note when nothing would. */
export function makePreview(summary, items, plan) {
    const go = items.filter((i) => i.action === 'remove');
    return {
        summary,
        items,
        totalBytes: go.reduce((s, i) => s + (i.sizeBytes ?? 0), 0),
        notes: go.length === 0 ? ['Nothing would be removed.'] : [],
        ...(plan ? { plan } : {}),
    };
}
/**
 * Removes a previewed volume if it may still go: not in use by any container now, and not
 * protected unless the request forced it and the approver is an admin.
 */
export async function removeVolumeIfStillFree(engine, config, name, opts = {}) {
    const v = await engine.inspectVolume(name);
    const users = usersOf(v.name, await engine.listContainers({ all: true }));
    if (users.length)
        return { skipped: `in use now by ${describeUsers(users)}` };
    const guard = protectionReason(config, v);
    if (guard && !opts.force)
        return { skipped: guard };
    if (guard && !opts.approverIsAdmin)
        return { skipped: `${guard}: only an admin may remove it` };
    await engine.removeVolume(v.name);
    return { removed: true };
}
export function describeUsers(users) {
    return users.map((c) => `${c.name} (${c.state})`).join(', ');
}
/** Containers (running or not) that mount the volume: Docker refuses to remove it while any exist. */
export function usersOf(volume, containers) {
    return containers.filter((c) => c.mounts.some((m) => m.type === 'volume' && m.name === volume));
}
/** Anonymous volumes: labelled so by Docker 23+, or named by a 64-hex id on older engines. */
export function isAnonymousVolume(v) {
    return 'com.docker.volume.anonymous' in v.labels || /^[0-9a-f]{64}$/.test(v.name);
}
//# sourceMappingURL=removal.js.map