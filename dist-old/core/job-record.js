/**
 * A job: one run of a long op (backup, restore, verify, bench, an approved clean-up), persisted
 * in the state file so any process sharing the data dir can show it, follow it and cancel it.
 */
import { z } from 'zod';
export const JobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export const JobProgressSchema = z.object({
    phase: z.string().describe('what the job is doing now, e.g. "reading", "compressing", "verifying"'),
    done: z.number().optional().describe('units done so far'),
    total: z.number().optional().describe('units in all, when known'),
    unit: z.enum(['bytes', 'items']).optional(),
    rate: z.number().optional().describe('units per second'),
    etaSeconds: z.number().optional().describe('seconds left at the current rate, when the total is known'),
    message: z.string().optional(),
    at: z.string().describe('ISO time of this progress report'),
});
export const JobRecordSchema = z.object({
    id: z.string().describe('job id (8 lowercase letters and digits)'),
    op: z.string().describe('catalog op name'),
    verb: z.string(),
    host: z.string().nullable().describe('engine the job acts on'),
    actor: z.object({ id: z.string(), source: z.string(), display: z.string().optional() }),
    input: z.record(z.string(), z.unknown()).describe('input as run, secrets redacted'),
    approvalId: z.string().nullable().describe('approval request the job executes, for destructive ops'),
    status: JobStatusSchema,
    progress: JobProgressSchema.nullable().describe('last progress report'),
    result: z.unknown().nullable().describe("the op's output once succeeded"),
    summary: z.string().nullable().describe("one line: the result view's summary, or the error"),
    error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    /** Set by any process asking to cancel; the owning process aborts within seconds. */
    cancelRequestedBy: z.string().nullable(),
    /** The process running it (for "interrupted" after a crash); never shown to chat users. */
    owner: z.object({ processId: z.string(), pid: z.number(), hostname: z.string(), bootId: z.string(), startedAt: z.string() }).nullable(),
    /** The job that started this one (e.g. a backup's retention), which never waits for a free slot. */
    parentJobId: z.string().nullable().optional(),
});
export const FINISHED_JOB_STATUSES = ['succeeded', 'failed', 'cancelled', 'interrupted'];
//# sourceMappingURL=job-record.js.map