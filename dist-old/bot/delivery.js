import { toOpsError } from '../core/errors.js';
import { redactText } from '../core/redact.js';
import { chartPng } from './blocks/chart-png.js';
import { codeBlock, esc } from './blocks/mrkdwn.js';
import { context, viewBlocks } from './blocks/view-blocks.js';
import { isNotInChannel } from './bot-runtime.js';
import { forSlack } from './command-line.js';
export function inviteHint(rt) {
    return `I am not a member of this channel, so this came through the command's reply link (it lasts 30 minutes) and I cannot update it or attach files here. Invite me with \`/invite @${esc(rt.botName)}\` and run it again.`;
}
export function composeBlocks(rendered, extras = {}) {
    return [...(extras.before ?? []), ...rendered.blocks, ...(extras.after ?? [])];
}
/** Posts a view; returns the message when the bot posted it itself (so it can be updated). */
export async function deliverView(rt, target, view, visibility, extras = {}) {
    const reserve = (extras.before?.length ?? 0) + (extras.after?.length ?? 0);
    const rendered = viewBlocks(view, { reserveBlocks: reserve });
    const blocks = composeBlocks(rendered, extras);
    if (visibility === 'private' && target.respond) {
        const note = rendered.files.length || rendered.charts.length ? [context('Attachments (full tables, charts) are posted with `--here` only.')] : [];
        await target.respond({ response_type: 'ephemeral', replace_original: false, text: rendered.text, blocks: [...blocks, ...note] });
        return null;
    }
    const ref = await postOrRespond(rt, target, rendered.text, blocks);
    if (ref)
        await uploadAttachments(rt, ref, rendered);
    return ref;
}
/** chat.postMessage with the bot token; on "not in channel", the response_url with the invite hint. */
export async function postOrRespond(rt, target, text, blocks) {
    try {
        const res = await rt.client.chat.postMessage({ channel: target.channel, text, blocks, unfurl_links: false, unfurl_media: false });
        return { channel: res.channel ?? target.channel, ts: res.ts ?? '' };
    }
    catch (err) {
        if (!isNotInChannel(err) || !target.respond)
            throw err;
        await target.respond({ response_type: 'in_channel', replace_original: false, text, blocks: [...blocks.slice(0, 49), context(inviteHint(rt))] });
        return null;
    }
}
/** Full tables (CSV) and chart PNGs in the message's thread. Failures are logged and said, never fatal. */
export async function uploadAttachments(rt, ref, rendered) {
    const uploads = rendered.files.map((f) => ({ filename: f.filename, title: f.title, file: Buffer.from(f.content, 'utf8') }));
    for (const chart of rendered.charts) {
        try {
            uploads.push({ filename: `${chart.id.replace(/[^a-zA-Z0-9_.-]+/g, '-')}.png`, title: chart.title, file: await chartPng(chart) });
        }
        catch (err) {
            rt.log.warn('slack: could not render a chart; the table carries the numbers', { chart: chart.id, error: toOpsError(err).message });
        }
    }
    if (uploads.length === 0)
        return;
    try {
        await rt.client.filesUploadV2({ channel_id: ref.channel, thread_ts: ref.ts, file_uploads: uploads });
    }
    catch (err) {
        rt.log.warn('slack: could not upload attachments', { channel: ref.channel, error: toOpsError(err).message });
        await rt.client.chat
            .postMessage({ channel: ref.channel, thread_ts: ref.ts, text: `Could not attach ${uploads.map((u) => u.filename).join(', ')}: ${toOpsError(err).message}. Does the app have the files:write scope?` })
            .catch(() => undefined);
    }
}
/** An error as a Slack reply: what failed, why, what to try; escaped. */
export function errorText(err) {
    return `:x: ${esc(forSlack(redactText(toOpsError(err).toLine())))}`;
}
export async function replyPrivately(target, raw, rawCode) {
    if (!target.respond)
        return;
    const text = redactText(raw);
    const code = rawCode === undefined ? undefined : redactText(rawCode);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }];
    if (code)
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: codeBlock(code) } });
    await target.respond({ response_type: 'ephemeral', replace_original: false, text: text.slice(0, 3000), blocks });
}
//# sourceMappingURL=delivery.js.map