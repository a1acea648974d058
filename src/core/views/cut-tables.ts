/**
 * Cuts a view's long tables for transports with a size limit (a Slack message, a chat reply):
 * each table keeps its first maxRows rows and the view gets a note saying how many more there
 * are and where to find them. The full rows stay in the op's JSON output; adapters that can
 * attach files upload the uncut table (compare with the view they passed in).
 */
import type { View } from '../view.js';

export interface CutOptions {
  /** Where the rest is, ending the note; default "the full table is in the JSON output". */
  fullAt?: string;
}

export function cutTables(view: View, maxRows: number, opts: CutOptions = {}): View {
  const keep = Math.max(0, Math.floor(maxRows));
  const notes: string[] = [];
  const tables = view.tables?.map((t) => {
    if (t.rows.length <= keep) return t;
    const more = t.rows.length - keep;
    notes.push(`${more} more row${more === 1 ? '' : 's'} of ${t.title ?? t.id} not shown (${keep} of ${t.rows.length}); ${opts.fullAt ?? 'the full table is in the JSON output'}.`);
    return { ...t, rows: t.rows.slice(0, keep) };
  });
  if (notes.length === 0) return view;
  return { ...view, tables, notes: [...(view.notes ?? []), ...notes] };
}
