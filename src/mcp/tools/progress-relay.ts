/**
 * Turns an op's progress reports into MCP `notifications/progress` for the request's progress
 * token. MCP wants the progress value to grow with every notification, while an op's `done`
 * restarts with each phase; so each phase is laid after the previous ones (offset + done), and a
 * report without numbers moves the value on by one.
 */
import type { ProgressNotification } from '@modelcontextprotocol/sdk/types.js';
import type { Progress } from '../../core/op.js';
import { formatBytes } from '../../core/format.js';

export type SendProgress = (n: ProgressNotification) => Promise<void>;

export function progressRelay(token: string | number, send: SendProgress, onError: (err: unknown) => void): (p: Progress) => void {
  let offset = 0;
  let phase: string | null = null;
  let phaseTotal = 0;
  let last = 0;
  return (p) => {
    if (p.phase !== phase) {
      offset = last;
      phase = p.phase;
      phaseTotal = 0;
    }
    const done = p.done ?? 0;
    if (p.total) phaseTotal = p.total;
    let value = offset + done;
    if (value <= last) value = last + 1;
    last = value;
    const total = phaseTotal ? Math.max(offset + phaseTotal, value) : undefined;
    const amount = (n: number): string => (p.unit === 'bytes' ? formatBytes(n) : String(n));
    const detail = p.total ? ` ${amount(done)} of ${amount(p.total)}` : p.done !== undefined ? ` ${amount(done)}` : '';
    const rate = p.rate ? `, ${p.unit === 'bytes' ? `${formatBytes(p.rate)}/s` : `${p.rate.toFixed(1)}/s`}` : '';
    const message = `${p.phase}${detail}${rate}${p.message ? ` — ${p.message}` : ''}`;
    send({ method: 'notifications/progress', params: { progressToken: token, progress: value, ...(total ? { total } : {}), message } }).catch(onError);
  };
}
