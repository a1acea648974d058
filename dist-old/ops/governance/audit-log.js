/**
 * audit_log: the most recent audit entries, newest first, optionally narrowed to one op, actor or
 * approval. Reads the audit log backwards and stops once it has enough, so asking for the last
 * 50 entries costs the same however long the log is.
 */
import { z } from 'zod';
import { readAudit } from '../../core/audit.js';
import { AuditEntrySchema } from '../../core/audit-entry.js';
import { defineOp } from '../../core/op.js';
export const auditLog = defineOp({
    name: 'audit_log',
    verb: 'audit',
    summary: 'Show the audit trail: who ran what, when, and how it ended',
    effect: 'read',
    input: z.strictObject({
        limit: z.number().int().min(1).max(10000).default(50).describe('how many entries, newest first (default 50)'),
        op: z.string().min(1).optional().describe('only entries of this op (canonical name, e.g. volume_create)'),
        actor: z.string().min(1).optional().describe('only entries of this actor (e.g. cli:alice)'),
        approval: z.string().min(1).optional().describe('only the story of this approval request (requested, decided, started, finished)'),
    }),
    output: z.object({
        entries: z.array(AuditEntrySchema).describe('newest first'),
        more: z.boolean().describe('older entries that match exist beyond the limit'),
    }),
    examples: ['', '--limit 20', '--op volume_create', '--approval k3m9x2qa'],
    async run(deps, input) {
        return readAudit(deps, {
            limit: input.limit,
            filter: (e) => (!input.op || e.op === input.op) && (!input.actor || e.actor === input.actor) && (!input.approval || e.approvalId === input.approval),
        });
    },
    view(o) {
        const title = 'Audit log';
        if (o.entries.length === 0)
            return { title, summary: 'No audit entries.' };
        return {
            title,
            summary: `${o.entries.length} audit entr${o.entries.length === 1 ? 'y' : 'ies'}, newest first${o.more ? '; older ones exist' : ''}`,
            tables: [
                {
                    id: 'entries',
                    columns: [
                        { key: 'at', label: 'TIME', type: 'time' },
                        { key: 'actor', label: 'ACTOR', type: 'text' },
                        { key: 'op', label: 'OP', type: 'text' },
                        { key: 'host', label: 'HOST', type: 'text' },
                        { key: 'phase', label: 'PHASE', type: 'text' },
                        { key: 'outcome', label: 'OUTCOME', type: 'text' },
                        { key: 'duration', label: 'TOOK', type: 'duration' },
                        { key: 'error', label: 'ERROR', type: 'text' },
                    ],
                    rows: o.entries.map((e) => ({
                        at: e.at,
                        actor: e.actor,
                        op: e.op,
                        host: e.host,
                        phase: e.phase,
                        outcome: e.outcome,
                        duration: e.durationMs,
                        error: e.error ? `${e.error.code}: ${e.error.message}` : '',
                    })),
                },
            ],
            notes: o.more ? ['older entries exist: raise --limit to see them'] : [],
        };
    },
});
//# sourceMappingURL=audit-log.js.map