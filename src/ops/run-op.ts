/**
 * runOp: the single door every adapter uses to run an op. It validates input against the op's
 * schema, enforces the effect policy (destructive ops need confirmation), writes the audit trail
 * (a "started" entry before any write, a "finished" entry always), runs the op and checks its
 * output against the declared schema so MCP's structured output is never a lie.
 */
import { z } from 'zod';
import { OpsError, toOpsError } from '../errors.js';
import { appendAudit } from './audit.js';
import type { Actor, Op, OpContext, Progress } from './op.js';
import type { Deps } from './ports.js';

export interface RunOptions {
  actor: Actor;
  /**
   * Explicit local confirmation for a destructive op (the CLI's --yes). The approvals feature
   * replaces this with an approval record; until then nothing destructive runs without it.
   */
  confirmed?: boolean;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export async function runOp<I extends z.ZodObject, O extends z.ZodType>(
  deps: Deps,
  op: Op<I, O>,
  rawInput: unknown,
  opts: RunOptions,
): Promise<z.output<O>> {
  const started = Date.now();
  const inputRecord = asRecord(rawInput);
  const host = typeof inputRecord.host === 'string' ? inputRecord.host : 'host' in op.input.shape ? safeDefaultHost(deps) : null;
  const base = { actor: opts.actor.id, source: opts.actor.source, op: op.name, host, input: inputRecord };

  let input: z.output<I>;
  try {
    input = parseInput(op, rawInput);
    if (op.effect === 'destructive' && !opts.confirmed) {
      throw new OpsError('approval_required', `${op.name} is destructive and was not confirmed`, {
        hint: 'Review the preview, then run it again with --yes (or approve the request)',
      });
    }
  } catch (err) {
    const e = toOpsError(err);
    await appendAudit(deps, { ...base, phase: 'finished', outcome: 'error', error: { code: e.code, message: e.message }, durationMs: 0 });
    throw e;
  }

  if (op.effect !== 'read') {
    // No write happens unless its intent is on record first.
    await appendAudit(deps, { ...base, phase: 'started', outcome: 'pending', error: null, durationMs: null });
  }

  const ctx: OpContext = {
    actor: opts.actor,
    onProgress: opts.onProgress ?? (() => undefined),
    signal: opts.signal ?? new AbortController().signal,
  };
  try {
    if (op.effect === 'destructive') ctx.preview = await previewOf(deps, op, input, ctx);
    const raw = await op.run(deps, input, ctx);
    const checked = op.output.safeParse(raw);
    if (!checked.success) {
      throw new OpsError('internal', `${op.name} produced output that does not match its schema: ${z.prettifyError(checked.error)}`, {
        hint: 'This is a bug in storage-ops; please report it with the command you ran',
      });
    }
    await appendAudit(deps, { ...base, phase: 'finished', outcome: 'ok', error: null, durationMs: Date.now() - started });
    return checked.data;
  } catch (err) {
    const e = toOpsError(err, op.name);
    await appendAudit(deps, {
      ...base,
      phase: 'finished',
      outcome: 'error',
      error: { code: e.code, message: e.message },
      durationMs: Date.now() - started,
    }).catch((auditErr: unknown) => deps.log.error('audit write failed', { op: op.name, error: String(auditErr) }));
    throw e;
  }
}

/** A destructive op's preview; an op that cannot say what it would destroy does not run. */
export async function previewOf<I extends z.ZodObject>(deps: Deps, op: Op<I, z.ZodType>, input: z.output<I>, ctx: OpContext) {
  if (!op.preview) {
    throw new OpsError('internal', `${op.name} is destructive but has no preview`, { hint: 'This is a bug in storage-ops' });
  }
  return op.preview(deps, input, ctx);
}

/** Validates raw input; the error names the field, says why, and points at the op's help. */
export function parseInput<I extends z.ZodObject>(op: Op<I, z.ZodType>, rawInput: unknown): z.output<I> {
  const parsed = op.input.safeParse(rawInput ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length ? issue.path.join('.') : null;
  const why = issue ? describeIssue(issue) : 'invalid input';
  throw new OpsError('invalid_input', field ? `${op.verb}: ${field} ${why}` : `${op.verb}: ${why}`, {
    hint: `See \`storage-ops help ${op.verb}\``,
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `has unknown field(s): ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return `is invalid: ${issue.message}`;
}

function safeDefaultHost(deps: Deps): string | null {
  try {
    return deps.engines.defaultName();
  } catch {
    return null;
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
