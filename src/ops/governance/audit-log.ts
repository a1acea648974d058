/**
 * audit_log: the most recent audit entries, newest first, optionally narrowed to one op, actor or
 * approval. Reads the audit log backwards and stops once it has enough, so asking for the last
 * 50 entries costs the same however long the log is.
 */
import { z } from 'zod';
import { readAudit } from '../../core/audit.js';
import { AuditEntrySchema } from '../../core/audit-entry.js';
import { table } from '../../core/format.js';
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
  render(o) {
    if (o.entries.length === 0) return 'No audit entries.';
    const rows = table([
      ['TIME', 'ACTOR', 'OP', 'HOST', 'PHASE', 'OUTCOME', 'DETAIL'],
      ...o.entries.map((e) => [
        e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        e.actor,
        e.op,
        e.host ?? '-',
        e.phase,
        e.outcome,
        e.error ? `${e.error.code}: ${e.error.message}` : e.durationMs !== null ? `${e.durationMs} ms` : '',
      ]),
    ]);
    return o.more ? `${rows}\n(older entries exist: raise --limit to see them)` : rows;
  },
});
