/**
 * The approval workflow for destructive ops, in the ops layer so every adapter shares it:
 * preview (changes nothing), request (stores the preview as a pending approval), decide
 * (approve or deny, atomically: a second decision is a no-op that says who decided), and
 * execution of exactly the approved preview through runOp. Local confirmation (the CLI's --yes)
 * and retention policies are approvals too, recorded as such: nothing destructive runs
 * without an approval record, on any path.
 */
import { randomBytes } from 'node:crypto';
import { OpsError } from './errors.js';
import { redactValue } from './redact.js';
import { appendAudit } from './audit.js';
import { cancelJob, jobOutcome, startJob, waitForJob } from './jobs.js';
import { isPolicyGrant } from './policy.js';
import { requiredRoleFor, requireRole, roleOf, samePerson, twoPersonRuleFor } from './roles.js';
import { hostOf, parseInput, previewOf, runOp } from './run-op.js';
export const APPROVAL_ID_PATTERN = /^[a-z0-9]{8}$/;
const KEEP_DECIDED = 500;
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
function newId() {
    return [...randomBytes(8)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}
function approvalsOf(data) {
    data.approvals ??= [];
    return data.approvals;
}
/** Marks pending requests past their expiry as expired; returns the ones it changed. */
function expireStale(data, now) {
    const changed = [];
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
async function auditExpired(deps, expired) {
    for (const r of expired) {
        await appendAudit(deps, { actor: 'system', source: 'system', op: r.op, host: r.host, input: r.input, phase: 'decided', outcome: 'expired', error: null, durationMs: null, approvalId: r.id });
        deps.events.emit({ type: 'approval.expired', approval: r });
    }
}
/** Marks pending requests past their expiry as expired (audited, emitted); serve calls it periodically. */
export async function expireApprovals(deps) {
    const now = deps.now();
    const due = ((await deps.state.read()).approvals ?? []).some((r) => r.status === 'pending' && Date.parse(r.expiresAt) <= now.getTime());
    if (!due)
        return [];
    const expired = await deps.state.update((data) => structuredClone(expireStale(data, now)));
    await auditExpired(deps, expired);
    return expired;
}
/** What a destructive op would do, for an actor allowed to ask for it; changes nothing. */
export async function previewOp(deps, op, rawInput, opts) {
    if (op.effect !== 'destructive')
        throw new OpsError('invalid_input', `${op.verb} is not destructive; it has no preview`);
    const parsed = parseInput(op, rawInput);
    requireRole(deps.config, opts.actor, requiredRoleFor(op), `request ${op.verb}`);
    const host = hostOf(deps, op, parsed);
    // The request pins the host, so changing the default host later cannot retarget it; ops whose
    // omitted host means "every host" keep it omitted.
    const input = { ...parsed, ...(host && 'host' in op.input.shape ? { host } : {}) };
    const ctx = { actor: opts.actor, onProgress: opts.onProgress ?? (() => undefined), signal: opts.signal ?? new AbortController().signal };
    // The preview is computed from exactly the input that will be stored and run.
    const preview = await previewOf(deps, op, parseInput(op, input), ctx);
    return { input, host, preview };
}
/** Stores a pending approval request holding the preview; returns it. */
export async function requestOp(deps, op, rawInput, opts) {
    const { input, host, preview } = await previewOp(deps, op, rawInput, opts);
    const now = deps.now();
    const record = {
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
    deps.events.emit({ type: 'approval.requested', approval: structuredClone(record) });
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
function describeDecision(r) {
    const when = r.decidedAt ? ` at ${r.decidedAt}` : '';
    const done = ['running', 'executed', 'failed', 'interrupted'].includes(r.status);
    return `request ${r.id} was already ${done ? `approved and ${r.status}` : r.status} by ${r.decidedBy ?? 'nobody'}${when}; nothing more was done`;
}
export function checkApprovalId(id) {
    if (!APPROVAL_ID_PATTERN.test(id)) {
        throw new OpsError('invalid_input', `"${id}" is not an approval id (8 lowercase letters and digits)`, { hint: '`storage-ops approvals` lists the pending ones' });
    }
}
/**
 * Approves or denies a request. The state change happens under the state file's lock, so two
 * approvals arriving at once (Slack and the CLI, say) execute the request once, and the same
 * decision delivered twice (same idempotency key) is recognised as such.
 */
export async function decideApproval(deps, id, decision, opts) {
    checkApprovalId(id);
    if (!opts.idempotencyKey)
        throw new OpsError('internal', 'a decision needs an idempotency key', { hint: 'This is a bug in storage-ops' });
    const grant = opts.grant !== undefined && isPolicyGrant(opts.grant) ? opts.grant : null;
    if (opts.grant !== undefined && !grant)
        throw new OpsError('forbidden', 'that policy grant was not issued by storage-ops; nothing was decided');
    const peek = ((await deps.state.read()).approvals ?? []).find((r) => r.id === id);
    if (!grant) {
        if (opts.actor.source === 'mcp' && !(opts.humanConfirmed && decision === 'approve' && peek?.requester.id === opts.actor.id)) {
            throw new OpsError('forbidden', `AI clients (${opts.actor.id}) may request destructive operations but never ${decision} them`, {
                hint: `A person decides: storage-ops ${decision} ${id}, or the buttons in Slack`,
            });
        }
        // Deciding is an admin's job whatever the op needs to request (admin is the highest role).
        requireRole(deps.config, opts.actor, 'admin', `${decision} requests`);
    }
    const approver = grant ? `policy:${grant.policy}` : opts.actor.id;
    const now = deps.now();
    const t = await deps.state.update((data) => {
        const expired = expireStale(data, now);
        const record = approvalsOf(data).find((r) => r.id === id);
        if (!record)
            return { kind: 'missing' };
        if (expired.includes(record))
            return { kind: 'expired', record: structuredClone(record) };
        if (record.decisionKey && record.decisionKey === opts.idempotencyKey)
            return { kind: 'repeat', record: structuredClone(record) };
        if (record.status !== 'pending')
            return { kind: 'already', record: structuredClone(record) };
        if (decision === 'approve' && !grant && record.twoPerson && samePerson(deps.config, record.requester.id, opts.actor.id)) {
            return { kind: 'self', record: structuredClone(record) };
        }
        record.status = decision === 'approve' ? 'approved' : 'denied';
        record.decidedBy = approver;
        record.decidedAt = now.toISOString();
        record.decisionKey = opts.idempotencyKey;
        record.decisionNote = opts.note ?? (grant ? `policy: ${grant.policy}` : decision === 'approve' ? 'approved' : 'denied');
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
            throw new OpsError('forbidden', `request ${id} was made by ${t.record.requester.display ?? t.record.requester.id}, who may not approve it (two-person rule, across all of one person's identities)`, {
                hint: 'Another admin has to approve it',
            });
        case 'repeat':
            return { record: t.record, alreadyDecided: true, message: `${describeDecision(t.record)} (this very decision, delivered again)`, output: null, job: null };
        case 'already':
            return { record: t.record, alreadyDecided: true, message: describeDecision(t.record), output: null, job: null };
        case 'decided':
            break;
    }
    await auditExpired(deps, t.expired);
    const record = t.record;
    deps.events.emit({ type: 'approval.decided', approval: record });
    await appendAudit(deps, {
        actor: approver,
        source: grant ? 'policy' : opts.actor.source,
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
        return { record, alreadyDecided: false, message: `request ${id} denied by ${approver}; nothing was changed`, output: null, job: null };
    }
    return execute(deps, record, opts);
}
/** Runs an approved request: long ops as a job (returned at once), short ones inline. */
async function execute(deps, record, opts) {
    const op = opts.op?.name === record.op ? opts.op : deps.ops.find(record.op);
    if (!op)
        throw new OpsError('internal', `approval ${record.id} is for ${record.op}, which this version of storage-ops does not have`, { hint: 'Deny it and ask again with a current version' });
    if (op.long) {
        const job = await startJob(deps, op, undefined, { actor: opts.actor, approvalId: record.id, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.parentJobId ? { parentJobId: opts.parentJobId } : {}) });
        return { record, alreadyDecided: false, message: `request ${record.id} approved by ${record.decidedBy}; running as job ${job.id}`, output: null, job };
    }
    const output = await runOp(deps, op, undefined, { actor: opts.actor, approvalId: record.id, onProgress: opts.onProgress, signal: opts.signal });
    const done = ((await deps.state.read()).approvals ?? []).find((r) => r.id === record.id) ?? record;
    return { record: done, alreadyDecided: false, message: `request ${record.id} approved by ${record.decidedBy} and executed`, output, job: null };
}
/** The requester takes back their own pending request; nothing was changed. */
export async function withdrawApproval(deps, id, actor) {
    checkApprovalId(id);
    const now = deps.now();
    const record = await deps.state.update((data) => {
        expireStale(data, now);
        const r = approvalsOf(data).find((x) => x.id === id);
        if (!r)
            throw new OpsError('not_found', `no approval request "${id}"`, { hint: '`storage-ops approvals` lists pending requests' });
        if (!samePerson(deps.config, r.requester.id, actor.id)) {
            throw new OpsError('forbidden', `request ${id} was made by ${r.requester.display ?? r.requester.id}; only they can withdraw it`, { hint: 'An admin can deny it instead' });
        }
        if (r.status !== 'pending')
            throw new OpsError('conflict', `request ${id} is ${r.status}; only pending requests can be withdrawn`);
        r.status = 'withdrawn';
        r.decidedBy = actor.id;
        r.decidedAt = now.toISOString();
        r.decisionNote = 'withdrawn by the requester';
        return structuredClone(r);
    });
    await appendAudit(deps, { actor: actor.id, source: actor.source, op: record.op, host: record.host, input: record.input, phase: 'decided', outcome: 'denied', error: null, durationMs: null, approvalId: id, detail: { note: 'withdrawn by the requester' } });
    deps.events.emit({ type: 'approval.withdrawn', approval: record });
    return record;
}
/**
 * What adapters call. Reads and short writes run at once; long ops start a job. A destructive op
 * becomes a pending request, unless confirmed (or a policy grant): then the request is approved
 * on the spot by the confirming actor, if their role and the two-person rule allow it, and
 * executed (as a job when long).
 */
export async function submitOp(deps, op, rawInput, opts) {
    const anyOp = op;
    if (op.effect !== 'destructive') {
        if (op.long) {
            const job = await startJob(deps, anyOp, rawInput, { actor: opts.actor, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.parentJobId ? { parentJobId: opts.parentJobId } : {}) });
            return { kind: 'job', job, approval: null };
        }
        return { kind: 'done', output: await runOp(deps, op, rawInput, opts), approval: null };
    }
    const record = await requestOp(deps, op, rawInput, opts);
    if (!opts.confirmed && !opts.grant)
        return { kind: 'pending', approval: record };
    const canSelfApprove = opts.grant !== undefined || (roleOf(deps.config, opts.actor) === 'admin' && !record.twoPerson && (opts.actor.source !== 'mcp' || opts.humanConfirmed === true));
    if (!canSelfApprove)
        return { kind: 'pending', approval: record };
    const result = await decideApproval(deps, record.id, 'approve', {
        ...opts,
        op: anyOp,
        idempotencyKey: opts.idempotencyKey ?? `confirm:${record.id}`,
        note: opts.grant ? `policy: ${opts.grant.policy}` : `confirmed by the requester (${opts.actor.source})`,
    });
    if (result.job)
        return { kind: 'job', job: result.job, approval: result.record };
    return { kind: 'done', output: result.output, approval: result.record };
}
/**
 * Runs an op to the end on the caller's confirmation (a policy grant such as backup retention,
 * or a local admin in tests and scripts): the output, or approval_required naming the request
 * when it is left pending. Jobs are waited for.
 */
export async function runConfirmed(deps, op, rawInput, opts) {
    const r = await submitOp(deps, op, rawInput, { ...opts, confirmed: true });
    if (r.kind === 'pending') {
        throw new OpsError('approval_required', `request ${r.approval.id} for ${op.verb} waits for an admin's approval`, {
            hint: `An admin can run: storage-ops approve ${r.approval.id}`,
        });
    }
    if (r.kind === 'job')
        return jobOutcome(await followJob(deps, r.job, opts));
    return r.output;
}
/**
 * Waits for a job started on the caller's behalf: its progress goes to the caller's callback,
 * and the caller's abort signal cancels it.
 */
export async function followJob(deps, job, opts) {
    const off = deps.events.subscribe((e) => {
        if (e.type === 'job.progress' && e.job.id === job.id && e.job.progress)
            opts.onProgress?.(e.job.progress);
    });
    const cancel = () => {
        cancelJob(deps, job.id, opts.actor).catch(() => undefined);
    };
    opts.signal?.addEventListener('abort', cancel, { once: true });
    if (opts.signal?.aborted)
        cancel();
    try {
        return await waitForJob(deps, job.id);
    }
    finally {
        off();
        opts.signal?.removeEventListener('abort', cancel);
    }
}
//# sourceMappingURL=approvals.js.map