/**
 * The one HTTP listener of `storage-ops serve`: /healthz now; the MCP endpoint (/mcp) and
 * Prometheus metrics (/metrics) mount routes here as their features arrive. A route that fails
 * answers a generic 500 carrying an error id; the message, which may name paths, hosts or worse,
 * goes only to the log line that carries the same id.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpsError, toOpsError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HttpServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(opts: { host: string; port: number; routes: Record<string, Route>; log: Logger }): Promise<HttpServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = Object.hasOwn(opts.routes, path) ? opts.routes[path] : undefined;
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      return;
    }
    const fail = (err: unknown): void => {
      const errorId = randomUUID();
      const e = toOpsError(err);
      opts.log.error('http request failed', { errorId, method: req.method, path, code: e.code, error: e.message });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal error', errorId }));
    };
    try {
      Promise.resolve(route(req, res)).catch(fail);
    } catch (err) {
      fail(err);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, opts.host, opts.port)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Why the listener could not start, and what to try, instead of a bare `listen EADDRINUSE`. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): OpsError {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (err.code === 'EADDRINUSE') {
    return new OpsError('unavailable', `cannot listen on ${where}: the port is already in use (another storage-ops serve, or another program)`, {
      hint: `Stop what holds it (\`ss -ltnp 'sport = :${port}'\` shows it) or pick another port with STORAGE_OPS_HTTP_PORT`,
    });
  }
  if (err.code === 'EACCES') {
    return new OpsError('forbidden', `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`, { hint: 'Pick a port of 1024 or more with STORAGE_OPS_HTTP_PORT' });
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new OpsError('config', `cannot listen on ${where}: no such address on this machine (${err.code})`, { hint: 'Set STORAGE_OPS_HTTP_HOST to an address of this machine (127.0.0.1, 0.0.0.0)' });
  }
  return new OpsError('unavailable', `cannot listen on ${where}: ${err.message}`, { hint: 'Check STORAGE_OPS_HTTP_HOST and STORAGE_OPS_HTTP_PORT' });
}

/** Answers 401 with the Bearer challenge. */
export function unauthorized(res: ServerResponse, realm: string): void {
  res
    .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="${realm}"` })
    .end(JSON.stringify({ error: 'unauthorized: send Authorization: Bearer <token>' }));
}
