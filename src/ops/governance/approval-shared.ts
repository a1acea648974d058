/**
 * What the approval ops share: the id field, the decision output and the text of a request.
 */
import { z } from 'zod';
import { JobRecordSchema } from '../../core/job-record.js';
import { ApprovalRecordSchema, type ApprovalRecord } from '../../core/approval-record.js';
import { APPROVAL_ID_PATTERN } from '../../core/approvals.js';
import { renderPreview } from '../../core/preview-text.js';
import type { Deps } from '../../core/ports.js';

export const approvalId = z.string().regex(APPROVAL_ID_PATTERN, 'approval ids are 8 lowercase letters and digits');

export function renderApproval(r: ApprovalRecord): string {
  const lines = [
    `Request ${r.id}: ${r.verb} on ${r.host ?? '-'} by ${r.requester.display ?? r.requester.id} — ${r.status}` +
      (r.decidedBy ? ` (${r.decidedBy}${r.decisionNote ? `: ${r.decisionNote}` : ''})` : ` (expires ${r.expiresAt})`),
    renderPreview(r.preview),
  ];
  if (r.execution?.error) lines.push(`execution failed: ${r.execution.error}`);
  return lines.join('\n');
}

export const DecisionOutput = z.object({
  approval: ApprovalRecordSchema,
  alreadyDecided: z.boolean().describe('someone had decided already; nothing was done'),
  message: z.string(),
  result: z.unknown().nullable().describe("the executed op's output, when it ran to the end"),
  resultText: z.string().nullable(),
  job: JobRecordSchema.nullable().describe('the job that executed it (long ops), as it ended'),
});


/** The executed op's own presentation of its output. */
export function renderResult(deps: Deps, opName: string, result: unknown): string | null {
  const op = deps.ops.find(opName);
  return op ? op.render(result) : null;
}
