/**
 * Which Slack connection `serve` makes, read from the environment: Socket Mode when
 * SLACK_APP_TOKEN is set, HTTP mode (signed requests on SLACK_PORT at /slack/events) when
 * SLACK_SIGNING_SECRET is set, SLACK_BOT_TOKEN for both, SLACK_API_URL for another Web API base.
 * Errors name the variable, never its value.
 */
import { OpsError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
const SLACK_VARS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'];
/** The Slack settings, or null when no Slack variable is set (Slack stays off). */
export function slackSettingsFrom(env) {
    const set = SLACK_VARS.filter((k) => (env[k] ?? '').trim() !== '');
    if (set.length === 0)
        return null;
    const botToken = env.SLACK_BOT_TOKEN?.trim() ?? '';
    const appToken = env.SLACK_APP_TOKEN?.trim() || undefined;
    const signingSecret = env.SLACK_SIGNING_SECRET?.trim() || undefined;
    // Registered before any check can fail, so no message below can ever print them.
    for (const s of [botToken, appToken, signingSecret])
        registerSecret(s);
    if (!botToken) {
        throw new OpsError('config', `SLACK_BOT_TOKEN is not set, but ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'}`, {
            hint: 'Set SLACK_BOT_TOKEN to the app\'s Bot User OAuth Token (xoxb-...), or unset the other SLACK_ variables to run without Slack',
        });
    }
    if (!botToken.startsWith('xoxb-')) {
        throw new OpsError('config', 'SLACK_BOT_TOKEN does not look like a bot token (it should start with "xoxb-")', {
            hint: 'Copy the Bot User OAuth Token from the app\'s "OAuth & Permissions" page',
        });
    }
    if (appToken && !appToken.startsWith('xapp-')) {
        throw new OpsError('config', 'SLACK_APP_TOKEN does not look like an app-level token (it should start with "xapp-")', {
            hint: 'Create one with the connections:write scope under "Basic Information → App-Level Tokens"',
        });
    }
    if (!appToken && !signingSecret) {
        throw new OpsError('config', 'SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is', {
            hint: 'Set SLACK_APP_TOKEN for Socket Mode (no public URL needed), or SLACK_SIGNING_SECRET to receive signed requests on SLACK_PORT',
        });
    }
    const rawPort = env.SLACK_PORT?.trim() || '3000';
    const port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port > 65535) {
        throw new OpsError('config', `SLACK_PORT "${rawPort}" is not a port number`, { hint: 'Use a number from 0 to 65535 (default 3000)' });
    }
    let apiUrl;
    const rawApi = env.SLACK_API_URL?.trim();
    if (rawApi) {
        let parsed;
        try {
            parsed = new URL(rawApi);
        }
        catch {
            throw new OpsError('config', `SLACK_API_URL "${rawApi}" is not a URL`, { hint: 'Use a base URL like https://slack.com/api/' });
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
            throw new OpsError('config', `SLACK_API_URL "${rawApi}" is not an http(s) URL`, { hint: 'Use a base URL like https://slack.com/api/' });
        }
        apiUrl = rawApi.endsWith('/') ? rawApi : `${rawApi}/`;
    }
    return {
        mode: appToken ? 'socket' : 'http',
        botToken,
        ...(appToken ? { appToken } : {}),
        ...(signingSecret ? { signingSecret } : {}),
        port,
        ...(apiUrl ? { apiUrl } : {}),
    };
}
//# sourceMappingURL=slack-settings.js.map