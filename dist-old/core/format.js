/**
 * Small text helpers for the human renderings: byte sizes like the docker CLI prints them
 * (decimal units), fixed-width tables, and percentages.
 */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
/** `digits` significant digits: 4 like most docker CLI columns, 3 for its per-container sizes. */
export function formatBytes(n, digits = 4) {
    if (n === null || n === undefined || n < 0)
        return 'n/a';
    let v = n;
    let u = 0;
    while (v >= 1000 && u < UNITS.length - 1) {
        v /= 1000;
        u++;
    }
    // Significant digits with trailing zeros dropped: the docker CLI's units.HumanSizeWithPrecision.
    return `${Number(v.toPrecision(digits))}${UNITS[u]}`;
}
export function formatPercent(p) {
    return `${p.toFixed(1)}%`;
}
/** Renders rows as an aligned table; the header is the first row. */
export function table(rows) {
    if (rows.length === 0)
        return '';
    const widths = [];
    for (const r of rows)
        r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
    return rows
        .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
        .join('\n');
}
export function shortId(id) {
    return id.replace(/^sha256:/, '').slice(0, 12);
}
//# sourceMappingURL=format.js.map