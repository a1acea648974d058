import { pipeline } from 'node:stream/promises';
import { OpsError } from '../core/errors.js';
export class StageError extends Error {
    stage;
    cause;
    constructor(stage, cause) {
        super(`${stage}: ${cause instanceof Error ? cause.message : String(cause)}`);
        this.stage = stage;
        this.cause = cause;
    }
}
export function isAbort(err) {
    const e = err;
    return (err instanceof OpsError && err.code === 'cancelled') || e?.name === 'AbortError' || e?.code === 'ABORT_ERR';
}
export async function runStages(stages, signal) {
    let first = null;
    for (const s of stages) {
        s.stream.once('error', (err) => {
            first ??= new StageError(s.name, err);
        });
    }
    try {
        await pipeline(stages.map((s) => s.stream), { signal });
    }
    catch (err) {
        if (signal.aborted)
            throw new StageError('cancelled', err);
        throw first ?? new StageError('pipeline', err);
    }
}
/** A short description of a node/system error: "ENOSPC: no space left on device". */
export function errnoText(err) {
    const e = err;
    if (err instanceof OpsError)
        return err.message;
    return e?.code ? `${e.code}${e.message && !e.message.startsWith(e.code) ? `: ${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}` : ''}` : String(e?.message ?? err);
}
//# sourceMappingURL=stages.js.map