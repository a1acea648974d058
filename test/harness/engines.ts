/**
 * What integration tests know about the engines the global setup started, and how they get a
 * ready-made Deps for one or several of them. Integration tests call requireEngines(), which
 * fails loudly when no engine could be had (only STORAGE_OPS_SKIP_DOCKER_TESTS=1 skips them).
 */
import { createEventBus } from '../../src/core/events.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, inject } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { DockerEngineDirectory } from '../../src/engine/engine-directory.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Deps } from '../../src/core/ports.js';
import { opRegistry } from '../../src/ops/catalog.js';
import { StateStore } from '../../src/state/state-store.js';

export interface TestEngine {
  name: string;
  driver: string;
  url: string;
}

export const HELPER_TAG = 'storage-ops-helper:test';

declare module 'vitest' {
  export interface ProvidedContext {
    engines: TestEngine[];
    engineError: string;
  }
}

export const skipDocker = process.env.STORAGE_OPS_SKIP_DOCKER_TESTS === '1';

export function requireEngines(): TestEngine[] {
  const error = inject('engineError');
  if (error) throw new Error(`integration tests need a Docker engine: ${error}`);
  const engines = inject('engines');
  if (!engines?.length) throw new Error('integration tests need a Docker engine, and the global setup provided none');
  return engines;
}

export function engineByDriver(driver: string): TestEngine {
  const e = requireEngines().find((x) => x.driver === driver);
  if (!e) throw new Error(`no test engine with driver ${driver}; started: ${requireEngines().map((x) => x.driver).join(', ')}`);
  return e;
}

/** Deps over the given engines (first is default) and a fresh data dir. */
export async function makeDeps(engines: TestEngine[], extra: Record<string, unknown> = {}): Promise<Deps> {
  const config = parseConfig({ hosts: engines.map((e) => ({ name: e.name, url: e.url })), helperImage: HELPER_TAG, ...extra }, 'test');
  const dataDir = mkdtempSync(join(tmpdir(), 'so-data-'));
  const state = new StateStore(dataDir);
  await state.open();
  return { config, dataDir, state, engines: new DockerEngineDirectory(config), ops: opRegistry, events: createEventBus(), log: silentLogger, now: () => new Date() };
}

/** Environment for running the built CLI against one test engine. */
export function cliEnv(engine: TestEngine, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOCKER_HOST: engine.url,
    STORAGE_OPS_CONFIG: '',
    STORAGE_OPS_DATA_DIR: dataDir,
    STORAGE_OPS_HELPER_IMAGE: HELPER_TAG,
  };
}

let counter = 0;
/** A volume name unique to this test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

/**
 * `describe` for suites that need a real engine. Only the explicit STORAGE_OPS_SKIP_DOCKER_TESTS=1
 * turns them off; otherwise a missing engine makes every test in them fail with the reason.
 */
export const describeDocker: typeof describe = skipDocker ? (describe.skip as typeof describe) : describe;
