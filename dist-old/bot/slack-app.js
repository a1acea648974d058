import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import { OpsError, toOpsError } from '../core/errors.js';
import { followApprovalEvents, resumeMessages } from './approval-posts.js';
import { followSchedulePosts } from './schedule-posts.js';
import { slackErrorCode } from './bot-runtime.js';
import { registerApprovalActions } from './listeners/approval-actions.js';
import { registerAppHome } from './listeners/app-home.js';
import { registerJobActions } from './listeners/job-actions.js';
import { registerSlashCommand } from './listeners/slash-command.js';
import { createSlackActors } from './slack-actors.js';
export const SLACK_EVENTS_PATH = '/slack/events';
/** Bolt's logger interface over ours (which masks secrets in every line). */
function boltLogger(log) {
    let level = LogLevel.INFO;
    const text = (msg) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
    return {
        debug: (...m) => log.debug(`slack: ${text(m)}`),
        info: (...m) => log.info(`slack: ${text(m)}`),
        warn: (...m) => log.warn(`slack: ${text(m)}`),
        error: (...m) => log.error(`slack: ${text(m)}`),
        setLevel: (l) => {
            level = l;
        },
        getLevel: () => level,
        setName: () => undefined,
    };
}
function rejected(variable, err) {
    const code = slackErrorCode(err);
    if (code) {
        return new OpsError('config', `${variable} was rejected by Slack (${code})`, {
            hint: `Check that ${variable} is the current token of the installed app; reinstalling the app issues new tokens`,
        });
    }
    return new OpsError('unavailable', `could not reach Slack to check ${variable}: ${toOpsError(err).message}`, {
        hint: 'Check the network (or SLACK_API_URL), then start again',
    });
}
export async function startSlackBot(deps, settings, log) {
    const clientOptions = { logger: boltLogger(log), ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}) };
    const probe = new webApi.WebClient(settings.botToken, { ...clientOptions, retryConfig: { retries: 2 } });
    let who;
    try {
        who = await probe.auth.test();
    }
    catch (err) {
        throw rejected('SLACK_BOT_TOKEN', err);
    }
    if (!who.user_id)
        throw new OpsError('config', 'SLACK_BOT_TOKEN is not a bot token: auth.test returned no bot user', { hint: 'Use the Bot User OAuth Token (xoxb-...)' });
    const logger = boltLogger(log);
    const receiver = settings.mode === 'socket'
        ? new SocketModeReceiver({ appToken: settings.appToken ?? '', logger, autoReconnectEnabled: true, installerOptions: { clientOptions } })
        : new HTTPReceiver({ signingSecret: settings.signingSecret ?? '', endpoints: SLACK_EVENTS_PATH, logger, processBeforeResponse: false });
    const app = new App({
        token: settings.botToken,
        botId: who.bot_id ?? '',
        botUserId: who.user_id,
        receiver,
        logger,
        clientOptions,
        tokenVerificationEnabled: false,
    });
    app.error(async (err) => {
        log.error('slack: a listener failed', { error: toOpsError(err).message });
    });
    const stopping = new AbortController();
    const rt = {
        deps,
        client: app.client,
        log,
        botUserId: who.user_id,
        botName: who.user ?? 'storage-ops',
        actors: createSlackActors(deps.config, app.client, log),
        approvalsChannel: deps.config.slack.approvalsChannel ?? null,
        approvalMessages: new Map(),
        approvalResults: new Map(),
        following: new Set(),
        stopSignal: stopping.signal,
        timers: new Set(),
    };
    registerSlashCommand(app, rt);
    registerApprovalActions(app, rt);
    registerJobActions(app, rt);
    registerAppHome(app, rt);
    const offApprovals = followApprovalEvents(rt);
    const offSchedules = followSchedulePosts(rt);
    const unsubscribe = () => {
        offApprovals();
        offSchedules();
    };
    let eventsUrl = null;
    try {
        if (settings.mode === 'socket') {
            await app.start();
        }
        else {
            const server = (await app.start(settings.port));
            const port = server.address().port;
            eventsUrl = `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`;
        }
    }
    catch (err) {
        unsubscribe();
        await app.stop().catch(() => undefined);
        if (settings.mode === 'socket' && slackErrorCode(err))
            throw rejected('SLACK_APP_TOKEN', err);
        throw new OpsError('unavailable', `could not start Slack (${settings.mode} mode): ${toOpsError(err).message}`, {
            hint: settings.mode === 'http' ? `Is SLACK_PORT ${settings.port} free?` : 'Check the network (or SLACK_API_URL), then start again',
        });
    }
    // Messages posted before a restart: shown as they are now, and followed again.
    void resumeMessages(rt).catch((err) => log.warn('slack: could not resume earlier messages', { error: toOpsError(err).message }));
    log.info('slack started', { mode: settings.mode, bot: rt.botName, team: who.team ?? null, ...(eventsUrl ? { events: eventsUrl } : {}), approvalsChannel: rt.approvalsChannel });
    return {
        mode: settings.mode,
        eventsUrl,
        async stop() {
            unsubscribe();
            stopping.abort();
            for (const t of rt.timers)
                clearTimeout(t);
            rt.timers.clear();
            await app.stop();
        },
    };
}
//# sourceMappingURL=slack-app.js.map