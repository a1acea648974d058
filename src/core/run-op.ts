/**
 * runOp: the single door every op runs through. It validates input against the op's schema,
 * checks the actor's role, runs a destructive op only from an approval id — claiming the record
 * (approved → running) atomically and running its stored, host-pinned input, so a record never
 * runs twice or with other input — writes the audit trail (a "started" entry before any write,
 * a "finished" entry always), and checks the output against the declared schema so MCP's
 * structured output is never a lie.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ApprovalRecord } from './approval-record.js';
import { appendAudit } from './audit.js';
import { runInJobScope } from './job-scope.js';
import { OpsError, toOpsError } from './errors.js';
import type { Actor, Op, OpContext, Progress } from './op.js';
import type { Deps } from './ports.js';
import { holdLease, ownerStamp } from './process-owner.js';
import { requiredRoleFor, requireRole } from './roles.js';
import { summaryOf } from './summary.js';
import { fieldsOf } from './words/op-fields.js';

export interface RunOptions {
  actor: Actor;
  /**
   * For destructive ops: the approved request to execute. The stored input runs; input passed
   * alongside must be the same or nothing runs.
   */
  approvalId?: string;
  /** The job running this call, recorded on the approval's execution. */
  jobId?: string;
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
  const base = {
    actor: opts.actor.id,
    source: opts.actor.source,
    op: op.name,
    host: hostOf(deps, op, inputRecord),
    input: inputRecord,
    approvalId: opts.approvalId ?? null,
  };

  let input: z.output<I>;
  let approval: ApprovalRecord | null = null;
  let release: (() => void) | null = null;
  try {
    requireRole(deps.config, opts.actor, requiredRoleFor(op), `run ${op.verb}`);
    if (op.effect === 'destructive') {
      release = await holdLease(deps.state, deps.now, (err) => deps.log.warn('heartbeat not written', { error: String(err) }));
      approval = await claimApproval(deps, op, opts, rawInput);
      base.input = approval.input;
      base.host = approval.host;
      input = parseInput(op, approval.input, opts.actor.source);
    } else {
      input = parseInput(op, rawInput, opts.actor.source);
    }
  } catch (err) {
    release?.();
    const e = toOpsError(err);
    await auditOf(deps, op, { ...base, phase: 'finished', outcome: 'error', error: { code: e.code, message: e.message }, durationMs: 0 });
    throw e;
  }

  try {
    if (op.effect !== 'read') {
      // No write happens unless its intent is on record first.
      await appendAudit(deps, { ...base, phase: 'started', outcome: 'pending', error: null, durationMs: null });
    }
    const ctx: OpContext = {
      actor: opts.actor,
      onProgress: opts.onProgress ?? (() => undefined),
      signal: opts.signal ?? new AbortController().signal,
    };
    if (approval) ctx.preview = approval.preview;
    try {
      // Within a job, code below (the engine's helper labels) can name the job it works for.
      const raw = await (opts.jobId ? runInJobScope(opts.jobId, () => op.run(deps, input, ctx)) : op.run(deps, input, ctx));
      const checked = op.output.safeParse(raw);
      if (!checked.success) {
        throw new OpsError('internal', `${op.name} produced output that does not match its schema: ${z.prettifyError(checked.error)}`, {
          hint: 'This is a bug in storage-ops; please report it with the command you ran',
        });
      }
      const detail = op.auditDetail?.(checked.data);
      await auditOf(deps, op, { ...base, phase: 'finished', outcome: 'ok', error: null, durationMs: Date.now() - started, ...(detail ? { detail } : {}) });
      if (approval) await endApproval(deps, approval.id, { summary: summaryOf(op, checked.data) });
      return checked.data;
    } catch (err) {
      const e = toOpsError(err, op.verb);
      await auditOf(deps, op, {
        ...base,
        phase: 'finished',
        outcome: 'error',
        error: { code: e.code, message: e.message },
        durationMs: Date.now() - started,
      }).catch((auditErr: unknown) => deps.log.error('audit write failed', { op: op.name, error: String(auditErr) }));
      if (approval) await endApproval(deps, approval.id, { error: e.toLine() }).catch((stateErr: unknown) => deps.log.error('approval not updated', { approval: approval?.id, error: String(stateErr) }));
      throw e;
    }
  } finally {
    release?.();
  }
}

/**
 * A read op's audit entry is a record, not a guard: when the data dir cannot be written (a
 * read-only mount, say), the read still answers and the entry is skipped with a warning. Any
 * other op's entry must be written, or the op does not run.
 */
async function auditOf(deps: Deps, op: Op, entry: Parameters<typeof appendAudit>[1]): Promise<void> {
  if (op.effect !== 'read') {
    await appendAudit(deps, entry);
    return;
  }
  if (deps.dataDirReadOnly) return;
  await appendAudit(deps, entry).catch((err: unknown) => deps.log.warn('audit entry of a read not written', { op: op.name, error: String(err) }));
}

