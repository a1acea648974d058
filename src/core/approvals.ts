/**
 * The approval workflow for destructive ops, in the ops layer so every adapter shares it:
 * preview (changes nothing), request (stores the preview as a pending approval), decide
 * (approve or deny, atomically: a second decision is a no-op that says who decided), and
 * execution of exactly the approved preview through runOp. Local confirmation (the CLI's --yes)
 * and retention policies are approvals too, recorded as such: nothing destructive runs
 * without an approval record, on any path.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { OpsError, toOpsError } from './errors.js';
import type { ApprovalRecord } from './approval-record.js';
import { redactValue } from './redact.js';
import { appendAudit } from './audit.js';
import type { Actor, Op, OpContext, Preview, Progress } from './op.js';
import type { Deps, StateData } from './ports.js';
import { requireRole, roleOf, twoPersonRuleFor } from './roles.js';
import { hostOf, parseInput, previewOf, runOp } from './run-op.js';

export const APPROVAL_ID_PATTERN = /^[a-z0-9]{8}$/;
const KEEP_DECIDED = 500;
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export interface SubmitOptions {
  actor: Actor;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

function newId(): string {
  return [...randomBytes(8)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

function approvalsOf(data: StateData): ApprovalRecord[] {
  data.approvals ??= [];
  return data.approvals;
}

/** Marks pending requests past their expiry as expired; returns the ones it changed. */
function expireStale(data: StateData, now: Date): ApprovalRecord[] {
  const changed: ApprovalRecord[] = [];
  for (const r of approvalsOf(data)) {
    if (r.status === 'pending' && Date.parse(r.expiresAt) <= now.getTime()) {
      r.status = 'expired';
      r.decidedAt = now.toISOString();
      r.decidedBy = 'system';
      r.decisionNote = 'expired before anyone decided';
      changed.push(r);
    }
  }
  return changed;
}

async function auditExpired(deps: Deps, expired: ApprovalRecord[]): Promise<void> {
  for (const r of expired) {
    await appendAudit(deps, { actor: 'system', source: 'system', op: r.op, host: r.host, input: r.input, phase: 'decided', outcome: 'expired', error: null, durationMs: null, approvalId: r.id });
  }
}

/** What a destructive op would do, for an actor allowed to ask for it; changes nothing. */
export async function previewOp<I extends z.ZodObject>(
  deps: Deps,
  op: Op<I, z.ZodType>,
  rawInput: unknown,
  opts: SubmitOptions,
): Promise<{ input: Record<string, unknown>; host: string | null; preview: Preview }> {
  if (op.effect !== 'destructive') throw new OpsError('invalid_input', `${op.verb} is not destructive; it has no preview`);
  const parsed = parseInput(op, rawInput);
  requireRole(deps.config, opts.actor, 'operator', `request ${op.verb}`);
  const host = hostOf(deps, op, parsed as Record<string, unknown>);
  // The request pins the host, so changing the default host later cannot retarget it.
  const input = { ...(parsed as Record<string, unknown>), ...(host && 'host' in op.input.shape ? { host } : {}) };
  const ctx: OpContext = { actor: opts.actor, onProgress: opts.onProgress ?? (() => undefined), signal: opts.signal ?? new AbortController().signal };
  const preview = await previewOf(deps, op, parsed, ctx);
  return { input, host, preview };
}

/** Stores a pending approval request holding the preview; returns it. */
export async function requestOp<I extends z.ZodObject>(deps: Deps, op: Op<I, z.ZodType>, rawInput: unknown, opts: SubmitOptions): Promise<ApprovalRecord> {
  const { input, host, preview } = await previewOp(deps, op, rawInput, opts);
  const now = deps.now();
  const record: ApprovalRecord = {
    id: newId(),
    op: op.name,
    verb: op.verb,
    host,
    // Ops take no secrets as input; should one slip in, it is not kept at rest.
    input: redactValue(input),
    preview,
    requester: { id: opts.actor.id, source: opts.actor.source, ...(opts.actor.display ? { display: opts.actor.display } : {}) },
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.config.access.approvalTtlMinutes * 60_000).toISOString(),
    twoPerson: twoPersonRuleFor(deps.config, opts.actor),
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    execution: null,
  };
  const expired = await deps.state.update((data) => {
    const list = approvalsOf(data);
    const gone = expireStale(data, now);
    list.push(record);
    const decided = list.filter((r) => r.status !== 'pending');
    if (decided.length > KEEP_DECIDED) {
      const drop = new Set(decided.slice(0, decided.length - KEEP_DECIDED).map((r) => r.id));
      data.approvals = list.filter((r) => !drop.has(r.id));
    }
    return gone;
  });
  await auditExpired(deps, expired);
  await appendAudit(deps, {
    actor: opts.actor.id,
    source: opts.actor.source,
    op: op.name,
    host,
    input,
    phase: 'requested',
    outcome: 'pending',
    error: null,
    durationMs: null,
    approvalId: record.id,
    detail: { summary: preview.summary, items: preview.items.map((i) => `${i.action} ${i.kind} ${i.name}`), totalBytes: preview.totalBytes },
  });
  return record;
}

