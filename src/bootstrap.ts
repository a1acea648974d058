/**
 * Builds the dependencies every entry point shares: configuration, state store, engine
 * directory and logger. The one place that wires the engine module into the ops layer.
 */
import { createEventBus } from './core/events.js';
import { recoverInterrupted } from './core/recovery.js';
import { loadConfig } from './config/load-config.js';
import { DockerEngineDirectory } from './engine/engine-directory.js';
import { createLogger, type Logger } from './core/logger.js';
import type { Deps } from './core/ports.js';
import { opRegistry } from './ops/catalog.js';
import { prepareDataDir } from './state/data-dir.js';
import { StateStore } from './state/state-store.js';

export interface Bootstrapped {
  deps: Deps;
  configSource: string;
}

export async function bootstrap(opts: { env?: NodeJS.ProcessEnv; log?: Logger } = {}): Promise<Bootstrapped> {
  const { config, source, dataDir } = loadConfig(opts.env ?? process.env);
  // A missing, non-directory or uncreatable data dir fails here, saying so; an unwritable one
  // still serves read-only commands (their audit entry is skipped; writes say why they cannot).
  const dir = await prepareDataDir(dataDir);
  const state = new StateStore(dataDir);
  await state.open();
  const log = opts.log ?? createLogger();
  const deps: Deps = {
    config,
    dataDir,
    state,
    engines: new DockerEngineDirectory(config, { log }),
    ops: opRegistry,
    events: createEventBus(),
    log,
    now: () => new Date(),
    ...(dir.writable ? {} : { dataDirReadOnly: dir.reason ?? 'EACCES' }),
  };
  // Work left "running" by a process that died is marked interrupted before anything else runs.
  await recoverInterrupted(deps).catch((err: unknown) => deps.log.warn('could not check for interrupted jobs', { error: String(err) }));
  return { deps, configSource: source };
}
