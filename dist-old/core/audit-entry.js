/**
 * The audit entry: who ran which op, from where, with what input, and how it ended.
 */
import { z } from 'zod';
export const AuditEntrySchema = z.object({
    id: z.string().describe('entry id'),
    at: z.string().describe('ISO time the entry was written'),
    actor: z.string().describe('who asked: CLI user, Slack user, MCP client or schedule'),
    source: z.string().describe('adapter: cli, slack, mcp, schedule'),
    op: z.string().describe('catalog op name'),
    host: z.string().nullable().describe('engine the op ran against'),
    phase: z
        .enum(['requested', 'decided', 'started', 'finished'])
        .describe('requested/decided: approval steps; started precedes every write; finished ends every call'),
    input: z.record(z.string(), z.unknown()).describe('input as given, secrets redacted'),
    outcome: z.enum(['ok', 'error', 'pending', 'denied', 'expired']).describe('result of the step'),
    error: z.object({ code: z.string(), message: z.string() }).nullable().describe('error when outcome is error'),
    durationMs: z.number().nullable().describe('run time in milliseconds'),
    approvalId: z.string().nullable().optional().describe('approval request this step belongs to'),
    detail: z.record(z.string(), z.unknown()).optional().describe('op-specific facts worth keeping'),
});
//# sourceMappingURL=audit-entry.js.map