/**
 * runOp: the single door every op runs through. It validates input against the op's schema,
 * checks the actor's role, refuses a destructive op unless it comes with an approved approval
 * record (src/ops/approvals.ts makes those; there is no other way in), writes the audit trail
 * (a "started" entry before any write, a "finished" entry always), runs the op and checks its
 * output against the declared schema so MCP's structured output is never a lie.
 */
import { z } from 'zod';
import { OpsError, toOpsError } from './errors.js';
import type { ApprovalRecord } from './approval-record.js';
import { appendAudit } from './audit.js';
import type { Actor, Op, OpContext, Progress } from './op.js';
import type { Deps } from './ports.js';
import { requiredRoleFor, requireRole } from './roles.js';

export interface RunOptions {
  actor: Actor;
  /** For destructive ops: the approved request being executed. Only approvals.ts sets it. */
  approval?: ApprovalRecord;
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
  const approvalId = opts.approval?.id ?? null;
  const base = {
    actor: opts.actor.id,
    source: opts.actor.source,
    op: op.name,
    host: hostOf(deps, op, inputRecord),
    input: inputRecord,
    approvalId,
  };

  let input: z.output<I>;
  try {
    input = parseInput(op, rawInput);
    requireRole(deps.config, opts.actor, requiredRoleFor(op), `run ${op.verb}`);
    if (op.effect === 'destructive') checkApproval(op, opts.approval);
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
  if (opts.approval) ctx.preview = opts.approval.preview;
  try {
    const raw = await op.run(deps, input, ctx);
    const checked = op.output.safeParse(raw);
    if (!checked.success) {
      throw new OpsError('internal', `${op.name} produced output that does not match its schema: ${z.prettifyError(checked.error)}`, {
        hint: 'This is a bug in storage-ops; please report it with the command you ran',
      });
    }
    const detail = op.auditDetail?.(checked.data);
    await appendAudit(deps, { ...base, phase: 'finished', outcome: 'ok', error: null, durationMs: Date.now() - started, ...(detail ? { detail } : {}) });
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

/** The last line of defence: a destructive op runs only on an approved record made for it. */
function checkApproval(op: Op, approval: ApprovalRecord | undefined): void {
  if (!approval) {
    throw new OpsError('approval_required', `${op.verb} is destructive and needs an approved request`, {
      hint: `Preview it first; then confirm (CLI: --yes) or have an admin approve the request`,
    });
  }
  if (approval.op !== op.name || approval.status !== 'approved') {
    throw new OpsError('approval_required', `approval ${approval.id} is for ${approval.op} and is ${approval.status}; it cannot run ${op.name}`);
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

/** The host an op acts on, for the audit log: the one given, else the default for ops that take one. */
export function hostOf(deps: Deps, op: Op, input: Record<string, unknown>): string | null {
  if (typeof input.host === 'string') return input.host;
  if (!('host' in op.input.shape)) return null;
  try {
    return deps.engines.defaultName();
  } catch {
    return null;
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
