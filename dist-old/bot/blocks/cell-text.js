/**
 * How a view's typed values read in Slack: bytes like the docker CLI, times in UTC, percentages,
 * durations. Numbers stay numbers in the views; only the renderer turns them into words.
 */
import { formatBytes, formatPercent } from '../../core/format.js';
export function cellText(value, type = 'text') {
    if (value === null || value === undefined)
        return '-';
    if (typeof value === 'boolean')
        return value ? 'yes' : 'no';
    switch (type) {
        case 'bytes':
            return typeof value === 'number' ? formatBytes(value) : String(value);
        case 'percent':
            return typeof value === 'number' ? formatPercent(value) : String(value);
        case 'count':
            return typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
        case 'duration':
            return typeof value === 'number' ? formatDuration(value / 1000) : String(value);
        case 'time':
            return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : String(value);
        default:
            return String(value);
    }
}
/** "4s", "2m 05s", "1h 02m": for durations and ETAs. */
export function formatDuration(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0)
        return '-';
    const s = Math.round(seconds);
    if (s < 60)
        return `${s}s`;
    if (s < 3600)
        return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
    return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
//# sourceMappingURL=cell-text.js.map