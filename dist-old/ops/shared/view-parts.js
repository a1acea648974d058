/** "a=1, b=2", or "-" for an empty map. */
export function keyValues(m, sep = ', ') {
    return Object.entries(m).map(([k, v]) => `${k}=${v}`).join(sep) || '-';
}
/** Fields for facts that are only there sometimes: drops those whose value is undefined. */
export function presentFields(fields) {
    return fields.filter((f) => Boolean(f));
}
//# sourceMappingURL=view-parts.js.map