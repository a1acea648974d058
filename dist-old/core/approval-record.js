/**
 * An approval request for a destructive op: what was asked (op, normalized input, host), what it
 * would do (the preview), who asked, who decided, and how the execution ended. Stored in the
 * state file's `approvals` collection; its status moves only forward, under the state lock.
 */
import { z } from 'zod';
export const PreviewItemSchema = z.object({
    kind: z.string(),
    id: z.string(),
    name: z.string(),
    sizeBytes: z.number().nullable(),
    action: z.string().describe('remove, overwrite, stop, skip, ...'),
    reason: z.string().optional(),
});
export const PreviewSchema = z.object({
    summary: z.string(),
    items: z.array(PreviewItemSchema),
    totalBytes: z.number(),
    notes: z.array(z.string()),
    plan: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
/**
 * pending → approved | denied | expired | withdrawn; approved → running (claimed by runOp, once)
 * → executed | failed | interrupted (its process died).
 */
export const ApprovalStatusSchema = z.enum(['pending', 'approved', 'denied', 'expired', 'withdrawn', 'running', 'executed', 'failed', 'interrupted']);
export const ApprovalRecordSchema = z.object({
    id: z.string(),
    op: z.string().describe('catalog op name'),
    verb: z.string(),
    host: z.string().nullable(),
    input: z.record(z.string(), z.unknown()).describe('normalized input (defaults applied, host resolved)'),
    preview: PreviewSchema,
    requester: z.object({ id: z.string(), source: z.string(), display: z.string().optional() }),
    createdAt: z.string(),
    expiresAt: z.string(),
    twoPerson: z.boolean().describe('the requester may not approve it'),
    status: ApprovalStatusSchema,
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable().describe('"approved", "denied: reason", "confirmed locally", "policy: ..."'),
    /** Idempotency key of the decision: the same key again is a no-op that says so. */
    decisionKey: z.string().nullable().optional(),
    execution: z
        .object({
        startedAt: z.string(),
        finishedAt: z.string().nullable(),
        outcome: z.enum(['running', 'ok', 'error', 'interrupted']),
        jobId: z.string().nullable().optional().describe('the job executing it, for long ops'),
        owner: z.object({ processId: z.string(), pid: z.number(), hostname: z.string(), bootId: z.string(), startedAt: z.string() }).nullable().optional(),
        summary: z.string().nullable(),
        error: z.string().nullable(),
    })
        .nullable(),
});
//# sourceMappingURL=approval-record.js.map