/**
 * Translates dockerode and socket errors into OpsErrors that say which engine failed, why, and
 * what to try, so no adapter ever shows "(HTTP code 500) unexpected".
 */
import { OpsError } from '../core/errors.js';
const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
export function engineMessage(err) {
    const e = err;
    const fromJson = e?.json && typeof e.json === 'object' ? e.json.message : undefined;
    return (fromJson ?? e?.message ?? String(err)).replace(/^\(HTTP code \d+\)\s*[a-z ]*-\s*/i, '').trim();
}
/**
 * ssh2 reports a refused host key only as "Host denied (verification failed)"; the engine's
 * host-key check keeps what it refused and explains it here (keyed by the engine's HostRef).
 */
const hostKeyRefusals = new WeakMap();
export function explainHostKeyRefusals(host, explain) {
    hostKeyRefusals.set(host, explain);
}
export function engineError(err, host, action) {
    if (err instanceof OpsError)
        return err;
    const e = err;
    if (/Host denied \(verification failed\)/.test(String(e?.message ?? ''))) {
        const explained = hostKeyRefusals.get(host)?.();
        if (explained)
            return explained;
        return new OpsError('unavailable', `engine "${host.name}" (${host.url}) was refused: its ssh host key did not pass the known_hosts check`, {
            hint: 'Check hosts[].knownHosts / hostKeyFingerprint in the config',
        });
    }
    if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') {
        return new OpsError('cancelled', `${action} on ${host.name}: cancelled`);
    }
    if (e?.code && UNREACHABLE.has(e.code)) {
        return new OpsError('unavailable', `engine "${host.name}" (${host.url}) is unreachable: ${e.code}`, {
            hint: 'Check that dockerd runs there and that the URL in the config (or DOCKER_HOST) is right; `storage-ops hosts` shows every engine',
        });
    }
    const raw = String(e?.message ?? '');
    if (/alert bad certificate|alert unknown ca|alert certificate required|handshake failure/i.test(raw)) {
        return new OpsError('unavailable', `engine "${host.name}" (${host.url}) rejected our TLS client certificate`, {
            hint: 'Check hosts[].tls.cert and .key: the certificate must be signed by the CA the engine trusts (its --tlscacert)',
        });
    }
    if (/self[- ]signed certificate|unable to (get|verify)|certificate has expired|Hostname\/IP does not match|ERR_TLS_CERT/i.test(raw) || (e?.code ?? '').startsWith('ERR_TLS') || (e?.code ?? '').includes('CERT')) {
        return new OpsError('unavailable', `engine "${host.name}" (${host.url}) presented a certificate we do not trust: ${raw.split(':').pop()?.trim() ?? raw}`, {
            hint: "Check hosts[].tls.ca is the CA that signed the engine's certificate, and that the certificate names this address",
        });
    }
    if (e?.code === 'EACCES') {
        return new OpsError('forbidden', `engine "${host.name}" (${host.url}) refused access to its socket (EACCES)`, {
            hint: "Run as a member of the socket's group (usually docker) or as root",
        });
    }
    const msg = engineMessage(err);
    switch (e?.statusCode) {
        case 400:
            return new OpsError('invalid_input', `${action} on ${host.name}: the engine rejected the request: ${msg}`);
        case 401:
        case 403:
            return new OpsError('forbidden', `${action} on ${host.name}: the engine refused: ${msg}`);
        case 404:
            return new OpsError('not_found', `${action} on ${host.name}: ${msg}`);
        case 409:
            return new OpsError('conflict', `${action} on ${host.name}: ${msg}`);
        default:
            return new OpsError('unavailable', `${action} on ${host.name} failed: ${msg}`, {
                hint: 'Check the engine log (journalctl -u docker) and try again',
                cause: err,
            });
    }
}
//# sourceMappingURL=engine-errors.js.map