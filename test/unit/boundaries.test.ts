import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const imports = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');

describe('module boundaries (DESIGN.md)', () => {
  const all = files(SRC).map((f) => ({ file: relative(SRC, f), deps: imports(f) }));
  const offenders = (pred: (f: { file: string; deps: string[] }) => boolean): string[] => all.filter(pred).map((f) => f.file);

  it('only the engine module imports dockerode', () => {
    expect(offenders((f) => !f.file.startsWith('engine/') && f.deps.some((d) => d === 'dockerode' || d.startsWith('docker-modem')))).toEqual([]);
  });
  it('only src/bot imports Bolt and only src/mcp the MCP SDK', () => {
    expect(offenders((f) => !f.file.startsWith('bot/') && f.deps.some((d) => d.startsWith('@slack/')))).toEqual([]);
    expect(offenders((f) => !f.file.startsWith('mcp/') && f.deps.some((d) => d.startsWith('@modelcontextprotocol/')))).toEqual([]);
  });
  it('the ops layer and the backup machinery never reach into the engine module or the adapters', () => {
    expect(offenders((f) => (f.file.startsWith('ops/') || f.file.startsWith('backup/')) && f.deps.some((d) => /\/(engine|cli|serve|bot|mcp)\//.test(d)))).toEqual([]);
  });
});
