/**
 * One line for a job's progress ("reading 45% 120MB/260MB 80MB/s ETA 2s"), shared by the CLI,
 * job listings and chat.
 */
import { formatBytes } from './format.js';
function amount(p, n) {
    if (n === undefined)
        return '';
    return p.unit === 'bytes' ? formatBytes(n) : String(n);
}
export function describeJobProgress(p) {
    const bits = [p.phase];
    if (p.total && p.done !== undefined)
        bits.push(`${Math.min(100, Math.floor((p.done / p.total) * 100))}%`, `${amount(p, p.done)}/${amount(p, p.total)}`);
    else if (p.done !== undefined)
        bits.push(amount(p, p.done));
    if (p.rate)
        bits.push(`${amount(p, p.rate)}/s`);
    if (p.etaSeconds !== undefined)
        bits.push(`ETA ${p.etaSeconds}s`);
    // The op's own message often restates the amounts; it is kept when there are none.
    if (p.message && p.total === undefined && p.done === undefined)
        bits.push(p.message);
    return bits.join(' ');
}
export function progressAmount(p, n) {
    return amount(p, n);
}
//# sourceMappingURL=job-progress-text.js.map