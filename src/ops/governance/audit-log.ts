/**
 * audit_log: the most recent audit entries, newest first, optionally narrowed to one op or actor.
 */
import { z } from 'zod';
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
  output: z.object({ total: z.number().int().describe('entries kept in the log'), entries: z.array(AuditEntrySchema) }),
  examples: ['', '--limit 20', '--op volume_create', '--approval k3m9x2qa'],
  async run(deps, input) {
    const { audit } = await deps.state.read();
    const picked = audit
      .filter((e) => (!input.op || e.op === input.op) && (!input.actor || e.actor === input.actor) && (!input.approval || e.approvalId === input.approval))
      .slice(-input.limit)
      .reverse();
    return { total: audit.length, entries: picked };
  },
  view(o) {
    const title = 'Audit log';
    if (o.total === 0) return { title, summary: 'The audit log is empty.' };
    if (o.entries.length === 0) return { title, summary: `No audit entries match (${o.total} in the log).` };
    return {
      title,
      summary: `${o.entries.length} of ${o.total} audit entries, newest first`,
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
    };
  },
});
