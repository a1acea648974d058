/**
 * Loads and validates the configuration: the file named by STORAGE_OPS_CONFIG (JSON), then the
 * environment's overrides. Fails fast with the path of the bad key; without a file, one host is
 * derived from DOCKER_HOST or the default socket.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OpsError } from '../core/errors.js';
import { ConfigSchema, hostUrlIssues } from './config-schema.js';
export const DEFAULT_SOCKET = 'unix:///var/run/docker.sock';
export function loadConfig(env = process.env) {
    const path = env.STORAGE_OPS_CONFIG;
    let raw = {};
    let source = 'defaults (no STORAGE_OPS_CONFIG)';
    if (path) {
        let text;
        try {
            text = readFileSync(path, 'utf8');
        }
        catch (err) {
            throw new OpsError('config', `cannot read config file ${path}: ${err.code ?? String(err)}`, {
                hint: 'Check STORAGE_OPS_CONFIG points at a readable JSON file',
            });
        }
        try {
            raw = JSON.parse(text);
        }
        catch (err) {
            throw new OpsError('config', `config file ${path} is not valid JSON: ${err.message}`, {
                hint: 'Fix the syntax (a JSON validator such as `node -e "JSON.parse(require(\'fs\').readFileSync(process.argv[1]))" FILE` points at it)',
            });
        }
        source = path;
    }
    const config = parseConfig(raw, path ?? 'the built-in defaults');
    if (config.hosts.length === 0) {
        const host = hostFromEnv(env);
        const issue = hostUrlIssues(host)[0];
        if (issue) {
            throw new OpsError('config', `DOCKER_HOST=${host.url}: ${issue.message}`, {
                hint: 'Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH for TLS, or STORAGE_OPS_INSECURE_TCP=1 to accept plain TCP (the environment\'s form of "insecure": true)',
            });
        }
        config.hosts.push(host);
    }
    if (env.STORAGE_OPS_HELPER_IMAGE)
        config.helperImage = env.STORAGE_OPS_HELPER_IMAGE;
    if (env.STORAGE_OPS_AGE_IDENTITY_FILE)
        config.backup.identityFile = env.STORAGE_OPS_AGE_IDENTITY_FILE;
    const dataDir = resolve(env.STORAGE_OPS_DATA_DIR ?? config.dataDir ?? './data');
    return { config, source, dataDir };
}
export function parseConfig(raw, origin) {
    const parsed = ConfigSchema.safeParse(raw);
    if (!parsed.success) {
        const first = parsed.error.issues[0];
        const key = first ? formatPath(first.path) : '(root)';
        const detail = first ? describeIssue(first) : 'invalid';
        throw new OpsError('config', `config ${origin}: key "${key}" ${detail}`, {
            hint: `Fix "${key}"; the README's Configuration section lists every key`,
        });
    }
    return parsed.data;
}
function describeIssue(issue) {
    if (issue.code === 'unrecognized_keys')
        return `has unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `is invalid: ${issue.message}`;
}
function formatPath(path) {
    if (path.length === 0)
        return '(root)';
    return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}
/** DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, read the way the docker CLI reads them. */
function hostFromEnv(env) {
    const url = env.DOCKER_HOST || DEFAULT_SOCKET;
    const certPath = env.DOCKER_CERT_PATH;
    if (url.startsWith('tcp://') && (certPath || env.DOCKER_TLS_VERIFY)) {
        const dir = certPath ?? resolve(env.HOME ?? '.', '.docker');
        return {
            name: 'local',
            url,
            tls: { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), verify: Boolean(env.DOCKER_TLS_VERIFY) },
        };
    }
    // Plain tcp is refused unless asked for, as the config's `insecure: true` does for its hosts.
    const plain = /^(tcp|http):\/\//.test(url);
    return plain && env.STORAGE_OPS_INSECURE_TCP === '1' ? { name: 'local', url, insecure: true } : { name: 'local', url };
}
//# sourceMappingURL=load-config.js.map