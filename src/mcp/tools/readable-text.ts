/**
 * The readable text beside structuredContent: the op's view, the approval request with its
 * preview, the job, each rendered by the kernel's text renderer with its title. MCP never formats
 * an op's output itself. Long tables are cut in the text (a model pays for every token it reads);
 * structuredContent always carries every row.
 */
import type { ApprovalRecord } from '../../core/approval-record.js';
import type { JobRecord } from '../../core/job-record.js';
import type { Op } from '../../core/op.js';
import { cutTables } from '../../core/views/cut-tables.js';
import { approvalView } from '../../core/views/approval-view.js';
import { jobView } from '../../core/views/job-view.js';
import { renderViewText } from '../../core/views/render-text.js';

/** Rows of a table shown in the readable text; the rest are counted in a note. */
export const TEXT_MAX_ROWS = 100;

export function opText(op: Op, output: unknown): string {
  const view = cutTables(op.view(output), TEXT_MAX_ROWS, { fullAt: 'every row is in structuredContent' });
  return renderViewText(view, { title: true });
}

export function approvalText(record: ApprovalRecord): string {
  return renderViewText(approvalView(record), { title: true });
}

export function jobText(job: JobRecord): string {
  return renderViewText(jobView(job), { title: true });
}
