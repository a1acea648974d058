export function cutTables(view, maxRows, opts = {}) {
    const keep = Math.max(0, Math.floor(maxRows));
    const notes = [];
    const tables = view.tables?.map((t) => {
        if (t.rows.length <= keep)
            return t;
        const more = t.rows.length - keep;
        notes.push(`${more} more row${more === 1 ? '' : 's'} of ${t.title ?? t.id} not shown (${keep} of ${t.rows.length}); ${opts.fullAt ?? 'the full table is in the JSON output'}.`);
        return { ...t, rows: t.rows.slice(0, keep) };
    });
    if (notes.length === 0)
        return view;
    return { ...view, tables, notes: [...(view.notes ?? []), ...notes] };
}
//# sourceMappingURL=cut-tables.js.map