export interface DecisionResult {
  record: ApprovalRecord;
  /** True when someone had already decided: nothing was done this time. */
  alreadyDecided: boolean;
  message: string;
  output: unknown;
}

export interface DecideOptions extends SubmitOptions {
  note?: string;
  /** A configured policy approving on its own (e.g. backup retention); only code sets it. */
  policy?: string;
  /** The op, when the caller has it; otherwise it is looked up in the catalog by name. */
  op?: Op;
}

type Transition =
  | { kind: 'missing' }
  | { kind: 'expired'; record: ApprovalRecord }
  | { kind: 'already'; record: ApprovalRecord }
  | { kind: 'self'; record: ApprovalRecord }
  | { kind: 'decided'; record: ApprovalRecord; expired: ApprovalRecord[] };

function describeDecision(r: ApprovalRecord): string {
  const when = r.decidedAt ? ` at ${r.decidedAt}` : '';
  return `request ${r.id} was already ${r.status === 'executed' || r.status === 'failed' ? `approved and ${r.status}` : r.status} by ${r.decidedBy ?? 'nobody'}${when}`;
}

/**
 * Approves or denies a request. The state change happens under the state file's lock, so two
 * approvals arriving at once (Slack and the CLI, say) execute the request once.
 */
export async function decideApproval(deps: Deps, id: string, decision: 'approve' | 'deny', opts: DecideOptions): Promise<DecisionResult> {
  if (!APPROVAL_ID_PATTERN.test(id)) {
    throw new OpsError('invalid_input', `"${id}" is not an approval id (8 lowercase letters and digits)`, { hint: '`storage-ops approvals` lists the pending ones' });
  }
  if (!opts.policy) requireRole(deps.config, opts.actor, 'admin', `${decision} requests`);
  const approver = opts.policy ? `policy:${opts.policy}` : opts.actor.id;
  const now = deps.now();
  const t = await deps.state.update((data): Transition => {
    const expired = expireStale(data, now);
    const record = approvalsOf(data).find((r) => r.id === id);
    if (!record) return { kind: 'missing' };
    if (expired.includes(record)) return { kind: 'expired', record: structuredClone(record) };
    if (record.status !== 'pending') return { kind: 'already', record: structuredClone(record) };
    if (decision === 'approve' && !opts.policy && record.twoPerson && record.requester.id === opts.actor.id) {
      return { kind: 'self', record: structuredClone(record) };
    }
    record.status = decision === 'approve' ? 'approved' : 'denied';
    record.decidedBy = approver;
    record.decidedAt = now.toISOString();
    record.decisionNote = opts.note ?? (opts.policy ? `policy: ${opts.policy}` : decision === 'approve' ? 'approved' : 'denied');
    return { kind: 'decided', record: structuredClone(record), expired: expired.filter((r) => r.id !== id) };
  });

  switch (t.kind) {
    case 'missing':
      throw new OpsError('not_found', `no approval request "${id}"`, { hint: '`storage-ops approvals` lists pending requests' });
    case 'expired':
      await auditExpired(deps, [t.record]);
      throw new OpsError('conflict', `request ${id} expired at ${t.record.expiresAt} before anyone decided`, {
        hint: `Ask again: storage-ops ${t.record.verb} ... shows a fresh preview`,
      });
    case 'self':
      throw new OpsError('forbidden', `request ${id} was made by ${t.record.requester.display ?? t.record.requester.id}, who may not approve it (two-person rule)`, {
        hint: 'Another admin has to approve it',
      });
    case 'already':
      return { record: t.record, alreadyDecided: true, message: describeDecision(t.record), output: null };
    case 'decided':
      break;
  }
  await auditExpired(deps, t.expired);
  const record = t.record;
  await appendAudit(deps, {
    actor: approver,
    source: opts.policy ? 'policy' : opts.actor.source,
    op: record.op,
    host: record.host,
    input: record.input,
    phase: 'decided',
    outcome: record.status === 'approved' ? 'ok' : 'denied',
    error: null,
    durationMs: null,
    approvalId: record.id,
    detail: { note: record.decisionNote, requester: record.requester.id },
  });
  if (record.status === 'denied') {
    return { record, alreadyDecided: false, message: `request ${id} denied by ${approver}; nothing was changed`, output: null };
  }
  return execute(deps, record, opts);
}

