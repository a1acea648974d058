/**
 * The human rendering of a destructive op's preview: what would go, each item's size and action,
 * why the others stay, and the total. Shared by the CLI, Slack messages and approval listings.
 */
import { formatBytes, table } from './format.js';
import type { Preview } from './op.js';

export function renderPreview(p: Preview): string {
  const lines = [`${p.summary} — ${formatBytes(p.totalBytes)} in total.`];
  if (p.items.length) {
    lines.push('', table([['ACTION', 'KIND', 'NAME', 'SIZE', 'WHY'], ...p.items.map((i) => [i.action, i.kind, i.name, formatBytes(i.sizeBytes), i.reason ?? ''])]));
  }
  for (const n of p.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
