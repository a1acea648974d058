/**
 * Small pieces the ops' views share: key=value maps as one cell, and the users of a volume.
 */
import type { ViewField } from '../../core/view.js';

/** "a=1, b=2", or "-" for an empty map. */
export function keyValues(m: Record<string, string>, sep = ', '): string {
  return Object.entries(m).map(([k, v]) => `${k}=${v}`).join(sep) || '-';
}

/** Fields for facts that are only there sometimes: drops those whose value is undefined. */
export function presentFields(fields: Array<ViewField | undefined | false>): ViewField[] {
  return fields.filter((f): f is ViewField => Boolean(f));
}
