/**
 * volume_remove: removes named volumes, after a preview and an approval. A volume any container
 * uses is never removed (the preview says which containers); a protected one needs --force and an
 * admin. At execution each volume is checked again, and one that changed is skipped, not forced.
 */
import { z } from 'zod';
import { hostField, volumeName } from '../shared/common-inputs.js';
import { defineOp } from '../../core/op.js';
import { roleOf } from '../../core/roles.js';
import { describeUsers, makePreview, RemovalResultSchema, removalAuditDetail, removeEach, removalView, removeVolumeIfStillFree, usersOf } from '../shared/removal.js';
import { protectionReason } from '../shared/protection.js';
import { volumeSizes } from './volume-usage.js';
export const volumeRemove = defineOp({
    name: 'volume_remove',
    verb: 'rm',
    summary: 'Remove volumes (preview first; needs approval)',
    description: 'Volumes used by any container, running or stopped, are left alone. Protected volumes (config `protected`) need --force, and the approval of an admin.',
    effect: 'destructive',
    input: z.strictObject({
        names: z.array(volumeName).min(1).describe('volumes to remove'),
        host: hostField,
        force: z.boolean().default(false).describe('also remove protected volumes (needs an admin)'),
    }),
    output: RemovalResultSchema,
    cli: { positional: ['names'] },
    examples: ['old_cache', 'legacy_data --force --host prod-1'],
    async preview(deps, input) {
        const engine = deps.engines.get(input.host);
        const [containers, sizes] = await Promise.all([engine.listContainers({ all: true }), volumeSizes(engine)]);
        const items = [];
        for (const name of [...new Set(input.names)]) {
            const v = await engine.inspectVolume(name);
            const base = { kind: 'volume', id: v.name, name: v.name, sizeBytes: sizes.size.get(v.name) ?? null };
            const users = usersOf(v.name, containers);
            const guard = protectionReason(deps.config, v);
            if (users.length)
                items.push({ ...base, action: 'skip', reason: `in use by ${describeUsers(users)}` });
            else if (guard && !input.force)
                items.push({ ...base, action: 'skip', reason: `${guard}; \`rm --force\`, approved by an admin, removes it` });
            else
                items.push({ ...base, action: 'remove', ...(guard ? { reason: `${guard}; removed because of --force` } : {}) });
        }
        const go = items.filter((i) => i.action === 'remove').length;
        return makePreview(`Remove ${go} of ${items.length} volume(s) on ${engine.host.name}`, items);
    },
    async run(deps, input, ctx) {
        const engine = deps.engines.get(input.host);
        const approverIsAdmin = roleOf(deps.config, ctx.actor) === 'admin';
        return removeEach(engine.host.name, ctx.preview, (item) => removeVolumeIfStillFree(engine, deps.config, item.id, { force: input.force, approverIsAdmin }), ctx.signal);
    },
    view: (o) => removalView(o, 'rm'),
    // Named volumes that stay are a failure of what was asked, as with `docker volume rm`.
    shortfall(o) {
        const left = [...o.skipped, ...o.failed];
        if (left.length === 0)
            return null;
        return `${left.length} volume(s) not removed: ${left.map((i) => `${i.name} (${i.reason ?? 'not removed'})`).join('; ')}`;
    },
    auditDetail: removalAuditDetail,
});
//# sourceMappingURL=volume-remove.js.map