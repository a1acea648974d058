/**
 * One line saying how an op's run ended, for job records, approval executions and audit
 * entries: the first line of the op's presentation.
 */
import type { Op } from './op.js';

export function summaryOf(op: Op, output: unknown): string {
  return (op.render(output).split('\n')[0] ?? '').slice(0, 500);
}
