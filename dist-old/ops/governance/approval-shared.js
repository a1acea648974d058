/**
 * What the approval ops share: the id field, and the decision output with its view.
 */
import { z } from 'zod';
import { JobRecordSchema } from '../../core/job-record.js';
import { ApprovalRecordSchema } from '../../core/approval-record.js';
import { APPROVAL_ID_PATTERN } from '../../core/approvals.js';
import { ViewSchema } from '../../core/views/view-schema.js';
export const approvalId = z.string().regex(APPROVAL_ID_PATTERN, 'approval ids are 8 lowercase letters and digits');
export const DecisionOutput = z.object({
    approval: ApprovalRecordSchema,
    alreadyDecided: z.boolean().describe('someone had decided already; nothing was done'),
    message: z.string(),
    result: z.unknown().nullable().describe("the executed op's output, when it ran to the end"),
    resultView: ViewSchema.nullable().describe("the executed op's output as a view"),
    job: JobRecordSchema.nullable().describe('the job that executed it (long ops), as it ended'),
});
/** The executed op's view of its output; made in run(), where the catalog is at hand. */
export function resultViewOf(deps, opName, result) {
    const op = deps.ops.find(opName);
    return op ? op.view(result) : null;
}
/** The decision's message, then what the executed op did (its fields, tables, findings...). */
export function decisionView(o) {
    const r = o.resultView;
    const fields = [];
    if (o.job)
        fields.push({ label: 'Job', value: `${o.job.id} (${o.job.status})` });
    if (r)
        fields.push({ label: 'Result', value: r.summary }, ...(r.fields ?? []));
    return {
        title: `Request ${o.approval.id}: ${o.approval.status}`,
        summary: o.message,
        fields,
        tables: r?.tables ?? [],
        findings: r?.findings ?? [],
        notes: [...(o.approval.decisionNote && !r ? [`decision: ${o.approval.decisionNote}`] : []), ...(r?.notes ?? [])],
        charts: r?.charts ?? [],
        code: r?.code ?? [],
    };
}
//# sourceMappingURL=approval-shared.js.map