/**
 * The readable text beside structuredContent: the op's own rendering, the approval request with
 * its preview, the job. MCP never formats an op's output itself; it shows what the op renders.
 */
import type { ApprovalRecord } from '../../core/approval-record.js';
import type { JobRecord } from '../../core/job-record.js';
import type { Op } from '../../core/op.js';
import { renderApproval } from '../../ops/governance/approval-shared.js';

export function opText(op: Op, output: unknown): string {
  return op.render(output);
}

export function approvalText(record: ApprovalRecord): string {
  return renderApproval(record);
}

export function jobText(job: JobRecord): string {
  const p = job.progress;
  const progress = p ? ` — ${p.phase}${p.total ? ` ${Math.floor(((p.done ?? 0) / p.total) * 100)}%` : ''}` : '';
  const lines = [`Job ${job.id}: ${job.verb} on ${job.host ?? '-'} — ${job.status}${progress}`];
  if (job.summary) lines.push(job.summary);
  if (job.error) lines.push(`error: ${job.error.message}${job.error.hint ? `. ${job.error.hint}` : ''}`);
  return lines.join('\n');
}
