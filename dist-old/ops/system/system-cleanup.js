/**
 * system_cleanup: the seed's §7.2 clean-up script done safely. One switch per kind (build cache,
 * images dangling or unused and older than, stopped containers older than, unused networks,
 * volumes only when asked); without switches it cleans what the script cleaned by default
 * (containers stopped > 2 days, dangling images > 7 days, build cache, networks). The preview
 * lists every item with its size; execution removes containers first (so the images they held
 * can go), then images, networks, build cache and volumes, re-checking each one.
 */
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { hostField } from '../shared/common-inputs.js';
import { shortId } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
import { describeUsers, makePreview, RemovalResultSchema, removalAuditDetail, removeEach, removalView, removeVolumeIfStillFree, usersOf } from '../shared/removal.js';
import { protectionReason } from '../shared/protection.js';
const duration = z
    .string()
    .regex(/^\d+(m|h|d|w)$/, 'durations look like 30m, 24h, 7d or 2w')
    .describe('age, e.g. 24h or 7d');
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
export function durationMs(d) {
    const m = /^(\d+)(m|h|d|w)$/.exec(d);
    if (!m)
        throw new OpsError('invalid_input', `"${d}" is not a duration like 24h or 7d`);
    return Number(m[1]) * (UNIT_MS[m[2] ?? 'd'] ?? 0);
}
const STOPPED = new Set(['exited', 'created', 'dead']);
export const systemCleanup = defineOp({
    name: 'system_cleanup',
    verb: 'cleanup',
    summary: 'Clean up build cache, images, stopped containers, networks (volumes opt-in); preview first',
    description: 'Without kind switches: stopped containers older than 2d, dangling images older than 7d, all unused build cache and unused networks, as the classic clean-up script did. Volumes are only included with --volumes, and protected or used volumes never.',
    effect: 'destructive',
    long: true,
    input: z.strictObject({
        host: hostField,
        buildCache: z.boolean().optional().describe('remove unused build cache'),
        images: z.enum(['dangling', 'unused']).optional().describe('remove dangling (untagged) images, or every image no container uses'),
        imagesOlderThan: duration.default('7d').describe('only images created before this age (default 7d)'),
        containers: z.boolean().optional().describe('remove stopped containers (exited, created, dead)'),
        containersOlderThan: duration.default('2d').describe('only containers created before this age (default 2d)'),
        networks: z.boolean().optional().describe('remove networks no container is attached to'),
        volumes: z.boolean().default(false).describe('also remove unused, unprotected volumes'),
    }),
    output: RemovalResultSchema,
    examples: ['', '--images unused --images-older-than 24h', '--build-cache', '--containers --containers-older-than 12h --networks'],
    async preview(deps, input) {
        const engine = deps.engines.get(input.host);
        const now = deps.now();
        const explicit = input.buildCache !== undefined || input.images !== undefined || input.containers !== undefined || input.networks !== undefined;
        const want = {
            buildCache: explicit ? input.buildCache === true : true,
            images: explicit ? input.images : 'dangling',
            containers: explicit ? input.containers === true : true,
            networks: explicit ? input.networks === true : true,
            volumes: input.volumes,
        };
        const [containers, images, df] = await Promise.all([engine.listContainers({ all: true }), engine.listImages(), engine.systemDf()]);
        const items = [];
        const goingContainers = new Set();
        if (want.containers) {
            const cutoff = now.getTime() - durationMs(input.containersOlderThan);
            const sizeOf = new Map(df.containers.map((c) => [c.id, c.sizeRw]));
            for (const c of containers) {
                if (!STOPPED.has(c.state))
                    continue;
                if (Date.parse(c.created) > cutoff)
                    continue;
                goingContainers.add(c.id);
                items.push({ kind: 'container', id: c.id, name: c.name, sizeBytes: sizeOf.get(c.id) ?? 0, action: 'remove', reason: `${c.state}, created ${c.created}` });
            }
        }
        if (want.images) {
            const cutoff = now.getTime() - durationMs(input.imagesOlderThan);
            const unique = new Map(df.images.map((i) => [i.id, i.sharedSize >= 0 ? i.size - i.sharedSize : i.size]));
            for (const img of images) {
                if (want.images === 'dangling' && !img.dangling)
                    continue;
                if (Date.parse(img.created) > cutoff)
                    continue;
                const base = { kind: 'image', id: img.id, name: img.repoTags[0] ?? `<none> ${shortId(img.id)}`, sizeBytes: unique.get(img.id) ?? img.size };
                // Containers removed in this same clean-up release their images first.
                const holders = containers.filter((c) => c.imageId === img.id && !goingContainers.has(c.id));
                if (holders.length)
                    items.push({ ...base, action: 'skip', reason: `used by ${describeUsers(holders)}` });
                else
                    items.push({ ...base, action: 'remove' });
            }
        }
        if (want.networks) {
            for (const n of await engine.listNetworks()) {
                if (n.builtIn)
                    continue;
                if (n.containers > 0)
                    items.push({ kind: 'network', id: n.id, name: n.name, sizeBytes: 0, action: 'skip', reason: `${n.containers} container(s) attached` });
                else
                    items.push({ kind: 'network', id: n.id, name: n.name, sizeBytes: 0, action: 'remove' });
            }
        }
        if (want.buildCache) {
            for (const b of df.buildCache) {
                const base = { kind: 'build_cache', id: b.id, name: `${b.type} ${b.description || b.id.slice(0, 12)}`.trim(), sizeBytes: b.shared ? 0 : b.size };
                if (b.inUse)
                    items.push({ ...base, action: 'skip', reason: 'in use by a running build' });
                else
                    items.push({ ...base, action: 'remove', ...(b.shared ? { reason: 'shared with an image: frees nothing by itself' } : {}) });
            }
        }
        if (want.volumes) {
            const sizeOf = new Map(df.volumes.map((v) => [v.name, v.size]));
            for (const v of await engine.listVolumes()) {
                const base = { kind: 'volume', id: v.name, name: v.name, sizeBytes: sizeOf.get(v.name) ?? null };
                const users = usersOf(v.name, containers).filter((c) => !goingContainers.has(c.id));
                const guard = protectionReason(deps.config, v);
                if (guard)
                    items.push({ ...base, action: 'skip', reason: guard });
                else if (users.length)
                    items.push({ ...base, action: 'skip', reason: `in use by ${describeUsers(users)}` });
                else
                    items.push({ ...base, action: 'remove' });
            }
        }
        const go = items.filter((i) => i.action === 'remove').length;
        const kinds = Object.entries(want).filter(([, v]) => v).map(([k, v]) => (k === 'images' ? `${v} images` : k)).join(', ');
        // Build cache can only be pruned by age; records used after this moment are kept.
        return makePreview(`Clean up ${go} item(s) on ${engine.host.name} (${kinds})`, items, { buildCacheCutoff: now.toISOString() });
    },
    async run(deps, input, ctx) {
        const engine = deps.engines.get(input.host);
        const preview = ctx.preview;
        const order = ['container', 'image', 'network', 'build_cache', 'volume'];
        const ordered = preview ? { ...preview, items: [...preview.items].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind)) } : undefined;
        let buildCacheDeleted = null;
        const result = await removeEach(engine.host.name, ordered, async (item) => {
            switch (item.kind) {
                case 'container': {
                    const now = (await engine.listContainers({ all: true })).find((c) => c.id === item.id);
                    if (!now)
                        return { skipped: 'already gone' };
                    if (!STOPPED.has(now.state))
                        return { skipped: `now ${now.state}` };
                    await engine.removeContainer(item.id);
                    return { removed: true };
                }
                case 'image': {
                    const img = (await engine.listImages()).find((i) => i.id === item.id);
                    if (!img)
                        return { skipped: 'already gone' };
                    if (input.images === 'dangling' || input.images === undefined) {
                        if (!img.dangling)
                            return { skipped: `tagged since the preview (${img.repoTags.join(', ')})` };
                    }
                    const holders = (await engine.listContainers({ all: true })).filter((c) => c.imageId === item.id);
                    if (holders.length)
                        return { skipped: `used now by ${describeUsers(holders)}` };
                    await engine.removeImage(item.id);
                    return { removed: true };
                }
                case 'network': {
                    const n = (await engine.listNetworks()).find((x) => x.id === item.id);
                    if (!n)
                        return { skipped: 'already gone' };
                    if (n.containers > 0)
                        return { skipped: `${n.containers} container(s) attached now` };
                    await engine.removeNetwork(item.id);
                    return { removed: true };
                }
                case 'build_cache': {
                    if (!buildCacheDeleted) {
                        const cutoff = new Date(String(ctx.preview?.plan?.buildCacheCutoff ?? deps.now().toISOString()));
                        buildCacheDeleted = new Set((await engine.pruneBuildCache(cutoff)).deleted);
                    }
                    return buildCacheDeleted.has(item.id) ? { removed: true } : { skipped: 'used since the preview, or removed with its parent' };
                }
                case 'volume':
                    return removeVolumeIfStillFree(engine, deps.config, item.id);
                default:
                    return { skipped: `unknown kind ${item.kind}` };
            }
        }, ctx.signal);
        const cleaned = buildCacheDeleted;
        if (cleaned) {
            const previewed = new Set(preview?.items.filter((i) => i.kind === 'build_cache').map((i) => i.id) ?? []);
            const extra = [...cleaned].filter((id) => !previewed.has(id));
            // The engine prunes build cache by age only; report anything it took beyond the preview.
            for (const id of extra)
                result.failed.push({ kind: 'build_cache', id, name: id, sizeBytes: null, reason: 'removed by the engine although not in the preview (a record last used before the preview that the preview did not list)' });
        }
        return result;
    },
    view: (o) => removalView(o, 'cleanup'),
    auditDetail: removalAuditDetail,
});
//# sourceMappingURL=system-cleanup.js.map