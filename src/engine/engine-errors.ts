/**
 * Translates dockerode and socket errors into OpsErrors that say which engine failed, why, and
 * what to try, so no adapter ever shows "(HTTP code 500) unexpected".
 */
import { OpsError } from '../core/errors.js';
import type { HostRef } from '../core/ports.js';

interface DockerodeError {
  statusCode?: number;
  reason?: string;
  json?: { message?: string } | null;
  code?: string;
  name?: string;
  message?: string;
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export function engineMessage(err: unknown): string {
  const e = err as DockerodeError;
  const fromJson = e?.json && typeof e.json === 'object' ? e.json.message : undefined;
  return (fromJson ?? e?.message ?? String(err)).replace(/^\(HTTP code \d+\)\s*[a-z ]*-\s*/i, '').trim();
}

/**
 * The socket-level code behind an error, looking through wrappers: `cause` chains and the
 * AggregateError Node raises when every address of a name failed (its own message is empty).
 */
export function underlyingCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 5) return undefined;
  const e = err as DockerodeError & { cause?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string' && e.code) return e.code;
  for (const inner of Array.isArray(e.errors) ? e.errors : []) {
    const code = underlyingCode(inner, depth + 1);
    if (code) return code;
  }
  return underlyingCode(e.cause, depth + 1);
}

/**
 * ssh2 reports a refused host key only as "Host denied (verification failed)"; the engine's
 * host-key check keeps what it refused and explains it here (keyed by the engine's HostRef).
 */
const hostKeyRefusals = new WeakMap<HostRef, () => OpsError | null>();

export function explainHostKeyRefusals(host: HostRef, explain: () => OpsError | null): void {
  hostKeyRefusals.set(host, explain);
}

export function engineError(err: unknown, host: HostRef, action: string): OpsError {
  if (err instanceof OpsError) return err;
  const found = underlyingCode(err);
  const e = { ...(err as DockerodeError), message: (err as DockerodeError)?.message, name: (err as DockerodeError)?.name, code: found } as DockerodeError;
  if (/Host denied \(verification failed\)/.test(String(e?.message ?? ''))) {
    const explained = hostKeyRefusals.get(host)?.();
    if (explained) return explained;
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
  // Never an empty reason: an engine or proxy that answered with no message still has a status.
  const msg = engineMessage(err) || (e?.statusCode ? `HTTP ${e.statusCode}${e.reason ? ` ${e.reason}` : ''} with no message` : e?.code ? e.code : 'no reason given');
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
