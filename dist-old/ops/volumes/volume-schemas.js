/**
 * Output shapes shared by the volume ops, declared once.
 */
import { z } from 'zod';
import { VolumeUserSchema } from './volume-usage.js';
export const VolumeInfoSchema = z.object({
    name: z.string(),
    driver: z.string(),
    scope: z.string(),
    createdAt: z.string().nullable(),
    mountpoint: z.string().describe('path on the engine host'),
    labels: z.record(z.string(), z.string()),
    options: z.record(z.string(), z.string()).describe('driver options (for example NFS type/o/device)'),
    size: z.number().nullable().describe('bytes; null when not computed or the driver cannot tell'),
    refCount: z.number().int().describe('containers (running or not) that reference the volume'),
    usedBy: z.array(VolumeUserSchema),
});
//# sourceMappingURL=volume-schemas.js.map