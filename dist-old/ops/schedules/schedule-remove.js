/**
 * schedule_remove: removes a schedule added at runtime (config schedules are removed from the
 * config file). Its run history goes with it; a run in progress finishes.
 */
import { z } from 'zod';
import { OpsError } from '../../core/errors.js';
import { defineOp } from '../../core/op.js';
import { scheduleData } from './schedule-store.js';
export const scheduleRemove = defineOp({
    name: 'schedule_remove',
    verb: 'schedule rm',
    summary: 'Remove a schedule added at runtime; a running serve stops running it within seconds',
    effect: 'write',
    requiredRole: 'admin',
    input: z.strictObject({ name: z.string().min(1).describe('schedule to remove') }),
    output: z.object({ removed: z.string(), message: z.string() }),
    cli: { positional: ['name'] },
    examples: ['nightly-db'],
    async run(deps, input) {
        if (deps.config.schedules.some((s) => s.name === input.name)) {
            throw new OpsError('conflict', `schedule "${input.name}" is defined in the config file, so it cannot be removed at runtime`, {
                hint: 'Remove it from the config\'s "schedules" and restart serve',
            });
        }
        await deps.state.update((data) => {
            const sd = scheduleData(data);
            const before = sd.added.length;
            sd.added = sd.added.filter((s) => s.name !== input.name);
            if (sd.added.length === before) {
                throw new OpsError('not_found', `no schedule "${input.name}"`, { hint: '`storage-ops schedules` lists them' });
            }
            const st = sd.status[input.name];
            if (st && !st.current)
                delete sd.status[input.name];
        });
        return { removed: input.name, message: `schedule ${input.name} removed` };
    },
    view: (o) => ({ title: `Schedule ${o.removed} removed`, summary: o.message }),
});
//# sourceMappingURL=schedule-remove.js.map