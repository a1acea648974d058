/**
 * What a tool's structuredContent holds, per kind of op. A plain read or write returns the op's
 * output as it is. A long op returns its job and, once finished, the output. A destructive op
 * returns its approval request (with the preview) and, if it ran, the output. The zod schemas
 * here are the tools' outputSchemas, and every result is checked against them before it is sent.
 */
import { z } from 'zod';
import { ApprovalRecordSchema } from '../../core/approval-record.js';
import { JobRecordSchema } from '../../core/job-record.js';
/** A job as a client sees it: the owner process stays private, the result lives beside it. */
export const JobBriefSchema = JobRecordSchema.omit({ owner: true, result: true, input: true });
export function jobBrief(job) {
    const { owner: _owner, result: _result, input: _input, ...brief } = job;
    return brief;
}
export const DestructiveOutcomeSchema = z
    .enum(['awaiting_approval', 'executed', 'running', 'failed', 'withdrawn'])
    .describe('awaiting_approval: a human admin must approve the request (Slack or CLI); executed: it ran and `result` holds the output; ' +
    'running: it runs as the job in `job`; failed: it was approved but the execution failed (see `job` and `approval`); withdrawn: the user declined, nothing was changed');
const envelopes = new WeakMap();
function buildEnvelope(op) {
    if (op.effect === 'destructive') {
        return z.object({
            outcome: DestructiveOutcomeSchema,
            message: z.string().describe('what happened and what comes next, in one or two sentences'),
            approval: ApprovalRecordSchema.describe('the approval request: id, status, the preview of exactly what would change'),
            job: JobBriefSchema.nullable().describe('the job running the approved request, for long ops'),
            result: op.output.nullable().describe("the op's output once executed; null until then"),
        });
    }
    if (op.long) {
        return z.object({
            job: JobBriefSchema.describe('the job; poll it with the job tools or storage://jobs/{id}'),
            result: op.output.nullable().describe("the op's output once the job succeeded; null while it runs"),
        });
    }
    if (!(op.output instanceof z.ZodObject)) {
        // MCP output schemas are objects; wrap any other shape so the tool can still declare it.
        return z.object({ result: op.output });
    }
    return op.output;
}
/** The zod schema of a tool's structuredContent (cached: an op's envelope never changes). */
export function outputSchemaOf(op) {
    let env = envelopes.get(op);
    if (!env) {
        env = buildEnvelope(op);
        envelopes.set(op, env);
    }
    return env;
}
/** Whether the op's plain output is wrapped as `{ result }` (only for non-object outputs). */
export function wrapsPlainOutput(op) {
    return op.effect !== 'destructive' && !op.long && !(op.output instanceof z.ZodObject);
}
//# sourceMappingURL=tool-envelopes.js.map