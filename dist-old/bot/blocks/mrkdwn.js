/**
 * Text for Slack: escaping (user and engine text is never read as mrkdwn links, mentions or
 * commands like <!channel>) and cutting to Slack's per-field limits without breaking an escape.
 */
/** Escapes the three characters Slack's mrkdwn treats as control: & < >. */
export function esc(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
/** Text limits of Block Kit, from Slack's reference. */
export const LIMITS = {
    blocks: 50,
    sectionText: 3000,
    sectionField: 2000,
    sectionFields: 10,
    headerText: 150,
    contextElements: 10,
    buttonText: 75,
    messageText: 4000,
};
/**
 * Cuts already-escaped text to `max` characters, ending with "…" and never inside an escape
 * sequence such as "&amp;".
 */
export function cut(text, max) {
    if (text.length <= max)
        return text;
    let end = max - 1;
    const amp = text.lastIndexOf('&', end);
    if (amp >= 0 && amp > end - 5 && text.indexOf(';', amp) >= end)
        end = amp;
    return text.slice(0, end) + '…';
}
/** Escaped, then cut: for one text field. */
export function field(text, max = LIMITS.sectionText) {
    return cut(esc(text), max);
}
/** A code block whose content is escaped and cut so the whole fits `max` characters. */
export function codeBlock(text, max = LIMITS.sectionText) {
    const body = cut(esc(text.replace(/```/g, "'''")), max - 8);
    return '```\n' + body + '\n```';
}
//# sourceMappingURL=mrkdwn.js.map