/**
 * A job as a view: its status, the last progress (phase, percent, amount, rate, time left), and
 * the result summary or the error. Used for `job <id>`, chat messages that follow a job, and MCP
 * progress.
 */
import { describeJobProgress } from '../job-progress-text.js';
/** Percent done (0-100, one decimal), when the progress has a total. */
export function jobPercent(job) {
    const p = job.progress;
    if (!p || !p.total || p.done === undefined)
        return null;
    return Math.min(100, Math.floor((p.done / p.total) * 1000) / 10);
}
/** "Job q7m2x9ka: backup on prod-1 by alice — running: reading 45% 120MB/260MB 80MB/s ETA 2s". */
export function jobLine(job) {
    const base = `Job ${job.id}: ${job.verb}${job.host ? ` on ${job.host}` : ''} by ${job.actor.display ?? job.actor.id} — ${job.status}`;
    switch (job.status) {
        case 'queued':
            return base;
        case 'running':
            return job.progress ? `${base}: ${describeJobProgress(job.progress)}` : base;
        case 'succeeded':
            return job.summary ? `${base}: ${job.summary}` : base;
        case 'failed':
            return `${base}: ${job.error?.message ?? job.summary ?? 'unknown error'}`;
        case 'cancelled':
            return job.cancelRequestedBy ? `${base} (by ${job.cancelRequestedBy})` : base;
        case 'interrupted':
            return `${base}: the process running it ended before it finished`;
    }
}
export function jobView(job) {
    const p = job.progress;
    const unitType = p?.unit === 'bytes' ? 'bytes' : 'count';
    const fields = [
        { label: 'Status', value: job.status },
        { label: 'Command', value: job.verb },
        { label: 'Host', value: job.host },
        { label: 'Started by', value: job.actor.display ?? job.actor.id },
    ];
    if (job.approvalId)
        fields.push({ label: 'Approval', value: job.approvalId });
    if (p) {
        fields.push({ label: 'Phase', value: p.phase });
        const pct = jobPercent(job);
        if (pct !== null)
            fields.push({ label: 'Progress', value: pct, type: 'percent' });
        if (p.done !== undefined)
            fields.push({ label: 'Done', value: p.done, type: unitType });
        if (p.total !== undefined)
            fields.push({ label: 'Total', value: p.total, type: unitType });
        if (p.rate !== undefined)
            fields.push({ label: 'Rate', value: p.rate, type: unitType, perSecond: true });
        if (p.etaSeconds !== undefined && job.status === 'running')
            fields.push({ label: 'Time left', value: p.etaSeconds * 1000, type: 'duration' });
        if (p.message)
            fields.push({ label: 'Message', value: p.message });
    }
    fields.push({ label: 'Created', value: job.createdAt, type: 'time' });
    if (job.startedAt)
        fields.push({ label: 'Started', value: job.startedAt, type: 'time' });
    if (job.finishedAt)
        fields.push({ label: 'Finished', value: job.finishedAt, type: 'time' });
    if (job.startedAt && job.finishedAt)
        fields.push({ label: 'Took', value: Date.parse(job.finishedAt) - Date.parse(job.startedAt), type: 'duration' });
    if (job.status === 'succeeded' && job.summary)
        fields.push({ label: 'Result', value: job.summary });
    const findings = [];
    if (job.status === 'failed') {
        findings.push({ severity: 'critical', message: job.error ? `${job.error.code}: ${job.error.message}` : (job.summary ?? 'failed'), ...(job.error?.hint ? { advice: job.error.hint } : {}) });
    }
    else if (job.status === 'interrupted') {
        findings.push({ severity: 'warning', message: 'the process running this job ended before it finished', advice: 'Check what it left behind, then run it again' });
    }
    const charts = [];
    const pct = jobPercent(job);
    if (pct !== null && (job.status === 'running' || job.status === 'queued')) {
        charts.push({ id: 'progress', title: `${job.verb}: ${p?.phase ?? ''}`.trim(), kind: 'gauge', unit: 'percent', points: [{ x: 'done', value: pct }] });
    }
    return { title: `Job ${job.id}: ${job.verb}`, summary: jobLine(job), fields, findings, charts };
}
//# sourceMappingURL=job-view.js.map