/**
 * volume_prune: removes unused volumes, like `docker volume prune`, but safely: the preview lists
 * exactly what would go with each size, and why the others stay (in use, protected, named
 * without --all); the approved set is acted on and nothing newer is ever added.
 */
import { z } from 'zod';
import { hostField, labelFilter } from '../shared/common-inputs.js';
import { defineOp } from '../../core/op.js';
import { describeUsers, isAnonymousVolume, makePreview, RemovalResultSchema, removalAuditDetail, removeEach, removalView, removeVolumeIfStillFree, usersOf } from '../shared/removal.js';
import { protectionReason } from '../shared/protection.js';
import { volumeSizes } from './volume-usage.js';
export const volumePrune = defineOp({
    name: 'volume_prune',
    verb: 'prune',
    summary: 'Remove unused volumes (anonymous ones, or all with --all); preview first',
    description: 'Like `docker volume prune`: without --all only anonymous volumes go. Protected volumes and volumes any container uses are never removed; the preview says why each one stays.',
    effect: 'destructive',
    long: true,
    input: z.strictObject({
        host: hostField,
        label: z.array(labelFilter).optional().describe('only volumes with this label ("key" or "key=value"); repeat to require several'),
        all: z.boolean().default(false).describe('also remove unused named volumes, not only anonymous ones'),
    }),
    output: RemovalResultSchema,
    examples: ['', '--label environment=testing --all'],
    async preview(deps, input) {
        const engine = deps.engines.get(input.host);
        const [volumes, containers, sizes] = await Promise.all([
            engine.listVolumes({ label: input.label }),
            engine.listContainers({ all: true }),
            volumeSizes(engine),
        ]);
        const items = volumes.map((v) => {
            const base = { kind: 'volume', id: v.name, name: v.name, sizeBytes: sizes.size.get(v.name) ?? null };
            const users = usersOf(v.name, containers);
            const guard = protectionReason(deps.config, v);
            if (users.length)
                return { ...base, action: 'skip', reason: `in use by ${describeUsers(users)}` };
            if (guard)
                return { ...base, action: 'skip', reason: guard };
            if (!input.all && !isAnonymousVolume(v))
                return { ...base, action: 'skip', reason: 'named volume (add --all to include named volumes)' };
            return { ...base, action: 'remove' };
        });
        const go = items.filter((i) => i.action === 'remove').length;
        return makePreview(`Prune ${go} unused volume(s) on ${engine.host.name}${input.label?.length ? ` with label ${input.label.join(', ')}` : ''}`, items);
    },
    async run(deps, input, ctx) {
        const engine = deps.engines.get(input.host);
        return removeEach(engine.host.name, ctx.preview, (item) => removeVolumeIfStillFree(engine, deps.config, item.id), ctx.signal);
    },
    view: (o) => removalView(o, 'prune'),
    auditDetail: removalAuditDetail,
});
//# sourceMappingURL=volume-prune.js.map