async function setExecution(deps: Deps, id: string, change: (r: ApprovalRecord) => void): Promise<ApprovalRecord> {
  return deps.state.update((data) => {
    const r = approvalsOf(data).find((x) => x.id === id);
    if (!r) throw new OpsError('internal', `approval ${id} vanished from the state file`);
    change(r);
    return structuredClone(r);
  });
}

async function execute(deps: Deps, record: ApprovalRecord, opts: DecideOptions): Promise<DecisionResult> {
  const op = opts.op?.name === record.op ? opts.op : deps.ops.find(record.op);
  if (!op) throw new OpsError('internal', `approval ${record.id} is for ${record.op}, which this version of storage-ops does not have`, { hint: 'Deny it and ask again with a current version' });
  const startedAt = deps.now().toISOString();
  const running = await setExecution(deps, record.id, (r) => {
    r.execution = { startedAt, finishedAt: null, outcome: 'running', summary: null, error: null };
  });
  try {
    const output = await runOp(deps, op, record.input, { actor: opts.actor, approval: running, onProgress: opts.onProgress, signal: opts.signal });
    const summary = op.view(output).summary;
    const done = await setExecution(deps, record.id, (r) => {
      r.status = 'executed';
      r.execution = { startedAt, finishedAt: deps.now().toISOString(), outcome: 'ok', summary, error: null };
    });
    return { record: done, alreadyDecided: false, message: `request ${record.id} approved by ${done.decidedBy} and executed`, output };
  } catch (err) {
    const e = toOpsError(err);
    await setExecution(deps, record.id, (r) => {
      r.status = 'failed';
      r.execution = { startedAt, finishedAt: deps.now().toISOString(), outcome: 'error', summary: null, error: e.toLine() };
    });
    throw e;
  }
}

export type Submitted =
  | { kind: 'done'; output: unknown; approval: ApprovalRecord | null }
  | { kind: 'pending'; approval: ApprovalRecord };

/**
 * What adapters call. Reads and writes run at once. A destructive op becomes a pending request,
 * unless `confirmed` (the CLI's --yes, or a policy): then the request is approved on the spot by
 * the confirming actor, if their role and the two-person rule allow it, and executed.
 */
export async function submitOp<I extends z.ZodObject>(
  deps: Deps,
  op: Op<I, z.ZodType>,
  rawInput: unknown,
  opts: SubmitOptions & { confirmed?: boolean; policy?: string },
): Promise<Submitted> {
  if (op.effect !== 'destructive') {
    const output = await runOp(deps, op, rawInput, opts);
    return { kind: 'done', output, approval: null };
  }
  const record = await requestOp(deps, op, rawInput, opts);
  if (!opts.confirmed && !opts.policy) return { kind: 'pending', approval: record };
  const canSelfApprove = opts.policy !== undefined || (roleOf(deps.config, opts.actor) === 'admin' && !record.twoPerson);
  if (!canSelfApprove) return { kind: 'pending', approval: record };
  const result = await decideApproval(deps, record.id, 'approve', {
    ...opts,
    op: op as unknown as Op,
    note: opts.policy ? `policy: ${opts.policy}` : `confirmed by the requester (${opts.actor.source})`,
  });
  return { kind: 'done', output: result.output, approval: result.record };
}

/**
 * Runs an op on the caller's confirmation (a policy such as backup retention, or a test acting
 * as an admin): the output, or approval_required naming the request when it is left pending.
 */
export async function runConfirmed<I extends z.ZodObject, O extends z.ZodType>(
  deps: Deps,
  op: Op<I, O>,
  rawInput: unknown,
  opts: SubmitOptions & { policy?: string },
): Promise<z.output<O>> {
  const r = await submitOp(deps, op as unknown as Op<I, z.ZodType>, rawInput, { ...opts, confirmed: true });
  if (r.kind === 'pending') {
    throw new OpsError('approval_required', `request ${r.approval.id} for ${op.verb} waits for an admin's approval`, {
      hint: `An admin can run: storage-ops approve ${r.approval.id}`,
    });
  }
  return r.output as z.output<O>;
}
