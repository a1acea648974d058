import { LABEL_HELPER, LABEL_VOLUME, HELPER_MAX_AGE_MS, describeOwner, ownerState } from './helper-owner.js';
/**
 * Purposes that only run inside a backup or restore, which hold the volume's lock for their whole
 * life: whoever holds the lock now knows any other such helper on that volume is a leftover.
 */
export const LOCKED_PURPOSES = new Set(['backup-read', 'restore-write', 'restore-clear', 'restore-root']);
export function toHelperContainer(c) {
    const labels = (c.Labels && typeof c.Labels === 'object' ? c.Labels : {});
    const mounts = Array.isArray(c.Mounts) ? c.Mounts : [];
    const fromMounts = mounts.filter((m) => m.Type === 'volume' && typeof m.Name === 'string').map((m) => String(m.Name));
    const names = Array.isArray(c.Names) ? c.Names : [];
    return {
        id: String(c.Id ?? ''),
        name: (names[0] ?? '').replace(/^\//, ''),
        purpose: labels[LABEL_HELPER] ?? '',
        volumes: fromMounts.length ? fromMounts : (labels[LABEL_VOLUME] ?? '').split(',').filter(Boolean),
        labels,
        createdMs: typeof c.Created === 'number' ? c.Created * 1000 : 0,
        state: String(c.State ?? ''),
    };
}
export async function listHelperContainers(docker) {
    const list = (await docker.listContainers({ all: true, filters: { label: [LABEL_HELPER] } }));
    return list.map(toHelperContainer);
}
/** Why this helper is a leftover, or null when it may still be in use. */
export function leftoverReason(h, scope) {
    const state = (scope.stateOf ?? ownerState)(h.labels);
    if (state === 'ours' || state === 'alive')
        return null;
    if (state === 'dead')
        return `its owner (${describeOwner(h.labels)}) is gone`;
    if (scope.lockedVolume !== undefined && LOCKED_PURPOSES.has(h.purpose) && h.volumes.includes(scope.lockedVolume)) {
        return `we hold the lock of volume ${scope.lockedVolume}, so its owner (${describeOwner(h.labels)}) no longer runs there`;
    }
    const age = scope.now - h.createdMs;
    if (h.createdMs > 0 && age > HELPER_MAX_AGE_MS)
        return `it is ${Math.round(age / 3600_000)} h old, older than any run (owner ${describeOwner(h.labels)})`;
    return null;
}
/** Removes the leftovers among the engine's helpers (or those mounting `lockedVolume`); returns what went. */
export async function sweepHelpers(docker, scope) {
    const helpers = await listHelperContainers(docker);
    const removed = [];
    for (const h of helpers) {
        const reason = leftoverReason(h, scope);
        if (!reason)
            continue;
        try {
            await docker.getContainer(h.id).remove({ force: true, v: true });
        }
        catch (err) {
            // Another process sweeping at the same moment got there first (gone, or being removed).
            const code = err.statusCode;
            if (code !== 404 && code !== 409)
                throw err;
        }
        removed.push({ name: h.name, purpose: h.purpose, volumes: h.volumes, reason });
    }
    return removed;
}
//# sourceMappingURL=helper-sweep.js.map