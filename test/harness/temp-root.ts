/**
 * vitest global setup (both projects): every temporary file of the run goes under one directory,
 * made inside $TMPDIR (else /tmp) and removed when the run ends, so `npm test` leaves no `so-*`
 * directories behind. Tests make their temp dirs with `mkdtempSync(join(tmpdir(), 'so-...'))`;
 * setting TMPDIR here (before the workers start) points `tmpdir()` at the run's directory for
 * them and for every process they spawn. The first project to start makes it, the last to end
 * removes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARK = 'STORAGE_OPS_TEST_TMP_ROOT';
let users = 0;

export default function setup(): () => void {
  if (!process.env[MARK]) {
    const root = mkdtempSync(join(tmpdir(), 'so-run-'));
    process.env[MARK] = root;
    process.env.TMPDIR = root;
  }
  users++;
  const root = process.env[MARK] as string;
  return () => {
    if (--users > 0) return;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
