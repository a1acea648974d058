/**
 * Joins volumes with what uses them and how big they are: containers from the engine's container
 * list, sizes from its disk-usage report. Shared by the volume ops so they agree with each other.
 */
import { z } from 'zod';
export const VolumeUserSchema = z.object({
    id: z.string().describe('container id'),
    name: z.string().describe('container name'),
    state: z.string().describe('running, exited, ...'),
    mountPath: z.string().describe('where the volume is mounted in the container'),
    readOnly: z.boolean(),
});
export function usersByVolume(containers) {
    const map = new Map();
    for (const c of containers) {
        for (const m of c.mounts) {
            if (m.type !== 'volume' || !m.name)
                continue;
            const list = map.get(m.name) ?? [];
            list.push({ id: c.id.slice(0, 12), name: c.name, state: c.state, mountPath: m.destination, readOnly: m.readOnly });
            map.set(m.name, list);
        }
    }
    return map;
}
/** Sizes come from `system df`, which walks every local volume: callers may skip it. */
export async function volumeSizes(engine) {
    const df = await engine.systemDf();
    return {
        size: new Map(df.volumes.map((v) => [v.name, v.size])),
        refCount: new Map(df.volumes.map((v) => [v.name, v.refCount])),
    };
}
//# sourceMappingURL=volume-usage.js.map