/**
 * The clock schedules run on, as a port: node-cron in serve (the only place it is loaded), a
 * hand-driven fake in tests, so "the cron fired" is something a test does, not waits for.
 */
import { createTask, validateDetailed } from 'node-cron';
export const nodeCron = {
    schedule(expression, timezone, fire) {
        // Overlap is prevented by the schedule's claim in the state file (it also covers runs from
        // other processes), so node-cron only tells us the time has come.
        const task = createTask(expression, () => fire(), { ...(timezone ? { timezone } : {}), suppressMissedWarning: true });
        void task.start();
        return {
            nextRun: () => task.getNextRun(),
            stop: () => void task.destroy(),
        };
    },
    problem(expression) {
        const v = validateDetailed(expression);
        return v.valid ? null : v.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'invalid';
    },
};
//# sourceMappingURL=cron-port.js.map