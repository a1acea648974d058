import { formatBytes } from '../../core/format.js';
export function progressRelay(token, send, onError) {
    let offset = 0;
    let phase = null;
    let phaseTotal = 0;
    let last = 0;
    return (p) => {
        if (p.phase !== phase) {
            offset = last;
            phase = p.phase;
            phaseTotal = 0;
        }
        const done = p.done ?? 0;
        if (p.total)
            phaseTotal = p.total;
        let value = offset + done;
        if (value <= last)
            value = last + 1;
        last = value;
        const total = phaseTotal ? Math.max(offset + phaseTotal, value) : undefined;
        const amount = (n) => (p.unit === 'bytes' ? formatBytes(n) : String(n));
        const detail = p.total ? ` ${amount(done)} of ${amount(p.total)}` : p.done !== undefined ? ` ${amount(done)}` : '';
        const rate = p.rate ? `, ${p.unit === 'bytes' ? `${formatBytes(p.rate)}/s` : `${p.rate.toFixed(1)}/s`}` : '';
        const message = `${p.phase}${detail}${rate}${p.message ? ` — ${p.message}` : ''}`;
        send({ method: 'notifications/progress', params: { progressToken: token, progress: value, ...(total ? { total } : {}), message } }).catch(onError);
    };
}
//# sourceMappingURL=progress-relay.js.map