/**
 * The readable text beside structuredContent: the op's view, the approval request with its
 * preview, the job, each rendered by the kernel's text renderer with its title. MCP never formats
 * an op's output itself.
 */
import type { ApprovalRecord } from '../../core/approval-record.js';
import type { JobRecord } from '../../core/job-record.js';
import type { Op } from '../../core/op.js';
import { approvalView } from '../../core/views/approval-view.js';
import { jobView } from '../../core/views/job-view.js';
import { renderViewText } from '../../core/views/render-text.js';

export function opText(op: Op, output: unknown): string {
  return renderViewText(op.view(output), { title: true });
}

export function approvalText(record: ApprovalRecord): string {
  return renderViewText(approvalView(record), { title: true });
}

export function jobText(job: JobRecord): string {
  return renderViewText(jobView(job), { title: true });
}
