/**
 * Turns a configured host (unix socket, tcp with optional TLS files, ssh) into dockerode options.
 * Certificate and key files are read here so a missing file is reported with the host's name.
 */
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import type { HostConfig } from '../config/config-schema.js';
import { OpsError } from '../core/errors.js';

export function dockerOptionsFor(host: HostConfig): Docker.DockerOptions {
  let url: URL;
  try {
    url = new URL(host.url);
  } catch {
    throw new OpsError('config', `host "${host.name}": url "${host.url}" is not a valid URL`, {
      hint: 'Use unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host',
    });
  }
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: decodeURIComponent(url.pathname) };
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const tls = url.protocol === 'https:' || host.tls !== undefined;
      const opts: Docker.DockerOptions = {
        host: url.hostname,
        port: url.port ? Number(url.port) : tls ? 2376 : 2375,
        protocol: tls ? 'https' : 'http',
        connectionTimeout: 10_000,
      } as Docker.DockerOptions;
      if (host.tls) {
        const read = (file: string | undefined, what: string): Buffer | undefined => {
          if (!file) return undefined;
          try {
            return readFileSync(file);
          } catch (err) {
            throw new OpsError('config', `host "${host.name}": cannot read TLS ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? err})`, {
              hint: `Fix hosts[].tls.${what} in the config`,
            });
          }
        };
        Object.assign(opts, {
          ca: read(host.tls.ca, 'ca'),
          cert: read(host.tls.cert, 'cert'),
          key: read(host.tls.key, 'key'),
        });
        if (!host.tls.verify) Object.assign(opts, { checkServerIdentity: () => undefined });
      }
      return opts;
    }
    case 'ssh:': {
      const sshOptions: Record<string, unknown> = {};
      if (host.sshKey) {
        try {
          sshOptions.privateKey = readFileSync(host.sshKey);
        } catch (err) {
          throw new OpsError('config', `host "${host.name}": cannot read ssh key ${host.sshKey} (${(err as NodeJS.ErrnoException).code ?? err})`, {
            hint: 'Fix hosts[].sshKey in the config',
          });
        }
      } else if (process.env.SSH_AUTH_SOCK) {
        sshOptions.agent = process.env.SSH_AUTH_SOCK;
      }
      return {
        protocol: 'ssh',
        host: url.hostname,
        port: url.port ? Number(url.port) : 22,
        username: decodeURIComponent(url.username) || undefined,
        sshOptions,
      } as Docker.DockerOptions;
    }
    default:
      throw new OpsError('config', `host "${host.name}": unsupported URL scheme "${url.protocol}"`, {
        hint: 'Use unix://, tcp:// or ssh://',
      });
  }
}
