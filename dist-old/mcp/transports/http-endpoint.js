/**
 * MCP over Streamable HTTP at /mcp on serve's listener. Before the SDK sees a request:
 * - Host must name this listener (localhost, its address, or config mcp.allowedHosts), against
 *   DNS rebinding; Origin, when a browser sends one, must be the listener's own or in
 *   mcp.allowedOrigins (403 otherwise; the SDK checks neither by default, and never Origin);
 * - a bearer token is required (401 without or with an unknown one); it names the identity.
 * Each session gets its own server for its token's identity; a session can only be used with the
 * token that opened it. Sessions live in memory; the oldest is closed beyond a cap.
 */
import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../create-server.js';
import { bearerOf, loadTokens, matchToken } from './http-tokens.js';
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_SESSIONS = 64;
function reply(res, status, message, headers = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: status === 401 || status === 403 ? -32001 : -32000, message }, id: null }));
}
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
function listenerNames(req) {
    const port = req.socket.localPort;
    const addr = req.socket.localAddress ?? '';
    const host = addr.includes(':') && !addr.startsWith('::ffff:') ? `[${addr}]` : addr.replace(/^::ffff:/, '');
    return [...new Set([...LOOPBACK, host])].map((h) => `${h}:${port}`);
}
export function hostAllowed(req, allowedHosts) {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!host)
        return false;
    return listenerNames(req).includes(host) || allowedHosts.some((h) => h.toLowerCase() === host || h.toLowerCase() === host.replace(/:\d+$/, ''));
}
export function originAllowed(req, allowedOrigins) {
    const origin = req.headers.origin;
    if (origin === undefined)
        return true; // not a browser: nothing to check
    const o = origin.toLowerCase();
    return listenerNames(req).some((n) => o === `http://${n}` || o === `https://${n}`) || allowedOrigins.some((a) => a.toLowerCase() === o);
}
async function readJson(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES)
            return { ok: false, status: 413, message: `request body over ${MAX_BODY_BYTES} bytes` };
        chunks.push(chunk);
    }
    try {
        return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
    }
    catch {
        return { ok: false, status: 400, message: 'Parse error: the body is not JSON' };
    }
}
export function createMcpHttpEndpoint(deps, env = process.env) {
    const cfg = deps.config.mcp;
    const tokens = loadTokens(cfg, env);
    const sessions = new Map();
    const openSession = async (token) => {
        const server = createMcpServer(deps, `mcp:${token}`);
        const transport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (id) => {
                sessions.set(id, { transport, server, token });
                if (sessions.size > MAX_SESSIONS) {
                    const [oldest] = sessions.keys();
                    if (oldest)
                        void sessions.get(oldest)?.transport.close();
                }
                deps.log.info('mcp session opened', { identity: `mcp:${token}`, sessions: sessions.size });
            },
        });
        transport.onclose = () => {
            if (transport.sessionId)
                sessions.delete(transport.sessionId);
        };
        await server.connect(transport);
        return transport;
    };
    return {
        tokenNames: tokens.map((t) => t.name),
        async handle(req, res) {
            if (!hostAllowed(req, cfg.allowedHosts)) {
                reply(res, 403, `Forbidden: Host "${req.headers.host ?? ''}" is not this server; add it to mcp.allowedHosts if clients reach it by that name`);
                return;
            }
            if (!originAllowed(req, cfg.allowedOrigins)) {
                reply(res, 403, `Forbidden: Origin "${req.headers.origin ?? ''}" may not call this server; add it to mcp.allowedOrigins if it should`);
                return;
            }
            const presented = bearerOf(req.headers.authorization);
            const token = presented === null ? null : matchToken(tokens, presented);
            if (token === null) {
                const why = tokens.length === 0 ? 'no MCP tokens are configured (mcp.tokens)' : presented === null ? 'send Authorization: Bearer <token>' : 'the token is not one of mcp.tokens';
                reply(res, 401, `Unauthorized: ${why}`, { 'www-authenticate': 'Bearer realm="storage-ops"' });
                return;
            }
            const sessionId = req.headers['mcp-session-id'];
            if (typeof sessionId === 'string') {
                const session = sessions.get(sessionId);
                if (!session) {
                    reply(res, 404, 'Session not found: it ended or the server restarted; initialize a new one');
                    return;
                }
                if (session.token !== token) {
                    reply(res, 403, 'Forbidden: this session was opened with another token');
                    return;
                }
                const body = req.method === 'POST' ? await readJson(req) : null;
                if (body && !body.ok)
                    return reply(res, body.status, body.message);
                await session.transport.handleRequest(req, res, body?.body);
                return;
            }
            if (req.method !== 'POST') {
                reply(res, 400, 'Bad Request: no Mcp-Session-Id; initialize a session with a POST first');
                return;
            }
            const body = await readJson(req);
            if (!body.ok)
                return reply(res, body.status, body.message);
            const messages = Array.isArray(body.body) ? body.body : [body.body];
            if (!messages.some((m) => isInitializeRequest(m))) {
                reply(res, 400, 'Bad Request: no Mcp-Session-Id; the first request of a session must be initialize');
                return;
            }
            const transport = await openSession(token);
            await transport.handleRequest(req, res, body.body);
        },
        async close() {
            const all = [...sessions.values()];
            sessions.clear();
            await Promise.all(all.map((s) => s.server.close().catch(() => undefined)));
        },
    };
}
//# sourceMappingURL=http-endpoint.js.map