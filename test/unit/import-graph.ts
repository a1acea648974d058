/**
 * The source tree's import graph and the folder rules of DESIGN.md, as data a test can check
 * (and feed a made-up graph to, to prove the checks fail when they should).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * file (relative to src, e.g. "core/op.ts") → the specifiers it imports. A specifier written
 * as "type:../x.js" is a type-only import: it counts for the folder rules, not for cycles,
 * since TypeScript erases it (Op.run takes Deps and Deps lists the ops: a type-level loop
 * that no module loads).
 */
export type ImportGraph = Map<string, string[]>;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const SPECIFIER = /(?:^(import|export) (type )?[^;]*?from\s+|import\(\s*)'([^']+)'/gms;

export function readGraph(srcDir: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of tsFiles(srcDir)) {
    graph.set(relative(srcDir, file), [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((m) => (m[2] ? 'type:' : '') + (m[3] ?? '')));
  }
  return graph;
}

/** A relative specifier resolved to a file of the graph ("../core/op.js" from "ops/x.ts" → "core/op.ts"). */
export function resolveLocal(from: string, spec: string): string | null {
  spec = spec.replace(/^type:/, '');
  if (!spec.startsWith('.')) return null;
  return normalize(join(dirname(from), spec)).replace(/\.js$/, '.ts');
}

const folderOf = (file: string): string => (file.includes('/') ? (file.split('/')[0] ?? '') : '.');

/**
 * Which folders each folder may import from (besides itself). Files at the top of src
 * (bootstrap.ts) wire everything together and may import anything.
 */
export const ALLOWED: Record<string, readonly string[]> = {
  core: ['config'],
  config: ['core'],
  state: ['core', 'config'],
  engine: ['core', 'config'],
  backup: ['core', 'config', 'state'],
  ops: ['core', 'config', 'state', 'backup'],
  // Adapters: over the catalog and the kernel; never each other, except the process wiring.
  bot: ['core', 'config', 'state', 'ops', '.'],
  mcp: ['core', 'config', 'state', 'ops', '.'],
  schedules: ['core', 'config', 'state', 'ops', 'backup', '.'],
  serve: ['core', 'config', 'state', 'ops', 'bot', 'mcp', 'schedules', '.'],
  cli: ['core', 'config', 'state', 'ops', 'serve', 'mcp', '.'],
};

/** Packages only one folder may import. */
export const PACKAGE_OWNERS: ReadonlyArray<{ pkg: RegExp; folder: string }> = [
  { pkg: /^(dockerode|docker-modem)(\/|$)/, folder: 'engine' },
  { pkg: /^@slack\//, folder: 'bot' },
  { pkg: /^@modelcontextprotocol\//, folder: 'mcp' },
  { pkg: /^node-cron(\/|$)/, folder: 'schedules' },
];

/**
 * Kernel files adapters must not import: policy grants are minted only by kernel-side code
 * (retention in the backup op, schedules), never by something that handles user input.
 */
export const ADAPTER_FORBIDDEN: ReadonlyArray<{ file: string; folders: readonly string[] }> = [{ file: 'core/policy.ts', folders: ['cli', 'bot', 'mcp', 'serve'] }];

export function folderViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [file, specs] of graph) {
    const folder = folderOf(file);
    for (let spec of specs) {
      const target = resolveLocal(file, spec);
      if (target === null) {
        spec = spec.replace(/^type:/, '');
        const owner = PACKAGE_OWNERS.find((o) => o.pkg.test(spec));
        if (owner && owner.folder !== folder) out.push(`${file} imports ${spec} (only src/${owner.folder} may)`);
        continue;
      }
      const to = folderOf(target);
      const fenced = ADAPTER_FORBIDDEN.find((f) => f.file === target && f.folders.includes(folder));
      if (fenced) out.push(`${file} imports ${target} (adapters may not mint policy grants)`);
      if (folder === '.' || to === folder) continue;
      const allowed = ALLOWED[folder];
      if (!allowed) out.push(`${file}: folder src/${folder} has no rule in DESIGN.md's layout`);
      else if (!allowed.includes(to)) out.push(`${file} imports ${target} (src/${folder} may not import src/${to})`);
    }
  }
  return out;
}

/** One import cycle as a path of files (first = last), or null when the graph has none. */
export function findCycle(graph: ImportGraph): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    state.set(file, 'open');
    stack.push(file);
    for (const spec of graph.get(file) ?? []) {
      const target = spec.startsWith('type:') ? null : resolveLocal(file, spec);
      if (target === null || !graph.has(target)) continue;
      if (state.get(target) === 'open') return [...stack.slice(stack.indexOf(target)), target];
      if (!state.has(target)) {
        const found = visit(target);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    if (state.has(file)) continue;
    const found = visit(file);
    if (found) return found;
  }
  return null;
}
