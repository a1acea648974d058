/**
 * audit_log: the most recent audit entries, newest first, optionally narrowed to one op, actor or
 * approval. Reads the audit log backwards and stops once it has enough, so asking for the last
 * 50 entries costs the same however long the log is.
 */
import { z } from 'zod';
import { readAudit } from '../../core/audit.js';
import { AuditEntrySchema, type AuditEntry } from '../../core/audit-entry.js';
import { table } from '../../core/format.js';
import { defineOp } from '../../core/op.js';
import { OpsError } from '../../core/errors.js';
import { closest } from '../../core/words/suggest.js';

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
    // A filter on an op that does not exist would just say "empty": say what was wrong instead.
    if (input.op && !deps.ops.all().some((o) => o.name === input.op)) {
      const byVerb = deps.ops.find(input.op);
      const guess = byVerb?.name ?? closest(input.op, deps.ops.all().map((o) => o.name));
      throw new OpsError('invalid_input', `audit: --op ${input.op} is not an operation${guess ? ` (did you mean --op ${guess}?)` : ''}`, {
        hint: `--op takes the canonical name (the MCP tool name), e.g. ${deps.ops.all().slice(0, 3).map((o) => o.name).join(', ')}; \`storage-ops help\` lists them`,
      });
    }
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
        detailText(e),
      ]),
    ]);
    return o.more ? `${rows}\n(older entries exist: raise --limit to see them)` : rows;
  },
});

/** The DETAIL column: the error, else an approval step's note (who decided, why), else the run time. */
function detailText(e: AuditEntry): string {
  if (e.error) return `${e.error.code}: ${e.error.message}`;
  const note = typeof e.detail?.note === 'string' ? `note: ${e.detail.note}` : '';
  const time = e.durationMs !== null ? `${e.durationMs} ms` : '';
  return [note, time].filter(Boolean).join('; ');
}
