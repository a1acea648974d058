/**
 * `storage-ops serve`: the long-lived process. Starts the HTTP listener (/healthz, /metrics, /mcp),
 * runs the schedules, logs which parts are enabled, and stops cleanly on SIGTERM/SIGINT.
 */
import { OpsError } from '../core/errors.js';
import { startEventRelay } from '../core/event-relay.js';
import { createMetricsCollector } from '../ops/system/metrics.js';
import { createMcpHttpEndpoint } from '../mcp/transports/http-endpoint.js';
import { bearerCheck } from './bearer-auth.js';
import { startHttpServer, unauthorized } from './http-server.js';
import { startSlackBot } from '../bot/slack-app.js';
import { slackSettingsFrom } from '../bot/slack-settings.js';
import { startScheduler } from '../schedules/scheduler.js';
export async function startService(deps, env, log) {
    const host = env.STORAGE_OPS_HTTP_HOST ?? '127.0.0.1';
    const port = Number(env.STORAGE_OPS_HTTP_PORT ?? 8765);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new OpsError('config', `STORAGE_OPS_HTTP_PORT "${env.STORAGE_OPS_HTTP_PORT}" is not a port number`);
    }
    const started = new Date();
    // Slack first: a missing or rejected token stops serve before anything listens.
    const slackSettings = slackSettingsFrom(env);
    const slack = slackSettings ? await startSlackBot(deps, slackSettings, log) : null;
    if (!slack)
        log.info('slack off: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) to turn it on');
    const metrics = createMetricsCollector(deps);
    const metricsAllowed = bearerCheck(deps.config.metrics, env, 'metrics');
    const mcp = createMcpHttpEndpoint(deps, env);
    let http;
    try {
        http = await startHttpServer({
            host,
            port,
            log,
            routes: {
                '/mcp': (req, res) => mcp.handle(req, res),
                '/metrics': async (req, res) => {
                    if (metricsAllowed && !metricsAllowed(req))
                        return unauthorized(res, 'storage-ops metrics');
                    const body = await metrics();
                    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
                },
                '/healthz': (_req, res) => {
                    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', since: started.toISOString(), hosts: deps.engines.hosts().map((h) => h.name) }));
                },
            },
        });
    }
    catch (err) {
        await slack?.stop();
        throw err;
    }
    log.info('http listener started', { url: http.url, routes: ['/healthz', '/metrics', '/mcp'], metricsAuth: metricsAllowed ? 'bearer token' : 'none' });
    if (mcp.tokenNames.length === 0)
        log.warn('mcp over http: no tokens configured (mcp.tokens), so /mcp answers 401 to everyone');
    // Requests and job progress written by other processes (the CLI, a stdio MCP server) reach this
    // process's subscribers (Slack, MCP) through the relay.
    const relay = await startEventRelay(deps);
    let schedules;
    try {
        // After Slack, so a run's post (schedule.posted) finds the Slack adapter subscribed.
        schedules = await startScheduler(deps);
    }
    catch (err) {
        relay.stop();
        await slack?.stop();
        await mcp.close();
        await http.close();
        throw err;
    }
    log.info('parts', {
        http: true,
        metrics: true,
        slack: slack ? slack.mode : false,
        mcp: { path: '/mcp', clients: mcp.tokenNames.map((n) => `mcp:${n}`), readOnly: deps.config.mcp.readOnly },
        schedules: schedules.running ? schedules.active() : 'run by another serve',
        hosts: deps.engines.hosts().map((h) => h.name),
    });
    return {
        http,
        slack,
        schedules,
        async stop() {
            await schedules.stop();
            relay.stop();
            await slack?.stop();
            await mcp.close();
            await http.close();
            log.info('stopped');
        },
    };
}
//# sourceMappingURL=serve.js.map