/**
 * Builds the dependencies every entry point shares: configuration, state store, engine
 * directory and logger. The one place that wires the engine module into the ops layer.
 */
import { createEventBus } from './core/events.js';
import { recoverInterrupted } from './core/recovery.js';
import { loadConfig } from './config/load-config.js';
import { DockerEngineDirectory } from './engine/engine-directory.js';
import { createLogger } from './core/logger.js';
import { opRegistry } from './ops/catalog.js';
import { StateStore } from './state/state-store.js';
export async function bootstrap(opts = {}) {
    const { config, source, dataDir } = loadConfig(opts.env ?? process.env);
    const state = new StateStore(dataDir);
    await state.open();
    const log = opts.log ?? createLogger();
    const deps = {
        config,
        dataDir,
        state,
        engines: new DockerEngineDirectory(config, { log }),
        ops: opRegistry,
        events: createEventBus(),
        log,
        now: () => new Date(),
    };
    // Work left "running" by a process that died is marked interrupted before anything else runs.
    await recoverInterrupted(deps).catch((err) => deps.log.warn('could not check for interrupted jobs', { error: String(err) }));
    return { deps, configSource: source };
}
//# sourceMappingURL=bootstrap.js.map