/**
 * What the job ops share: the id field, and the table of jobs.
 */
import { z } from 'zod';
import { JOB_ID_PATTERN } from '../../core/jobs.js';
import { jobPercent } from '../../core/views/job-view.js';
export const jobId = z.string().regex(JOB_ID_PATTERN, 'job ids are 8 lowercase letters and digits');
export function jobsTable(jobs) {
    return {
        id: 'jobs',
        columns: [
            { key: 'id', label: 'ID', type: 'text' },
            { key: 'command', label: 'COMMAND', type: 'text' },
            { key: 'host', label: 'HOST', type: 'text' },
            { key: 'actor', label: 'STARTED BY', type: 'text' },
            { key: 'status', label: 'STATUS', type: 'text' },
            { key: 'progress', label: 'DONE', type: 'percent' },
            { key: 'phase', label: 'PHASE', type: 'text' },
            { key: 'created', label: 'CREATED', type: 'time' },
            { key: 'finished', label: 'ENDED', type: 'time' },
            { key: 'outcome', label: 'RESULT', type: 'text' },
        ],
        rows: jobs.map((j) => {
            const live = j.status === 'running' || j.status === 'queued';
            return {
                id: j.id,
                command: j.verb,
                host: j.host,
                actor: j.actor.display ?? j.actor.id,
                status: j.cancelRequestedBy && live ? `${j.status} (cancel requested by ${j.cancelRequestedBy})` : j.status,
                progress: live ? jobPercent(j) : null,
                phase: live ? (j.progress?.phase ?? null) : null,
                created: j.createdAt,
                finished: j.finishedAt,
                outcome: j.error && j.status !== 'cancelled' ? `error: ${j.error.message}` : (j.summary ?? (j.approvalId ? `executes approval ${j.approvalId}` : '')),
            };
        }),
    };
}
//# sourceMappingURL=job-shared.js.map