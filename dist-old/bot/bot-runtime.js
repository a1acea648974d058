/** The Slack error code of a failed Web API call ("not_in_channel"), if it is one. */
export function slackErrorCode(err) {
    const data = err?.data;
    return typeof data?.error === 'string' ? data.error : null;
}
/** Errors that mean the bot cannot post to the channel itself. */
export function isNotInChannel(err) {
    const code = slackErrorCode(err);
    return code === 'not_in_channel' || code === 'channel_not_found' || code === 'is_archived';
}
/** Mention for an identity: a Slack user or group as a mention, anything else as code. */
export function mention(identity) {
    if (!identity)
        return 'nobody';
    if (identity.startsWith('slack:'))
        return `<@${identity.slice(6).replace(/[^A-Z0-9]/gi, '')}>`;
    if (identity.startsWith('slack-group:'))
        return `<!subteam^${identity.slice(12).replace(/[^A-Z0-9]/gi, '')}>`;
    return '`' + identity.replace(/[`<>&]/g, '') + '`';
}
/** Slack's date formatting: shown in each reader's time zone, with a plain fallback. */
export function slackDate(iso) {
    const t = Date.parse(iso);
    if (Number.isNaN(t))
        return iso.replace(/[<>&|]/g, '');
    return `<!date^${Math.floor(t / 1000)}^{date_short_pretty} {time_secs}|${new Date(t).toISOString()}>`;
}
//# sourceMappingURL=bot-runtime.js.map