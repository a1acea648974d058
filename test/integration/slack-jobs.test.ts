/**
 * Long ops through Slack on a real engine: `/storage backup` starts a job and posts one message
 * that is updated with progress (at most every 3 s, with a Cancel button) and then replaced by
 * the result; Cancel stops a running backup; a request made at the CLI appears in the approvals
 * channel through the kernel's events.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Deps } from '../../src/core/ports.js';
import { startSlackBot, type SlackBot } from '../../src/bot/slack-app.js';
import { startEventRelay } from '../../src/core/event-relay.js';
import { slackSettingsFrom } from '../../src/bot/slack-settings.js';
import { cliAsync, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { blockActionPayload, FakeSlack, slashCommandPayload, type PostedMessage } from '../harness/fake-slack.js';

const ACCESS = { access: { admins: ['slack:UBOB'], operators: ['slack:UALICE'] } };

describeDocker('Slack jobs on a real engine', () => {
  let engine: TestEngine;
  let deps: Deps;
  let fake: FakeSlack;
  let bot: SlackBot;
  let relay: { stop(): void } | undefined;
  const created: string[] = [];

  const bigVolume = async (mb: number): Promise<string> => {
    const name = uniqueName('slk_job');
    await docker(engine, 'volume', 'create', name);
    created.push(name);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${name}:/v`, 'storage-ops-helper:test', 'dd', 'if=/dev/urandom', 'of=/v/blob', 'bs=1M', `count=${mb}`);
    return name;
  };
  const slash = async (text: string, user = 'UALICE'): Promise<void> => {
    await fake.sendEnvelope('slash_commands', slashCommandPayload(text, { user, userName: user.slice(1).toLowerCase(), channel: 'COPS', responseUrl: fake.responseUrl() }));
  };
  const jobMessage = (): PostedMessage | undefined => [...fake.messages.values()].find((m) => m.channel === 'COPS' && m.text.includes(': job '));

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    deps = await makeDeps([engine], { ...ACCESS, slack: { approvalsChannel: 'CAPPROVALS' } });
    fake = await new FakeSlack().start();
    const settings = slackSettingsFrom({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl });
    if (!settings) throw new Error('no settings');
    bot = await startSlackBot(deps, settings, silentLogger);
    // What serve does: events written by other processes sharing the data dir reach this one's subscribers.
    relay = await startEventRelay(deps);
    await fake.socketConnected();
  });

  afterEach(() => {
    fake.calls.length = 0;
    fake.messages.clear();
  });

  afterAll(async () => {
    relay?.stop();
    await bot?.stop();
    await fake?.stop();
    for (const v of created) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  it('backup: one message, progress updates at most every 3 s with a Cancel button, then the result', async () => {
    const name = await bigVolume(300);
    await slash(`backup ${name} --compression gzip --no-prune`);
    const msg = await fake.waitFor(jobMessage, 'the job message');
    await fake.waitFor(() => !JSON.stringify(msg.blocks).includes('storage_cancel_job') && msg.history.length >= 2, 'the result');
    const running = msg.history.filter((h) => JSON.stringify(h.blocks).includes('storage_cancel_job'));
    expect(running.length).toBeGreaterThanOrEqual(2);
    // At least one real progress line (phase and percent), not just "starting".
    expect(running.some((h) => /\d+% \(/.test(JSON.stringify(h.blocks)))).toBe(true);
    const updates = fake.callsOf('chat.update').filter((c) => c.args.ts === msg.ts).map((c) => c.at);
    const progressUpdates = updates.slice(0, running.length - 1);
    for (let i = 1; i < progressUpdates.length; i++) expect((progressUpdates[i] ?? 0) - (progressUpdates[i - 1] ?? 0)).toBeGreaterThanOrEqual(2900);
    const final = JSON.stringify(msg.blocks);
    expect(final).toContain(name);
    expect(final).not.toContain('Failed');
    expect(fake.callsOf('chat.postMessage').filter((c) => c.args.channel === 'COPS')).toHaveLength(1);
  });

  it('Cancel stops a running backup; someone else may not cancel it', async () => {
    const name = await bigVolume(400);
    await slash(`backup ${name} --compression gzip --no-prune`);
    const msg = await fake.waitFor(jobMessage, 'the job message');
    const jobId = /job ([a-z0-9]{8})/.exec(msg.text)?.[1] ?? '';
    const click = async (user: string): Promise<string> => {
      const responseUrl = fake.responseUrl();
      await fake.sendEnvelope('interactive', blockActionPayload({ user, actionId: 'storage_cancel_job', value: jobId, channel: 'COPS', messageTs: msg.ts, responseUrl }));
      return responseUrl;
    };
    const carol = await click('UCAROL');
    const refusal = await fake.waitFor(() => fake.callsOf('response_url').find((c) => c.args.url === carol), 'the refusal');
    expect(JSON.stringify(refusal.args.blocks)).toContain('only they or an admin may cancel it');
    await click('UALICE');
    await fake.waitFor(() => JSON.stringify(msg.blocks).includes('Cancelled'), 'the cancelled result');
    expect(JSON.stringify(msg.blocks)).not.toContain('storage_cancel_job');
    const backups = (await deps.state.read()).backups as Array<{ volume: string }> | undefined;
    expect((backups ?? []).filter((b) => b.volume === name)).toEqual([]);
  });

  it('a request made at the CLI (another process) appears in the approvals channel', async () => {
    const name = uniqueName('slk_cli');
    await docker(engine, 'volume', 'create', name);
    created.push(name);
    const cfg = join(deps.dataDir, 'cli-config.json');
    writeFileSync(cfg, JSON.stringify({ hosts: [{ name: engine.name, url: engine.url }], helperImage: 'storage-ops-helper:test', access: { cliRole: 'operator' } }));
    const r = await cliAsync(['rm', name, '--yes'], { ...cliEnv(engine, deps.dataDir), STORAGE_OPS_CONFIG: cfg });
    expect(r.code, r.stderr).toBe(3);
    const msg = await fake.waitFor(() => [...fake.messages.values()].find((m) => m.channel === 'CAPPROVALS' && JSON.stringify(m.blocks).includes(name)), 'the CLI request in the approvals channel');
    expect(JSON.stringify(msg.blocks)).toContain('storage_approve_request');
  });
});
