/**
 * The one error type every layer throws: a stable code for machines, a message that says what
 * failed and why, and a hint that says what to try. Adapters render it; nobody parses messages.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'busy'
  | 'forbidden'
  | 'approval_required'
  | 'unavailable'
  | 'config'
  | 'cancelled'
  /** Stored data failed an integrity check (checksum, authentication, structure). */
  | 'corrupt'
  | 'internal';

export class OpsError extends Error {
  override readonly name = 'OpsError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  /** One line for terminals, chat and logs: "what failed: why. Try: what to do." */
  toLine(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

export function isOpsError(err: unknown): err is OpsError {
  return err instanceof OpsError;
}

/** Wraps anything thrown into an OpsError so adapters have one shape to render. */
export function toOpsError(err: unknown, context?: string): OpsError {
  if (err instanceof OpsError) return err;
  if (err instanceof DOMException && err.name === 'AbortError') {
    return new OpsError('cancelled', context ? `${context}: cancelled` : 'cancelled');
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new OpsError('internal', context ? `${context}: ${detail}` : detail, { cause: err });
}

/**
 * Process exit status per error code: 2 for usage problems (bad input, an unknown host, a bad
 * configuration), 3 for "needs approval", 130 when cancelled (Ctrl-C), 1 otherwise.
 */
export function exitCodeFor(err: OpsError): number {
  if (err.code === 'invalid_input' || err.code === 'config') return 2;
  if (err.code === 'cancelled') return 130;
  if (err.code === 'approval_required') return 3;
  return 1;
}
