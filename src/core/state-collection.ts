/**
 * Reading one collection of the shared state file: the entries that still parse with `schema`.
 * Entries written by another version that no longer parse are skipped, never fatal, so an old or
 * newer process sharing the data dir cannot stop this one.
 */
import type { z } from 'zod';
import type { StateData } from './ports.js';

export function collectionOf<S extends z.ZodType>(data: StateData, name: string, schema: S): Array<z.output<S>> {
  const raw = data[name];
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((e) => {
    const parsed = schema.safeParse(e);
    return parsed.success ? [parsed.data] : [];
  });
}
