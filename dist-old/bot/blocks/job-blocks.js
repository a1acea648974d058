/**
 * A long op's message while it runs: what it is doing (phase), how far (percent, amount), how
 * fast and how long is left, with a Cancel button; when it ends, the result view replaces it.
 */
import { formatBytes } from '../../core/format.js';
import { formatDuration } from './cell-text.js';
import { cut, esc, LIMITS } from './mrkdwn.js';
import { context } from './view-blocks.js';
export const CANCEL_ACTION = 'storage_cancel_job';
/** "reading · 42% (1.2GB of 2.9GB) · 95.1MB/s · about 18s left". */
export function progressLine(p) {
    if (!p)
        return 'starting';
    const parts = [p.phase];
    const amount = (n) => (p.unit === 'bytes' ? formatBytes(n) : n.toLocaleString('en-US'));
    if (p.total && p.total > 0 && p.done !== undefined)
        parts.push(`${Math.min(100, Math.floor((p.done / p.total) * 100))}% (${amount(p.done)} of ${amount(p.total)})`);
    else if (p.done !== undefined)
        parts.push(`${amount(p.done)} so far`);
    if (p.rate !== undefined && p.rate > 0)
        parts.push(p.unit === 'bytes' ? `${formatBytes(p.rate)}/s` : `${p.rate.toFixed(1)}/s`);
    const eta = p.etaSeconds ?? (p.total && p.rate && p.done !== undefined && p.rate > 0 ? (p.total - p.done) / p.rate : undefined);
    if (eta !== undefined && Number.isFinite(eta))
        parts.push(`about ${formatDuration(eta)} left`);
    if (p.message)
        parts.push(p.message);
    return parts.join(' · ');
}
export function runningBlocks(title, jobId, p, cancelRequestedBy) {
    const blocks = [
        { type: 'header', text: { type: 'plain_text', text: cut(title, LIMITS.headerText) } },
        { type: 'section', text: { type: 'mrkdwn', text: cut(`:arrows_counterclockwise: ${esc(progressLine(p))}`, LIMITS.sectionText) } },
    ];
    if (cancelRequestedBy)
        blocks.push(context(`Cancelling (asked by ${esc(cancelRequestedBy)})…`));
    else {
        blocks.push({
            type: 'actions',
            block_id: `job:${jobId}`,
            elements: [
                {
                    type: 'button',
                    action_id: CANCEL_ACTION,
                    value: jobId,
                    text: { type: 'plain_text', text: 'Cancel' },
                    confirm: {
                        title: { type: 'plain_text', text: 'Cancel this job?' },
                        text: { type: 'mrkdwn', text: cut(`Stop ${esc(title)}? What it did so far is cleaned up.`, 300) },
                        confirm: { type: 'plain_text', text: 'Cancel the job' },
                        deny: { type: 'plain_text', text: 'Keep it running' },
                    },
                },
            ],
        });
    }
    return blocks;
}
//# sourceMappingURL=job-blocks.js.map