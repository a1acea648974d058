/**
 * A random id naming this data dir, kept in `<dataDir>/data-dir-id` and made once (exclusive
 * create), so every process sharing the directory (a CLI, serve, containers mounting it) agrees
 * on it. The engine-side volume lock carries it: a caller holding the data dir's own lock for a
 * volume knows an engine lock from the same data dir can only be a dead run's leftover.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'data-dir-id';
const ID = /^[0-9a-f-]{36}$/;

async function readId(path: string): Promise<string | null> {
  try {
    const id = (await readFile(path, 'utf8')).trim();
    return ID.test(id) ? id : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function dataDirId(dataDir: string): Promise<string> {
  const path = join(dataDir, FILE);
  const found = await readId(path);
  if (found) return found;
  const id = randomUUID();
  try {
    await writeFile(path, `${id}\n`, { flag: 'wx' });
    return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // Another process created it first: its id wins (a 37-byte write lands at once, but give a
  // reader racing the writer a few tries).
  for (let i = 0; i < 20; i++) {
    const theirs = await readId(path);
    if (theirs) return theirs;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${path} exists but holds no id; remove it and try again`);
}
