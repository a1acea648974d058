/**
 * The configured engines by name. Engines are built lazily, so one unreachable host never stops
 * the others from working; an unknown name is an error that lists the known ones.
 */
import Docker from 'dockerode';
import type { Config, HostConfig } from '../config/config-schema.js';
import { OpsError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EngineDirectory, HostRef } from '../core/ports.js';
import { DockerEngine } from './docker-engine.js';
import { explainHostKeyRefusals } from './engine-errors.js';
import { dockerOptionsFor } from './engine-url.js';
import { hostKeyError, type HostKeyPolicy, type HostKeyRefusal } from './ssh-host-key.js';

export class DockerEngineDirectory implements EngineDirectory {
  private readonly engines = new Map<string, DockerEngine>();
  private readonly byName: Map<string, HostConfig>;

  constructor(
    private readonly config: Config,
    private readonly opts: { log?: Logger } = {},
  ) {
    this.byName = new Map(config.hosts.map((h) => [h.name, h]));
  }

  hosts(): HostRef[] {
    return [...this.byName.values()].map((h) => ({ name: h.name, url: h.url }));
  }

  defaultName(): string {
    const name = this.config.defaultHost ?? this.config.hosts[0]?.name;
    if (!name) throw new OpsError('config', 'no engine is configured', { hint: 'Add hosts to the config or set DOCKER_HOST' });
    return name;
  }

  get(host?: string): DockerEngine {
    const name = host ?? this.defaultName();
    const cached = this.engines.get(name);
    if (cached) return cached;
    const cfg = this.byName.get(name);
    if (!cfg) {
      // A name the user typed that the config does not know: bad input (exit 2), like a bad flag.
      throw new OpsError('invalid_input', `unknown host "${name}"`, {
        hint: `Known hosts: ${[...this.byName.keys()].join(', ')}; \`storage-ops hosts\` shows them`,
      });
    }
    const ref: HostRef = { name: cfg.name, url: cfg.url };
    let refused: { refusal: HostKeyRefusal; policy: HostKeyPolicy } | null = null;
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
