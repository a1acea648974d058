/**
 * One line saying how an op's run ended, for job records, approval executions and audit
 * entries: the summary line of the op's view.
 */
import type { Op } from './op.js';

export function summaryOf(op: Op, output: unknown): string {
  return op.view(output).summary.slice(0, 500);
}
