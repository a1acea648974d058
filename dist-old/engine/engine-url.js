/**
 * Turns a configured host (unix socket, tcp with TLS files, ssh) into dockerode options.
 * Certificate and key files are read here so a missing file is reported with the host's name.
 * Remote engines are authenticated: plain tcp only with `insecure: true`, ssh host keys checked
 * against known_hosts or a pinned fingerprint (ssh-host-key.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostUrlIssues } from '../config/config-schema.js';
import { OpsError } from '../core/errors.js';
import { checkHostKey, defaultKnownHostsFile, knownKeyTypes } from './ssh-host-key.js';
/** Host key algorithms ssh2 1.x can verify. */
const SSH2_HOST_KEY_TYPES = new Set(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-dss']);
export function dockerOptionsFor(host, access = {}) {
    // The config schema checks this at start; hosts built from DOCKER_HOST arrive here unchecked.
    const issue = hostUrlIssues(host)[0];
    if (issue) {
        throw new OpsError('config', `host "${host.name}": key "${issue.key}" ${issue.message}`, {
            hint: host.name === 'local' ? 'For DOCKER_HOST=tcp://... set DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, or STORAGE_OPS_INSECURE_TCP=1 to accept plain TCP' : `Fix hosts[].${issue.key} in the config`,
        });
    }
    let url;
    try {
        url = new URL(host.url);
    }
    catch {
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
            const opts = {
                host: url.hostname,
                port: url.port ? Number(url.port) : tls ? 2376 : 2375,
                protocol: tls ? 'https' : 'http',
                connectionTimeout: 10_000,
            };
            if (host.tls) {
                const read = (file, what) => {
                    if (!file)
                        return undefined;
                    try {
                        return readFileSync(file);
                    }
                    catch (err) {
                        throw new OpsError('config', `host "${host.name}": cannot read TLS ${what} ${file} (${err.code ?? err})`, {
                            hint: `Fix hosts[].tls.${what} in the config`,
                        });
                    }
                };
                Object.assign(opts, {
                    ca: read(host.tls.ca, 'ca'),
                    cert: read(host.tls.cert, 'cert'),
                    key: read(host.tls.key, 'key'),
                });
                if (!host.tls.verify)
                    Object.assign(opts, { checkServerIdentity: () => undefined });
            }
            return opts;
        }
        case 'ssh:': {
            const sshOptions = {};
            if (host.sshKey) {
                try {
                    sshOptions.privateKey = readFileSync(host.sshKey);
                }
                catch (err) {
                    throw new OpsError('config', `host "${host.name}": cannot read ssh key ${host.sshKey} (${err.code ?? err})`, {
                        hint: 'Fix hosts[].sshKey in the config',
                    });
                }
            }
            else if (process.env.SSH_AUTH_SOCK) {
                sshOptions.agent = process.env.SSH_AUTH_SOCK;
            }
            const port = url.port ? Number(url.port) : 22;
            const explicit = host.knownHosts ?? access.knownHosts;
            if (explicit && !host.hostKeyFingerprint && !existsSync(explicit)) {
                throw new OpsError('config', `host "${host.name}": known_hosts file ${explicit} does not exist`, {
                    hint: `Fix ${host.knownHosts ? 'hosts[].knownHosts' : 'knownHosts'} in the config, or pin the key with hosts[].hostKeyFingerprint`,
                });
            }
            const policy = {
                // URL brackets IPv6 literals; known_hosts names them bare (or in [addr]:port).
                host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
                port,
                ...(host.hostKeyFingerprint ? { fingerprint: host.hostKeyFingerprint } : {}),
                knownHostsFile: explicit ?? defaultKnownHostsFile(),
            };
            // ssh2 asks for this for every connection (docker-modem opens one per request).
            sshOptions.hostVerifier = (key) => {
                let refusal;
                try {
                    refusal = checkHostKey(policy, key);
                }
                catch (err) {
                    refusal = { reason: 'unknown', keyType: 'unknown', fingerprint: 'unknown', expected: [], source: `${policy.knownHostsFile} (unreadable: ${err.code ?? String(err)})` };
                }
                if (refusal)
                    access.onHostKeyRefused?.(refusal, policy);
                return refusal === null;
            };
            const preferred = knownKeyTypes(policy).filter((t) => SSH2_HOST_KEY_TYPES.has(t));
            // Ask the server for the key types known_hosts holds first, as OpenSSH does, so a host known
            // by its RSA key is not refused for offering ed25519. ssh2 only prepends what is not listed
            // yet (and throws on types it lacks), hence remove, then prepend, of supported types.
            if (preferred.length)
                sshOptions.algorithms = { serverHostKey: { remove: preferred, prepend: preferred } };
            return {
                protocol: 'ssh',
                host: url.hostname,
                port,
                username: decodeURIComponent(url.username) || undefined,
                sshOptions,
            };
        }
        default:
            throw new OpsError('config', `host "${host.name}": unsupported URL scheme "${url.protocol}"`, {
                hint: 'Use unix://, tcp:// or ssh://',
            });
    }
}
//# sourceMappingURL=engine-url.js.map