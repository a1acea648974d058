/**
 * What the job ops share: the id field and the text of a job.
 */
import { z } from 'zod';
import type { JobRecord } from '../../core/job-record.js';
import { JOB_ID_PATTERN } from '../../core/jobs.js';
import { describeJobProgress } from '../../core/job-progress-text.js';

export const jobId = z.string().regex(JOB_ID_PATTERN, 'job ids are 8 lowercase letters and digits');

export function renderJob(j: JobRecord): string {
  const lines = [`Job ${j.id}: ${j.verb}${j.host ? ` on ${j.host}` : ''} by ${j.actor.display ?? j.actor.id} — ${j.status}`];
  lines.push(`  created ${j.createdAt}${j.startedAt ? `, started ${j.startedAt}` : ''}${j.finishedAt ? `, ended ${j.finishedAt}` : ''}`);
  if (j.progress && (j.status === 'running' || j.status === 'queued')) lines.push(`  ${describeJobProgress(j.progress)}`);
  if (j.approvalId) lines.push(`  executes approval ${j.approvalId}`);
  if (j.cancelRequestedBy && j.status !== 'cancelled') lines.push(`  cancel requested by ${j.cancelRequestedBy}`);
  if (j.summary) lines.push(`  ${j.summary}`);
  if (j.error && j.status !== 'cancelled') lines.push(`  error: ${j.error.message}${j.error.hint ? `. ${j.error.hint}` : ''}`);
  return lines.join('\n');
}
