/**
 * Approval and job messages over their whole life, with the bot in HTTP mode (signed requests,
 * clicks included) on a real engine: a forged click is refused with 401; Withdraw works for the
 * requester only; a request expires while the bot runs (serve's event relay, clock moved on);
 * and after a restart the bot still updates what it posted before: a request decided at the CLI
 * meanwhile, and a backup job that went on running.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startEventRelay, type EventRelay } from '../../src/core/event-relay.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Deps } from '../../src/core/ports.js';
import { startSlackBot, type SlackBot } from '../../src/bot/slack-app.js';
import { slackSettingsFrom } from '../../src/bot/slack-settings.js';
import { storedMessages } from '../../src/bot/message-store.js';
import { cliAsync, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { blockActionPayload, FakeSlack, formBody, interactionBody, sendSigned, slashCommandPayload, type PostedMessage, type RecordedCall } from '../harness/fake-slack.js';

const SECRET = 'lifecycle-signing-secret';
const ACCESS = { access: { admins: ['slack:UBOB'], operators: ['slack:UALICE'] } };

describeDocker('Slack messages over their life (HTTP mode, restarts, expiry)', () => {
  let engine: TestEngine;
  let deps: Deps;
  let fake: FakeSlack;
  let bot: SlackBot | null = null;
  let relay: EventRelay | null = null;
  /** Added to the real clock: moves the kernel's "now" past an expiry without waiting for it. */
  let clockShiftMs = 0;
  const created: string[] = [];

  const startBot = async (): Promise<SlackBot> => {
    const settings = slackSettingsFrom({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: '0', SLACK_API_URL: fake.apiUrl });
    if (!settings) throw new Error('no settings');
    bot = await startSlackBot(deps, settings, silentLogger);
    return bot;
  };
  const url = (): string => bot?.eventsUrl ?? '';
  const makeVolume = async (prefix: string): Promise<string> => {
    const name = uniqueName(prefix);
    await docker(engine, 'volume', 'create', name);
    created.push(name);
    return name;
  };
  const volumeExists = async (name: string): Promise<boolean> => (await docker(engine, 'volume', 'ls', '-q', '--filter', `name=^${name}$`)).trim() === name;
  const slash = async (text: string, user = 'UALICE'): Promise<void> => {
    const res = await sendSigned(url(), SECRET, formBody(slashCommandPayload(text, { user, userName: user.slice(1).toLowerCase(), channel: 'COPS', responseUrl: fake.responseUrl() })));
    expect(res.status).toBe(200);
  };
  /** Clicks a button over signed HTTP; resolves with the click's response_url and the HTTP status. */
  const click = async (msg: PostedMessage, user: string, actionId: string, value: string, kind: 'valid' | 'forged' = 'valid'): Promise<{ status: number; responseUrl: string }> => {
    const responseUrl = fake.responseUrl();
    const body = interactionBody(blockActionPayload({ user, actionId, value, channel: msg.channel, messageTs: msg.ts, responseUrl }));
    const res = await sendSigned(url(), SECRET, body, { kind });
    return { status: res.status, responseUrl };
  };
  const replyOn = (responseUrl: string): Promise<RecordedCall> => fake.waitFor(() => fake.callsOf('response_url').find((c) => c.args.url === responseUrl), `a reply on ${responseUrl}`);
  const requestIn = (channel: string, name: string): Promise<PostedMessage> =>
    fake.waitFor(() => [...fake.messages.values()].find((m) => m.channel === channel && JSON.stringify(m.history[0]?.blocks ?? []).includes(name)), `the request for ${name} in ${channel}`);
  const requestId = (msg: PostedMessage): string => /Request `([a-z0-9]{8})`/.exec(JSON.stringify(msg.history[0]?.blocks ?? []))?.[1] ?? '';
  /** Re-reads the state until `check` holds (the test's own timeout bounds it). */
  const stateUntil = async (check: () => Promise<boolean>): Promise<void> => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 100));
  };
  const shows = (msg: PostedMessage, text: string): boolean => JSON.stringify(msg.blocks).includes(text);

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    const base = await makeDeps([engine], { ...ACCESS, slack: { approvalsChannel: 'CAPPROVALS' } });
    deps = { ...base, now: () => new Date(Date.now() + clockShiftMs) };
    fake = await new FakeSlack().start();
    relay = await startEventRelay(deps, 200);
    await startBot();
  });

  afterEach(() => {
    clockShiftMs = 0;
  });

  afterAll(async () => {
    relay?.stop();
    await bot?.stop();
    await fake?.stop();
    for (const v of created) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  it('clicks over HTTP: a forged one gets 401 and changes nothing; Withdraw is refused for others and works for the requester', async () => {
    const name = await makeVolume('slk_wd');
    await slash(`rm ${name}`);
    const msg = await requestIn('COPS', name);
    const id = requestId(msg);
    expect(shows(msg, 'storage_withdraw_request')).toBe(true);

    const forged = await click(msg, 'UBOB', 'storage_approve_request', id, 'forged');
    expect(forged.status).toBe(401);
    const bob = await click(msg, 'UBOB', 'storage_withdraw_request', id);
    expect(bob.status).toBe(200);
    const refusal = await replyOn(bob.responseUrl);
    expect(refusal.args.response_type).toBe('ephemeral');
    expect(JSON.stringify(refusal.args.blocks)).toContain('only they can withdraw it');
    expect(shows(msg, 'storage_approve_request')).toBe(true);

    await click(msg, 'UALICE', 'storage_withdraw_request', id);
    await fake.waitFor(() => shows(msg, 'Withdrawn by the requester'), 'the withdrawn request');
    const inApprovals = await requestIn('CAPPROVALS', name);
    await fake.waitFor(() => shows(inApprovals, 'Withdrawn by the requester'), 'the withdrawn request in the approvals channel');
    expect(shows(msg, 'storage_approve_request')).toBe(false);
    expect(await volumeExists(name)).toBe(true);
    const approval = (await deps.state.read()).approvals?.find((a) => a.id === id);
    expect(approval?.status).toBe('withdrawn');
  });

  it('an approve click over HTTP removes the volume once; a request left alone expires while the bot runs', async () => {
    const removed = await makeVolume('slk_http_rm');
    await slash(`rm ${removed}`);
    const msg = await requestIn('COPS', removed);
    const ok = await click(msg, 'UBOB', 'storage_approve_request', requestId(msg));
    expect(ok.status).toBe(200);
    await fake.waitFor(() => shows(msg, 'Approved and done'), 'the executed request');
    expect(await volumeExists(removed)).toBe(false);

    const kept = await makeVolume('slk_expire');
    await slash(`rm ${kept}`);
    const pending = await requestIn('CAPPROVALS', kept);
    expect(shows(pending, 'storage_approve_request')).toBe(true);
    // Past the approval TTL (15 min): the relay's expiry sweep marks it expired and the bot redraws.
    clockShiftMs = (deps.config.access.approvalTtlMinutes + 1) * 60_000;
    await fake.waitFor(() => shows(pending, 'Expired'), 'the expired request');
    expect(shows(pending, 'storage_approve_request')).toBe(false);
    expect(shows(pending, 'nobody decided in time')).toBe(true);
    expect(await volumeExists(kept)).toBe(true);
  });

  it('a long request approved at the CLI: its job and result are drawn in the Slack messages', async () => {
    const label = `slk-life=${uniqueName('p')}`;
    const v = uniqueName('slk_life_prune');
    await docker(engine, 'volume', 'create', '--label', label, v);
    created.push(v);
    await slash(`prune --label ${label} --all`);
    const msg = await requestIn('CAPPROVALS', v);
    const cfg = join(deps.dataDir, 'cli-admin.json');
    writeFileSync(cfg, JSON.stringify({ hosts: [{ name: engine.name, url: engine.url }], helperImage: 'storage-ops-helper:test' }));
    const r = await cliAsync(['approve', requestId(msg)], { ...cliEnv(engine, deps.dataDir), STORAGE_OPS_CONFIG: cfg });
    expect(r.code, r.stderr).toBe(0);
    expect(await volumeExists(v)).toBe(false);
    // The job ran in the CLI's process; the relay brought its events here, and its result view sits under the decision.
    await fake.waitFor(() => shows(msg, 'Approved and done') && msg.blocks.some((b) => b.type === 'divider'), 'the result under the decision');
    const job = ((await deps.state.read()).jobs as Array<{ id: string; approvalId: string | null; status: string }>).find((j) => j.approvalId === requestId(msg));
    expect(job?.status).toBe('succeeded');
    expect(shows(msg, 'by `cli:')).toBe(true);
  });

  it('after a restart, the bot updates what it posted before: a request decided at the CLI meanwhile, and a backup that went on', async () => {
    const name = await makeVolume('slk_restart');
    await slash(`rm ${name}`);
    const msg = await requestIn('CAPPROVALS', name);
    const id = requestId(msg);

    const big = await makeVolume('slk_restart_job');
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${big}:/v`, 'storage-ops-helper:test', 'dd', 'if=/dev/urandom', 'of=/v/blob', 'bs=1M', 'count=300');
    await slash(`backup ${big} --compression gzip --no-prune`);
    const jobMsg = await fake.waitFor(() => [...fake.messages.values()].find((m) => m.channel === 'COPS' && m.text.includes(': job ')), 'the job message');
    const jobId = /job ([a-z0-9]{8})/.exec(jobMsg.text)?.[1] ?? '';
    // Where both were posted is in the state file (written just after posting).
    await stateUntil(async () => {
      const active = (await storedMessages(deps)).filter((e) => e.active).map((e) => `${e.kind}:${e.id}`);
      return active.includes(`approval:${id}`) && active.includes(`job:${jobId}`);
    });

    await bot?.stop();
    bot = null;
    const cfg = join(deps.dataDir, 'cli-admin.json');
    writeFileSync(cfg, JSON.stringify({ hosts: [{ name: engine.name, url: engine.url }], helperImage: 'storage-ops-helper:test' }));
    const r = await cliAsync(['approve', id], { ...cliEnv(engine, deps.dataDir), STORAGE_OPS_CONFIG: cfg });
    expect(r.code, r.stderr).toBe(0);
    expect(await volumeExists(name)).toBe(false);

    // The backup is still running: the new bot has to pick it up, not just find its result.
    const during = ((await deps.state.read()).jobs as Array<{ id: string; status: string }>).find((j) => j.id === jobId);
    expect(during?.status).toBe('running');
    await startBot();
    await fake.waitFor(() => shows(msg, 'Approved and done'), 'the request decided while the bot was down');
    expect(shows(msg, 'storage_approve_request')).toBe(false);
    await fake.waitFor(() => !shows(jobMsg, 'storage_cancel_job') && shows(jobMsg, big) && jobMsg.history.length >= 2 && !jobMsg.text.includes('running'), 'the backup result');
    const job = ((await deps.state.read()).jobs as Array<{ id: string; status: string }>).find((j) => j.id === jobId);
    expect(job?.status).toBe('succeeded');
    expect(shows(jobMsg, 'Failed')).toBe(false);
    // Both now show their final state: a later restart leaves them alone.
    await stateUntil(async () => (await storedMessages(deps)).filter((e) => [`approval:${id}`, `job:${jobId}`].includes(`${e.kind}:${e.id}`)).every((e) => !e.active));
  });
});
