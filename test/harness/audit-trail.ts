/**
 * The whole audit trail, oldest first, for tests that check the order of what was written.
 */
import type { AuditEntry } from '../../src/core/audit-entry.js';
import type { StatePort } from '../../src/core/ports.js';

export async function auditTrail(state: StatePort): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of state.auditNewestFirst()) out.push(e);
  return out.reverse();
}
