/**
 * Writing and reading the audit trail. Entries are redacted before they are stored, and go to
 * the state's append-only audit log (rotated by size: config audit.maxBytes and audit.maxFiles).
 */
import { randomUUID } from 'node:crypto';
import { redactValue } from './redact.js';
export async function appendAudit(deps, entry) {
    const full = {
        id: randomUUID(),
        at: deps.now().toISOString(),
        ...redactValue(entry),
    };
    await deps.state.appendAudit(full, deps.config.audit);
    return full;
}
/**
 * The newest `limit` entries that pass `filter`, newest first, and whether older ones match too.
 * Reads only as far back as it needs to.
 */
export async function readAudit(deps, opts) {
    const entries = [];
    for await (const e of deps.state.auditNewestFirst()) {
        if (opts.filter && !opts.filter(e))
            continue;
        if (entries.length === opts.limit)
            return { entries, more: true };
        entries.push(e);
    }
    return { entries, more: false };
}
//# sourceMappingURL=audit.js.map