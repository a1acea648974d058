export class OpsError extends Error {
    name = 'OpsError';
    code;
    hint;
    constructor(code, message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.code = code;
        this.hint = options.hint;
    }
    /** One line for terminals, chat and logs: "what failed: why. Try: what to do." */
    toLine() {
        return this.hint ? `${this.message}. ${this.hint}` : this.message;
    }
}
export function isOpsError(err) {
    return err instanceof OpsError;
}
/** Wraps anything thrown into an OpsError so adapters have one shape to render. */
export function toOpsError(err, context) {
    if (err instanceof OpsError)
        return err;
    if (err instanceof DOMException && err.name === 'AbortError') {
        return new OpsError('cancelled', context ? `${context}: cancelled` : 'cancelled');
    }
    const detail = err instanceof Error ? err.message : String(err);
    return new OpsError('internal', context ? `${context}: ${detail}` : detail, { cause: err });
}
/** Process exit status per error code: 2 for usage problems, 3 for "needs approval", 130 when cancelled (Ctrl-C), 1 otherwise. */
export function exitCodeFor(err) {
    if (err.code === 'invalid_input')
        return 2;
    if (err.code === 'cancelled')
        return 130;
    if (err.code === 'approval_required')
        return 3;
    return 1;
}
//# sourceMappingURL=errors.js.map