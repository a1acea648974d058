/**
 * Text for Slack: escaping (user and engine text is never read as mrkdwn links, mentions or
 * commands like <!channel>) and cutting to Slack's per-field limits without breaking an escape.
 */

/** Escapes the three characters Slack's mrkdwn treats as control: & < >. */
export function esc(text: string): string {
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
} as const;

/**
 * Cuts already-escaped text to `max` characters, ending with "…" and never inside an escape
 * sequence such as "&amp;".
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const amp = text.lastIndexOf('&', end);
  if (amp >= 0 && amp > end - 5 && text.indexOf(';', amp) >= end) end = amp;
  return text.slice(0, end) + '…';
}

/** Escaped, then cut: for one text field. */
export function field(text: string, max: number = LIMITS.sectionText): string {
  return cut(esc(text), max);
}

/** A code block whose content is escaped and cut so the whole fits `max` characters. */
export function codeBlock(text: string, max: number = LIMITS.sectionText): string {
  const body = cut(esc(text.replace(/```/g, "'''")), max - 8);
  return '```\n' + body + '\n```';
}

/**
 * Long preformatted text (the command list grows with the catalog) as several code blocks, split
 * between lines, each within a text field's limit once escaped, so nothing is cut off.
 */
export function codeBlocks(text: string, max: number = LIMITS.sectionText): string[] {
  const room = max - 8;
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const line of text.split('\n')) {
    const cost = esc(line.replace(/```/g, "'''")).length + 1;
    if (current.length && size + cost > room) {
      chunks.push(current.join('\n'));
      current = [];
      size = 0;
    }
    current.push(line);
    size += cost;
  }
  if (current.length) chunks.push(current.join('\n'));
  return chunks.map((c) => codeBlock(c, max));
}
