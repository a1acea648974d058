import { formatBytes } from '../../core/format.js';
import { mention, slackDate } from '../bot-runtime.js';
import { previewView } from '../op-view.js';
import { cut, esc, LIMITS } from './mrkdwn.js';
import { context, viewBlocks } from './view-blocks.js';
export const APPROVE_ACTION = 'storage_approve_request';
export const DENY_ACTION = 'storage_deny_request';
/** Shown to everyone (Slack cannot show a button to one person); only the requester may use it. */
export const WITHDRAW_ACTION = 'storage_withdraw_request';
const STATUS_LINE = {
    pending: ':hourglass_flowing_sand: Waiting for an admin',
    approved: ':arrow_forward: Approved, running',
    denied: ':no_entry_sign: Denied',
    expired: ':alarm_clock: Expired',
    executed: ':white_check_mark: Approved and done',
    failed: ':x: Approved, but it failed',
    withdrawn: ':leftwards_arrow_with_hook: Withdrawn by the requester',
    running: ':arrow_forward: Approved, running',
    interrupted: ':warning: Approved, but the process running it stopped before it ended',
};
/** The request's status as of `now`: a pending request past its expiry shows as expired. */
export function effectiveStatus(r, now) {
    return r.status === 'pending' && Date.parse(r.expiresAt) <= now.getTime() ? 'expired' : r.status;
}
export function approvalMessage(r, now, result) {
    const status = effectiveStatus(r, now);
    const title = `${r.verb} on ${r.host ?? 'no host'}: ${status === 'pending' ? 'approval needed' : status}`;
    const head = [];
    const tail = [];
    tail.push(context(`Request \`${esc(r.id)}\` by ${mention(r.requester.id)} (${esc(r.requester.source)}) ${slackDate(r.createdAt)}` +
        (r.twoPerson ? ' · two-person rule: someone else must approve' : '')));
    if (status === 'pending') {
        tail.push({
            type: 'actions',
            block_id: `approval:${r.id}`,
            elements: [
                {
                    type: 'button',
                    action_id: APPROVE_ACTION,
                    value: r.id,
                    style: 'danger',
                    text: { type: 'plain_text', text: 'Approve' },
                    confirm: {
                        title: { type: 'plain_text', text: 'Approve this request?' },
                        text: { type: 'mrkdwn', text: cut(`${esc(r.preview.summary)} (${formatBytes(r.preview.totalBytes)}) on ${esc(r.host ?? '-')}. This cannot be undone.`, 300) },
                        confirm: { type: 'plain_text', text: 'Approve' },
                        deny: { type: 'plain_text', text: 'Cancel' },
                        style: 'danger',
                    },
                },
                { type: 'button', action_id: DENY_ACTION, value: r.id, text: { type: 'plain_text', text: 'Deny' } },
                { type: 'button', action_id: WITHDRAW_ACTION, value: r.id, text: { type: 'plain_text', text: 'Withdraw (requester)' } },
            ],
        });
        tail.push(context(`Expires ${slackDate(r.expiresAt)}.`));
    }
    else {
        const who = status === 'expired' ? 'nobody decided in time' : `by ${mention(r.decidedBy)}${r.decidedAt ? ` ${slackDate(r.decidedAt)}` : ''}`;
        const note = r.decisionNote && !['approved', 'denied'].includes(r.decisionNote) && status !== 'expired' ? ` — ${esc(r.decisionNote)}` : '';
        tail.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`*${STATUS_LINE[status]}* ${who}${note}`, LIMITS.sectionText) } });
        if (r.execution?.summary)
            tail.push(context(esc(r.execution.summary)));
        if (r.execution?.error)
            tail.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`:x: ${esc(r.execution.error)}`, LIMITS.sectionText) } });
    }
    const reserve = head.length + tail.length + (result ? 12 : 0);
    const rendered = viewBlocks(previewView(title, r.preview), { reserveBlocks: reserve, maxRows: 10 });
    let resultBlocks = [];
    if (result) {
        const room = LIMITS.blocks - rendered.blocks.length - head.length - tail.length - 1;
        resultBlocks = [{ type: 'divider' }, ...viewBlocks(result, { maxRows: 10 }).blocks].slice(0, Math.max(0, room));
    }
    return { text: `${title}: ${r.preview.summary}`, blocks: [...head, ...rendered.blocks, ...tail, ...resultBlocks], rendered };
}
//# sourceMappingURL=approval-blocks.js.map