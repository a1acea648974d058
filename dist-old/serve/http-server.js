/**
 * The one HTTP listener of `storage-ops serve`: /healthz now; the MCP endpoint (/mcp) and
 * Prometheus metrics (/metrics) mount routes here as their features arrive. A route that fails
 * answers a generic 500 carrying an error id; the message, which may name paths, hosts or worse,
 * goes only to the log line that carries the same id.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { toOpsError } from '../core/errors.js';
export async function startHttpServer(opts) {
    const server = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const route = Object.hasOwn(opts.routes, path) ? opts.routes[path] : undefined;
        if (!route) {
            res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
            return;
        }
        const fail = (err) => {
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
        }
        catch (err) {
            fail(err);
        }
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, () => resolve());
    });
    const addr = server.address();
    return {
        server,
        url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
        close: () => new Promise((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        }),
    };
}
/** Answers 401 with the Bearer challenge. */
export function unauthorized(res, realm) {
    res
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="${realm}"` })
        .end(JSON.stringify({ error: 'unauthorized: send Authorization: Bearer <token>' }));
}
//# sourceMappingURL=http-server.js.map