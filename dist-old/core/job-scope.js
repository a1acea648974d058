/**
 * The job a piece of work belongs to, carried through async calls (AsyncLocalStorage) so layers
 * below the kernel can name it without every port taking a job id: the engine labels helper
 * containers with it, so a leftover helper says which job made it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
const scope = new AsyncLocalStorage();
/** Runs `fn` with `jobId` as the current job (the job runner wraps each job's run in this). */
export function runInJobScope(jobId, fn) {
    return scope.run({ jobId }, fn);
}
/** The job the current call belongs to, or null outside any job. */
export function currentJobId() {
    return scope.getStore()?.jobId ?? null;
}
//# sourceMappingURL=job-scope.js.map