/**
 * Input fields shared by many ops, declared once so their rules and descriptions never drift.
 */
import { z } from 'zod';
import { VOLUME_NAME_PATTERN } from '../../core/names.js';
export { VOLUME_NAME_PATTERN };
export const volumeName = z
    .string()
    .regex(VOLUME_NAME_PATTERN, 'volume names are two or more of [a-zA-Z0-9_.-], starting with a letter or digit')
    .max(255, 'volume names are at most 255 characters');
export const hostField = z
    .string()
    .min(1)
    .optional()
    .describe('engine to act on (a name from `storage-ops hosts`); the default host when omitted');
/** "key" or "key=value", as `docker volume ls --filter label=...` takes it. */
export const labelFilter = z
    .string()
    .regex(/^[^=\s][^=]*(=.*)?$/, 'label filters are "key" or "key=value"');
/** A k=v map for labels and driver options. */
export const stringMap = z.record(z.string().min(1), z.string());
//# sourceMappingURL=common-inputs.js.map