/**
 * The last line of defence: a destructive op runs only on an approved record made for it, moved
 * to "running" here under the state lock, so a replayed or double-delivered execution finds it
 * running or done and stops.
 */
async function claimApproval(deps: Deps, op: Op, opts: RunOptions, rawInput: unknown): Promise<ApprovalRecord> {
  const id = opts.approvalId;
  if (!id) {
    throw new OpsError('approval_required', `${op.verb} is destructive and needs an approved request`, {
      hint: 'Preview it first; then confirm (CLI: --yes) or have an admin approve the request',
    });
  }
  const claimed = await deps.state.update((data) => {
    const record = (data.approvals ?? []).find((r) => r.id === id);
    if (!record) throw new OpsError('not_found', `no approval request "${id}"`, { hint: '`storage-ops approvals --all` lists them' });
    if (record.op !== op.name) {
      throw new OpsError('approval_required', `approval ${id} is for ${record.verb}, not ${op.verb}; nothing was run`);
    }
    if (rawInput !== undefined && !isDeepStrictEqual(withoutUndefined(asRecord(rawInput)), withoutUndefined(record.input))) {
      throw new OpsError('approval_required', `approval ${id} was given for other input than this call's; nothing was run`, {
        hint: 'Ask for a new approval with the input you want to run',
      });
    }
    if (record.status !== 'approved') {
      throw new OpsError('conflict', `approval ${id} is ${record.status}${record.status === 'pending' ? ' (nobody approved it yet)' : ''}; it cannot run${record.status === 'running' || record.status === 'executed' ? ' again' : ''}`, {
        hint: record.status === 'pending' ? `An admin can run: storage-ops approve ${id}` : 'Ask for a new approval to do it again',
      });
    }
    record.status = 'running';
    record.execution = {
      startedAt: deps.now().toISOString(),
      finishedAt: null,
      outcome: 'running',
      summary: null,
      error: null,
      jobId: opts.jobId ?? null,
      owner: ownerStamp(),
    };
    return structuredClone(record);
  });
  return claimed;
}

async function endApproval(deps: Deps, id: string, end: { summary?: string; error?: string }): Promise<void> {
  const record = await deps.state.update((data) => {
    const r = (data.approvals ?? []).find((x) => x.id === id);
    if (!r || !r.execution) return null;
    r.status = end.error === undefined ? 'executed' : 'failed';
    r.execution.finishedAt = deps.now().toISOString();
    r.execution.outcome = end.error === undefined ? 'ok' : 'error';
    r.execution.summary = end.summary ?? null;
    r.execution.error = end.error ?? null;
    return structuredClone(r);
  });
  if (record) deps.events.emit({ type: record.status === 'executed' ? 'approval.executed' : 'approval.failed', approval: record });
}

/** A destructive op's preview; an op that cannot say what it would destroy does not run. */
export async function previewOf<I extends z.ZodObject>(deps: Deps, op: Op<I, z.ZodType>, input: z.output<I>, ctx: OpContext) {
  if (!op.preview) {
    throw new OpsError('internal', `${op.name} is destructive but has no preview`, { hint: 'This is a bug in storage-ops' });
  }
  return op.preview(deps, input, ctx);
}

/** Validates raw input; the error names the field, says why, and points at the op's help. */
export function parseInput<I extends z.ZodObject>(op: Op<I, z.ZodType>, rawInput: unknown, source?: Actor['source']): z.output<I> {
  const parsed = op.input.safeParse(rawInput ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length ? fieldWord(op, issue.path, source) : null;
  const why = issue ? describeIssue(issue) : 'invalid input';
  throw new OpsError('invalid_input', field ? `${op.verb}: ${field} ${why}` : `${op.verb}: ${why}`, {
    hint: `See \`storage-ops help ${op.verb}\``,
  });
}

/**
 * The field as the person typed it: `--images-older-than` (or `<name>` for a positional word) on
 * the CLI and in Slack, the field name (`imagesOlderThan`) for MCP clients, which send JSON.
 */
function fieldWord(op: Op, path: readonly PropertyKey[], source?: Actor['source']): string {
  const [first, ...rest] = path;
  const info = fieldsOf(op).find((f) => f.name === String(first));
  const suffix = rest.length ? ` (item ${rest.map((p) => (typeof p === 'number' ? p + 1 : String(p))).join('.')})` : '';
  if (source === 'mcp' || !info) return path.map(String).join('.');
  return (info.positional !== null ? `<${info.name}>` : `--${info.flag}`) + suffix;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `has unknown field(s): ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return `is invalid: ${issue.message}`;
}

/** The host an op acts on: the one given, else the default for ops that take one (none for all-host ops). */
export function hostOf(deps: Deps, op: Op, input: Record<string, unknown>): string | null {
  if (typeof input.host === 'string') return input.host;
  if (!('host' in op.input.shape) || op.allHostsWhenOmitted) return null;
  try {
    return deps.engines.defaultName();
  } catch {
    return null;
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function withoutUndefined(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
}
