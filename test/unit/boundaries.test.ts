import { describe, expect, it } from 'vitest';
import { findCycle, folderViolations, readGraph, type ImportGraph } from './import-graph.js';

const SRC = new URL('../../src', import.meta.url).pathname;

describe('module boundaries (DESIGN.md)', () => {
  const graph = readGraph(SRC);

  it('reads the real tree', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('core/run-op.ts')).toContain('./audit.js');
    expect(graph.get('core/run-op.ts')).toContain('type:./ports.js');
  });

  it('every folder imports only what DESIGN.md allows, and the SDKs stay at their edges', () => {
    expect(folderViolations(graph)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(findCycle(graph)).toBeNull();
  });

  it('catches an injected cycle and a forbidden import', () => {
    const bad: ImportGraph = new Map(graph);
    bad.set('core/run-op.ts', [...(graph.get('core/run-op.ts') ?? []), '../ops/catalog.js']);
    const cycle = findCycle(bad);
    expect(cycle?.[0]).toBe(cycle?.at(-1));
    expect(cycle).toContain('ops/catalog.ts');
    expect(folderViolations(bad)).toEqual(['core/run-op.ts imports ops/catalog.ts (src/core may not import src/ops)']);

    const minting: ImportGraph = new Map([['bot/x.ts', ['../core/policy.js']]]);
    expect(folderViolations(minting)).toEqual(['bot/x.ts imports core/policy.ts (adapters may not mint policy grants)']);

    const leak: ImportGraph = new Map([['ops/x.ts', ['dockerode', '../engine/docker-engine.js']]]);
    expect(folderViolations(leak)).toEqual([
      'ops/x.ts imports dockerode (only src/engine may)',
      'ops/x.ts imports engine/docker-engine.ts (src/ops may not import src/engine)',
    ]);
  });
});
