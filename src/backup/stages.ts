/**
 * Runs a chain of streams (stream.pipeline) and says which stage failed first, so errors can
 * name the real cause (the engine stopped sending, the store is full, the archive is damaged)
 * instead of the knock-on "premature close" of every other stage.
 */
import type { Stream } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OpsError } from '../core/errors.js';

export interface Stage {
  name: string;
  stream: NodeJS.ReadableStream | NodeJS.WritableStream | Stream;
}

export class StageError extends Error {
  constructor(
    readonly stage: string,
    override readonly cause: unknown,
  ) {
    super(`${stage}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export function isAbort(err: unknown): boolean {
  const e = err as { name?: string; code?: string } | null;
  return (err instanceof OpsError && err.code === 'cancelled') || e?.name === 'AbortError' || e?.code === 'ABORT_ERR';
}

export async function runStages(stages: Stage[], signal: AbortSignal): Promise<void> {
  let first: StageError | null = null;
  for (const s of stages) {
    // `on`, not `once`: a stage may fail twice (a child's EPIPE, then its exit status), and an
    // 'error' nobody listens to would end the whole process.
    (s.stream as Stream).on('error', (err: unknown) => {
      first ??= new StageError(s.name, err);
    });
  }
  try {
    await pipeline(stages.map((s) => s.stream) as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream], { signal });
  } catch (err) {
    if (signal.aborted) throw new StageError('cancelled', err);
    throw first ?? new StageError('pipeline', err);
  }
}

/** A short description of a node/system error: "ENOSPC: no space left on device". */
export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof OpsError) return err.message;
  return e?.code ? `${e.code}${e.message && !e.message.startsWith(e.code) ? `: ${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}` : ''}` : String(e?.message ?? err);
}
