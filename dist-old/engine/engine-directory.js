/**
 * The configured engines by name. Engines are built lazily, so one unreachable host never stops
 * the others from working; an unknown name is an error that lists the known ones.
 */
import Docker from 'dockerode';
import { OpsError } from '../core/errors.js';
import { DockerEngine } from './docker-engine.js';
import { explainHostKeyRefusals } from './engine-errors.js';
import { dockerOptionsFor } from './engine-url.js';
import { hostKeyError } from './ssh-host-key.js';
export class DockerEngineDirectory {
    config;
    opts;
    engines = new Map();
    byName;
    constructor(config, opts = {}) {
        this.config = config;
        this.opts = opts;
        this.byName = new Map(config.hosts.map((h) => [h.name, h]));
    }
    hosts() {
        return [...this.byName.values()].map((h) => ({ name: h.name, url: h.url }));
    }
    defaultName() {
        const name = this.config.defaultHost ?? this.config.hosts[0]?.name;
        if (!name)
            throw new OpsError('config', 'no engine is configured', { hint: 'Add hosts to the config or set DOCKER_HOST' });
        return name;
    }
    get(host) {
        const name = host ?? this.defaultName();
        const cached = this.engines.get(name);
        if (cached)
            return cached;
        const cfg = this.byName.get(name);
        if (!cfg) {
            throw new OpsError('not_found', `unknown host "${name}"`, {
                hint: `Known hosts: ${[...this.byName.keys()].join(', ')}; \`storage-ops hosts\` shows them`,
            });
        }
        const ref = { name: cfg.name, url: cfg.url };
        let refused = null;
        const options = dockerOptionsFor(cfg, {
            ...(this.config.knownHosts ? { knownHosts: this.config.knownHosts } : {}),
            onHostKeyRefused: (refusal, policy) => {
                refused = { refusal, policy };
            },
        });
        explainHostKeyRefusals(ref, () => (refused ? hostKeyError(cfg.name, cfg.url, refused.policy, refused.refusal) : null));
        const engine = new DockerEngine(ref, new Docker(options), () => this.config.helperImage, this.opts.log);
        this.engines.set(name, engine);
        return engine;
    }
}
//# sourceMappingURL=engine-directory.js.map