/**
 * How one typed value of a view reads as text: bytes as the docker CLI prints them, times as
 * "2026-11-30 12:00:05Z", durations in ms/s/min. Shared by every renderer (CLI text, Slack
 * blocks, MCP text) so a value looks the same everywhere.
 */
import { formatBytes, formatPercent } from '../format.js';
/** "2026-11-30 12:00:05Z" from an ISO time; anything else is shown as it is. */
export function shortTime(iso) {
    return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
/** A duration in milliseconds: "850µs", "12 ms", "4.2s", "3m 05s", "2h 10m". */
export function formatDuration(ms) {
    if (ms < 1)
        return `${Math.round(ms * 1000)}µs`;
    if (ms < 1000)
        return `${Number(ms.toPrecision(3))} ms`;
    const s = ms / 1000;
    if (s < 60)
        return `${s.toFixed(1)}s`;
    const whole = Math.round(s);
    if (whole < 3600)
        return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
    return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
export function formatCell(value, type = 'text', perSecond = false) {
    if (value === null || value === undefined)
        return type === 'bytes' ? 'n/a' : '-';
    if (typeof value === 'boolean')
        return value ? 'yes' : 'no';
    let text;
    if (typeof value === 'number') {
        switch (type) {
            case 'bytes':
                text = formatBytes(value);
                break;
            case 'percent':
                text = formatPercent(value);
                break;
            case 'duration':
                text = formatDuration(value);
                break;
            default:
                text = String(value);
        }
    }
    else {
        text = type === 'time' ? shortTime(value) : value;
    }
    return perSecond ? `${text}/s` : text;
}
//# sourceMappingURL=format-cell.js.map