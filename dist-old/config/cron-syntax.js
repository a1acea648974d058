/**
 * Checks cron expressions and IANA time zones at configuration time, so a bad schedule fails at
 * start with the key it came from. The accepted cron syntax is the classic five fields
 * (minute hour day-of-month month day-of-week) with `*`, numbers, ranges `a-b`, steps `/n`,
 * lists `a,b` and month/weekday names: every expression that passes here also passes node-cron,
 * which `serve` double-checks (only src/schedules may load node-cron). Seconds fields are
 * refused on purpose: storage schedules run at minute granularity, which keeps "was a run
 * missed while serve was down" exact.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS = [
    { name: 'minute', min: 0, max: 59 },
    { name: 'hour', min: 0, max: 23 },
    { name: 'day of month', min: 1, max: 31 },
    { name: 'month', min: 1, max: 12, names: MONTHS },
    { name: 'day of week', min: 0, max: 7, names: DAYS },
];
function valueOf(rule, raw) {
    if (/^\d+$/.test(raw)) {
        const n = Number(raw);
        return n < rule.min || n > rule.max ? `${rule.name} ${raw} is out of range ${rule.min}-${rule.max}` : n;
    }
    const idx = rule.names?.indexOf(raw.toLowerCase()) ?? -1;
    if (idx >= 0)
        return rule.name === 'month' ? idx + 1 : idx;
    return `${rule.name} "${raw}" is not a number${rule.names ? ' or a name like ' + rule.names.slice(0, 3).join(', ') : ''}`;
}
function partProblem(rule, part) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '')
        return `${rule.name} "${part}" is not valid`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step))
        return `${rule.name} step "/${step}" must be a positive number`;
    if (range === '*')
        return null;
    const bounds = range.split('-');
    if (bounds.length > 2)
        return `${rule.name} range "${range}" is not valid`;
    const values = bounds.map((b) => valueOf(rule, b));
    for (const v of values)
        if (typeof v === 'string')
            return v;
    if (values.length === 2 && values[0] > values[1])
        return `${rule.name} range "${range}" runs backwards`;
    return null;
}
/** Why `expr` is not an accepted cron expression, or null when it is. */
export function cronProblem(expr) {
    const fields = expr.trim().split(/\s+/);
    if (fields.length !== 5) {
        return `"${expr}" has ${fields.length} field(s); use five: minute hour day-of-month month day-of-week (e.g. "0 2 * * *" for 02:00 daily)`;
    }
    for (const [i, rule] of FIELDS.entries()) {
        for (const part of (fields[i] ?? '').split(',')) {
            const p = partProblem(rule, part);
            if (p)
                return p;
        }
    }
    return null;
}
/** Why `tz` is not an IANA time zone this runtime knows, or null when it is. */
export function timezoneProblem(tz) {
    try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return null;
    }
    catch {
        return `"${tz}" is not an IANA time zone (like Europe/Berlin, America/New_York or UTC)`;
    }
}
//# sourceMappingURL=cron-syntax.js.map