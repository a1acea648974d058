/**
 * The real Bolt app against the local fake Slack and a real engine: signed HTTP requests (valid,
 * forged, stale), Socket Mode envelopes, help and bad input, refusals by role, reads posted as
 * Block Kit, escaping of user text, 429 retries, and serve's start-up with and without Slack.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import type { Deps } from '../../src/core/ports.js';
import { startSlackBot, type SlackBot } from '../../src/bot/slack-app.js';
import { slackSettingsFrom } from '../../src/bot/slack-settings.js';
import { startService } from '../../src/serve/serve.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { FakeSlack, formBody, sendSigned, slashCommandPayload, type Block, type RecordedCall } from '../harness/fake-slack.js';

const SECRET = 'test-signing-secret-0123456789';
const ACCESS = { access: { admins: ['slack:UBOB'], operators: ['slack:UALICE'] } };

function logCollector(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'debug', json: true, write: (l) => lines.push(l) }) };
}

function texts(blocks: Block[]): string {
  return JSON.stringify(blocks);
}

describeDocker('Slack bot: /storage against a fake Slack', () => {
  let engine: TestEngine;
  let deps: Deps;
  let fake: FakeSlack;
  let bot: SlackBot | null = null;
  const created: string[] = [];

  const startBot = async (mode: 'socket' | 'http'): Promise<SlackBot> => {
    const env = {
      SLACK_BOT_TOKEN: fake.botToken,
      ...(mode === 'socket' ? { SLACK_APP_TOKEN: fake.appToken } : { SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: '0' }),
      SLACK_API_URL: fake.apiUrl,
    };
    const settings = slackSettingsFrom(env);
    if (!settings) throw new Error('no settings');
    bot = await startSlackBot(deps, settings, logCollector().log);
    if (mode === 'socket') await fake.socketConnected();
    return bot;
  };

  /** Sends `/storage <text>` over Socket Mode; resolves with the calls made to its response_url and channel. */
  const slash = async (text: string, user = 'UALICE', channel = 'COPS'): Promise<{ ack: Record<string, unknown>; responseUrl: string }> => {
    const responseUrl = fake.responseUrl();
    const ack = await fake.sendEnvelope('slash_commands', slashCommandPayload(text, { user, userName: user.slice(1).toLowerCase(), channel, responseUrl }));
    return { ack, responseUrl };
  };
  const responsesTo = (url: string): RecordedCall[] => fake.callsOf('response_url').filter((c) => c.args.url === url);
  const firstResponse = (url: string): Promise<RecordedCall> => fake.waitFor(() => responsesTo(url)[0], `a reply on ${url}`);

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    deps = await makeDeps([engine], { ...ACCESS, slack: { approvalsChannel: 'CAPPROVALS' } });
  });

  afterEach(async () => {
    await bot?.stop();
    bot = null;
    await fake?.stop();
  });

  afterAll(async () => {
    for (const v of created) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  describe('HTTP mode', () => {
    beforeAll(() => undefined);

    it('answers a signed /storage help privately, and refuses forged and stale signatures with 401', async () => {
      fake = await new FakeSlack().start();
      const b = await startBot('http');
      expect(b.mode).toBe('http');
      const url = b.eventsUrl ?? '';

      const okUrl = fake.responseUrl();
      const ok = await sendSigned(url, SECRET, formBody(slashCommandPayload('help', { responseUrl: okUrl })));
      expect(ok.status).toBe(200);
      const reply = await firstResponse(okUrl);
      expect(reply.args.response_type).toBe('ephemeral');
      for (const op of deps.ops.all()) expect(texts(reply.args.blocks as Block[])).toContain(`  ${op.verb} `);

      for (const kind of ['forged', 'stale'] as const) {
        const badUrl = fake.responseUrl();
        const bad = await sendSigned(url, SECRET, formBody(slashCommandPayload('volumes', { responseUrl: badUrl })), { kind });
        expect(bad.status, kind).toBe(401);
        expect(responsesTo(badUrl), kind).toEqual([]);
      }
    });

    it('ignores a redelivery (x-slack-retry-num) of a command', async () => {
      fake = await new FakeSlack().start();
      const b = await startBot('http');
      const responseUrl = fake.responseUrl();
      const res = await sendSigned(b.eventsUrl ?? '', SECRET, formBody(slashCommandPayload('help', { responseUrl })), { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
      expect(res.status).toBe(200);
      // A later, first-time command is answered; the retried one never was.
      const later = fake.responseUrl();
      await sendSigned(b.eventsUrl ?? '', SECRET, formBody(slashCommandPayload('help', { responseUrl: later })));
      await firstResponse(later);
      expect(responsesTo(responseUrl)).toEqual([]);
    });
  });

  describe('Socket Mode', () => {
    it('posts `volumes` to the channel as Block Kit with the bot token, after acking the envelope', async () => {
      fake = await new FakeSlack().start();
      await startBot('socket');
      const name = uniqueName('slk');
      await docker(engine, 'volume', 'create', '--label', 'slack-test=1', name);
      created.push(name);

      const { ack } = await slash(`volumes --name ${name}`);
      expect(ack).toEqual({});
      const post = await fake.waitFor(() => fake.callsOf('chat.postMessage')[0], 'the answer');
      expect(post.token).toBe(fake.botToken);
      expect(post.args.channel).toBe('COPS');
      const blocks = post.args.blocks as Block[];
      expect(blocks.length).toBeLessThanOrEqual(50);
      expect(blocks.some((b) => b.type === 'header')).toBe(true);
      expect(texts(blocks)).toContain(name);
      expect(texts(blocks)).toContain('<@UALICE> ran `/storage volumes --name');
    });

    it('--private answers a read ephemerally through the response_url', async () => {
      fake = await new FakeSlack().start();
      await startBot('socket');
      const { responseUrl } = await slash('hosts --private');
      const reply = await firstResponse(responseUrl);
      expect(reply.args.response_type).toBe('ephemeral');
      expect(texts(reply.args.blocks as Block[])).toContain(engine.name);
      expect(fake.callsOf('chat.postMessage')).toEqual([]);
    });

    it('bad input: unknown verb gets the help, malformed arguments the usage, a viewer the role needed; nothing changes', async () => {
      fake = await new FakeSlack().start();
      await startBot('socket');

      const unknown = await slash('frobnicate now');
      const u = await firstResponse(unknown.responseUrl);
      expect(u.args.response_type).toBe('ephemeral');
      expect(texts(u.args.blocks as Block[])).toContain('Unknown command `frobnicate`');
      expect(texts(u.args.blocks as Block[])).toContain('Usage: /storage &lt;command&gt;');
      const typo = await firstResponse((await slash('volumse')).responseUrl);
      expect(texts(typo.args.blocks as Block[])).toContain('Unknown command `volumse` (did you mean `/storage volumes`?)');

      const malformed = await slash('volumes --size-over lots');
      const m = await firstResponse(malformed.responseUrl);
      expect(texts(m.args.blocks as Block[])).toMatch(/unknown option --size-over/);
      expect(texts(m.args.blocks as Block[])).toContain('/storage volumes [--host HOST]');
      expect(texts(m.args.blocks as Block[])).toContain('See `/storage help volumes`');

      const name = uniqueName('slk_viewer');
      const refused = await slash(`create ${name}`, 'UCAROL');
      const r = await firstResponse(refused.responseUrl);
      expect(r.args.response_type).toBe('ephemeral');
      expect(texts(r.args.blocks as Block[])).toMatch(/You \(viewer\) may not run `create`: it needs the \*operator\* role/);
      expect(texts(r.args.blocks as Block[])).toContain('<@UBOB>');
      expect(await docker(engine, 'volume', 'ls', '-q', '--filter', `name=${name}`)).toBe('');
      expect(fake.callsOf('chat.postMessage')).toEqual([]);
    });

    it('user text is escaped: never read as mentions or links', async () => {
      fake = await new FakeSlack().start();
      await startBot('socket');
      await slash('volumes --name "<!channel>&<@UBOB>"');
      const post = await fake.waitFor(() => fake.callsOf('chat.postMessage')[0], 'the answer');
      const raw = texts(post.args.blocks as Block[]) + String(post.args.text);
      expect(raw).not.toContain('<!channel>');
      expect(raw).not.toContain('<@UBOB>');
      expect(raw).toContain('&lt;!channel&gt;&amp;&lt;@UBOB&gt;');
    });

    it('a 429 with Retry-After is waited out and retried', async () => {
      fake = await new FakeSlack().start();
      await startBot('socket');
      fake.rateLimit('chat.postMessage', 1);
      await slash('hosts');
      const posted = await fake.waitFor(() => [...fake.messages.values()][0], 'the retried post');
      expect(posted.channel).toBe('COPS');
      const attempts = fake.callsOf('chat.postMessage');
      expect(attempts).toHaveLength(2);
      expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    });

    it('not in the channel: the answer comes through the response_url with how to invite the bot', async () => {
      fake = await new FakeSlack().start();
      fake.notInChannel.add('CSECRET');
      await startBot('socket');
      const { responseUrl } = await slash('hosts', 'UALICE', 'CSECRET');
      const reply = await firstResponse(responseUrl);
      expect(reply.args.response_type).toBe('in_channel');
      expect(texts(reply.args.blocks as Block[])).toContain('/invite @storage-ops');
    });
  });

  describe('serve', () => {
    it('starts Slack when the variables are set and logs the mode', async () => {
      fake = await new FakeSlack().start();
      const { lines, log } = logCollector();
      const service = await startService(
        deps,
        { STORAGE_OPS_HTTP_PORT: '0', SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl },
        log,
      );
      try {
        expect(service.slack?.mode).toBe('socket');
        await fake.socketConnected();
        expect(lines.some((l) => l.includes('"slack started"') && l.includes('"mode":"socket"'))).toBe(true);
        expect(lines.join('\n')).not.toContain(fake.botToken);
        expect(lines.join('\n')).not.toContain(fake.appToken);
      } finally {
        await service.stop();
      }
    });

    it('a rejected or missing token stops serve with an error naming the variable, never its value', async () => {
      fake = await new FakeSlack().start();
      const { log } = logCollector();
      const wrongBot = 'xoxb-wrong-0000000000';
      const e1 = await startService(deps, { STORAGE_OPS_HTTP_PORT: '0', SLACK_BOT_TOKEN: wrongBot, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl }, log).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(e1?.message).toBe('SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)');

      const wrongApp = 'xapp-wrong-0000000000';
      const e2 = await startService(deps, { STORAGE_OPS_HTTP_PORT: '0', SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: wrongApp, SLACK_API_URL: fake.apiUrl }, log).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(e2?.message).toBe('SLACK_APP_TOKEN was rejected by Slack (invalid_auth)');
      expect(`${e1?.message} ${e2?.message}`).not.toMatch(/wrong-0000/);

      const e3 = await startService(deps, { STORAGE_OPS_HTTP_PORT: '0', SLACK_APP_TOKEN: fake.appToken }, log).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(e3?.message).toMatch(/^SLACK_BOT_TOKEN is not set/);
    });
  });
});
