/**
 * Writing and reading the audit trail kept in the state store. Inputs are redacted before they
 * are stored; the log is capped at config.audit.maxEntries, oldest dropped first.
 */
import { randomUUID } from 'node:crypto';
import { redactValue } from './redact.js';
import type { AuditEntry } from './audit-entry.js';
import type { Deps } from './ports.js';

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

export async function appendAudit(deps: Deps, entry: NewAuditEntry): Promise<AuditEntry> {
  const full: AuditEntry = {
    id: randomUUID(),
    at: deps.now().toISOString(),
    ...redactValue(entry),
  };
  const max = deps.config.audit.maxEntries;
  await deps.state.update((data) => {
    data.audit.push(full);
    if (data.audit.length > max) data.audit.splice(0, data.audit.length - max);
  });
  return full;
}
