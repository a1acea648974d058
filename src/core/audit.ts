/**
 * Writing and reading the audit trail. Entries are redacted before they are stored, and go to
 * the state's append-only audit log (rotated by size: config audit.maxBytes and audit.maxFiles).
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
  await deps.state.appendAudit(full, deps.config.audit);
  if (entry.phase === 'finished') {
    deps.events.emit({
      type: 'op.finished',
      call: { op: entry.op, source: entry.source, outcome: entry.outcome === 'ok' ? 'ok' : 'error', errorCode: entry.error?.code ?? null, durationMs: entry.durationMs ?? 0 },
    });
  }
  return full;
}

/**
 * The newest `limit` entries that pass `filter`, newest first, and whether older ones match too.
 * Reads only as far back as it needs to.
 */
export async function readAudit(
  deps: Pick<Deps, 'state'>,
  opts: { limit: number; filter?: (e: AuditEntry) => boolean },
): Promise<{ entries: AuditEntry[]; more: boolean }> {
  const entries: AuditEntry[] = [];
  for await (const e of deps.state.auditNewestFirst()) {
    if (opts.filter && !opts.filter(e)) continue;
    if (entries.length === opts.limit) return { entries, more: true };
    entries.push(e);
  }
  return { entries, more: false };
}
