import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import { StateStore } from '../../src/state/state-store.js';

const run = promisify(execFile);

describe('StateStore', () => {
  it('starts fresh when the file is missing and writes real JSON to disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-state-'));
    const store = new StateStore(join(dir, 'nested'));
    await store.open();
    await store.update((d) => {
      d.items = [{ id: '1' }];
    });
    const onDisk = JSON.parse(readFileSync(join(dir, 'nested', 'state.json'), 'utf8'));
    expect(onDisk).toEqual({ version: 1, items: [{ id: '1' }] });
    expect(readdirSync(join(dir, 'nested')).filter((f) => f.includes('.tmp') || f.endsWith('.lock'))).toEqual([]);
  });

  it('keeps collections it does not know about', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-state-'));
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 1, backups: [{ id: 'b1' }] }));
    const store = new StateStore(dir);
    await store.update((d) => {
      d.approvals = [];
    });
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).backups).toEqual([{ id: 'b1' }]);
  });

  it('gives a clear error naming a corrupt file, and leaves it alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-state-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"version":1,"audit":[');
    const store = new StateStore(dir);
    const err = await store.open().catch((e: unknown) => e as OpsError);
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).code).toBe('config');
    expect((err as OpsError).message).toContain(file);
    expect((err as OpsError).message).toMatch(/corrupt/);
    expect((err as OpsError).hint).toMatch(/mv .*state\.json .*\.broken/);
    expect(readFileSync(file, 'utf8')).toBe('{"version":1,"audit":[');
  });

  it('loses no update when several processes write at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-state-'));
    // The built module (npm test builds first): real separate Node processes, no TS loader.
    const storeUrl = new URL('../../dist/state/state-store.js', import.meta.url).pathname;
    const script = `
      import { StateStore } from ${JSON.stringify(storeUrl)};
      const s = new StateStore(process.argv[2]);
      for (let i = 0; i < 15; i++) {
        await s.update((d) => { (d.items ??= []).push({ id: process.pid + '-' + i }); });
      }`;
    const file = join(dir, 'writer.mjs');
    writeFileSync(file, script);
    await Promise.all([1, 2, 3].map(() => run(process.execPath, [file, dir])));
    const data = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    expect(data.items).toHaveLength(45);
    expect(new Set(data.items.map((e: { id: string }) => e.id)).size).toBe(45);
  });
});
