/**
 * What the approval ops share: the id field and the decision output with its view.
 */
import { z } from 'zod';
import { ApprovalRecordSchema } from '../../core/approval-record.js';
import { APPROVAL_ID_PATTERN } from '../../core/approvals.js';
import type { View } from '../../core/view.js';
import { ViewSchema } from '../../core/views/view-schema.js';

export const approvalId = z.string().regex(APPROVAL_ID_PATTERN, 'approval ids are 8 lowercase letters and digits');

export const DecisionOutput = z.object({
  approval: ApprovalRecordSchema,
  alreadyDecided: z.boolean().describe('someone had decided already; nothing was done'),
  message: z.string(),
  result: z.unknown().nullable().describe("the executed op's output"),
  resultView: ViewSchema.nullable().describe("the executed op's output as a view"),
});
export type DecisionOutput = z.output<typeof DecisionOutput>;

/** The decision: its message, then what the executed op did (its fields, tables, findings). */
export function decisionView(o: DecisionOutput): View {
  const r = o.resultView;
  const status = o.approval.status;
  return {
    title: `Request ${o.approval.id}: ${status}`,
    summary: o.message,
    fields: [...(r ? [{ label: 'Result', value: r.summary }] : []), ...(r?.fields ?? [])],
    tables: r?.tables ?? [],
    findings: r?.findings ?? [],
    notes: [...(o.approval.decisionNote && !r ? [`decision: ${o.approval.decisionNote}`] : []), ...(r?.notes ?? [])],
    charts: r?.charts ?? [],
    code: r?.code ?? [],
  };
}
