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
import { appendAudit } from './audit.js';
import { runInJobScope } from './job-scope.js';
import { OpsError, toOpsError } from './errors.js';
import { holdLease, ownerStamp } from './process-owner.js';
import { requiredRoleFor, requireRole } from './roles.js';
import { summaryOf } from './summary.js';
export async function runOp(deps, op, rawInput, opts) {
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
    let input;
    let approval = null;
    let release = null;
    try {
        requireRole(deps.config, opts.actor, requiredRoleFor(op), `run ${op.verb}`);
        if (op.effect === 'destructive') {
            release = await holdLease(deps.state, deps.now, (err) => deps.log.warn('heartbeat not written', { error: String(err) }));
            approval = await claimApproval(deps, op, opts, rawInput);
            base.input = approval.input;
            base.host = approval.host;
            input = parseInput(op, approval.input);
        }
        else {
            input = parseInput(op, rawInput);
        }
    }
    catch (err) {
        release?.();
        const e = toOpsError(err);
        await appendAudit(deps, { ...base, phase: 'finished', outcome: 'error', error: { code: e.code, message: e.message }, durationMs: 0 });
        throw e;
    }
    try {
        if (op.effect !== 'read') {
            // No write happens unless its intent is on record first.
            await appendAudit(deps, { ...base, phase: 'started', outcome: 'pending', error: null, durationMs: null });
        }
        const ctx = {
            actor: opts.actor,
            onProgress: opts.onProgress ?? (() => undefined),
            signal: opts.signal ?? new AbortController().signal,
        };
        if (approval)
            ctx.preview = approval.preview;
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
            await appendAudit(deps, { ...base, phase: 'finished', outcome: 'ok', error: null, durationMs: Date.now() - started, ...(detail ? { detail } : {}) });
            if (approval)
                await endApproval(deps, approval.id, { summary: summaryOf(op, checked.data) });
            return checked.data;
        }
        catch (err) {
            const e = toOpsError(err, op.verb);
            await appendAudit(deps, {
                ...base,
                phase: 'finished',
                outcome: 'error',
                error: { code: e.code, message: e.message },
                durationMs: Date.now() - started,
            }).catch((auditErr) => deps.log.error('audit write failed', { op: op.name, error: String(auditErr) }));
            if (approval)
                await endApproval(deps, approval.id, { error: e.toLine() }).catch((stateErr) => deps.log.error('approval not updated', { approval: approval?.id, error: String(stateErr) }));
            throw e;
        }
    }
    finally {
        release?.();
    }
}
/**
 * The last line of defence: a destructive op runs only on an approved record made for it, moved
 * to "running" here under the state lock, so a replayed or double-delivered execution finds it
 * running or done and stops.
 */
async function claimApproval(deps, op, opts, rawInput) {
    const id = opts.approvalId;
    if (!id) {
        throw new OpsError('approval_required', `${op.verb} is destructive and needs an approved request`, {
            hint: 'Preview it first; then confirm (CLI: --yes) or have an admin approve the request',
        });
    }
    const claimed = await deps.state.update((data) => {
        const record = (data.approvals ?? []).find((r) => r.id === id);
        if (!record)
            throw new OpsError('not_found', `no approval request "${id}"`, { hint: '`storage-ops approvals --all` lists them' });
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
async function endApproval(deps, id, end) {
    const record = await deps.state.update((data) => {
        const r = (data.approvals ?? []).find((x) => x.id === id);
        if (!r || !r.execution)
            return null;
        r.status = end.error === undefined ? 'executed' : 'failed';
        r.execution.finishedAt = deps.now().toISOString();
        r.execution.outcome = end.error === undefined ? 'ok' : 'error';
        r.execution.summary = end.summary ?? null;
        r.execution.error = end.error ?? null;
        return structuredClone(r);
    });
    if (record)
        deps.events.emit({ type: record.status === 'executed' ? 'approval.executed' : 'approval.failed', approval: record });
}
/** A destructive op's preview; an op that cannot say what it would destroy does not run. */
export async function previewOf(deps, op, input, ctx) {
    if (!op.preview) {
        throw new OpsError('internal', `${op.name} is destructive but has no preview`, { hint: 'This is a bug in storage-ops' });
    }
    return op.preview(deps, input, ctx);
}
/** Validates raw input; the error names the field, says why, and points at the op's help. */
export function parseInput(op, rawInput) {
    const parsed = op.input.safeParse(rawInput ?? {});
    if (parsed.success)
        return parsed.data;
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length ? issue.path.join('.') : null;
    const why = issue ? describeIssue(issue) : 'invalid input';
    throw new OpsError('invalid_input', field ? `${op.verb}: ${field} ${why}` : `${op.verb}: ${why}`, {
        hint: `See \`storage-ops help ${op.verb}\``,
    });
}
function describeIssue(issue) {
    if (issue.code === 'unrecognized_keys')
        return `has unknown field(s): ${issue.keys.join(', ')}`;
    if (issue.code === 'invalid_type' && issue.input === undefined)
        return 'is required';
    return `is invalid: ${issue.message}`;
}
/** The host an op acts on: the one given, else the default for ops that take one (none for all-host ops). */
export function hostOf(deps, op, input) {
    if (typeof input.host === 'string')
        return input.host;
    if (!('host' in op.input.shape) || op.allHostsWhenOmitted)
        return null;
    try {
        return deps.engines.defaultName();
    }
    catch {
        return null;
    }
}
function asRecord(v) {
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}
function withoutUndefined(r) {
    return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
}
//# sourceMappingURL=run-op.js.map