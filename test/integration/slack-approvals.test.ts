/**
 * Approvals through Slack, end to end on a real engine: a destructive verb posts its preview
 * with Approve/Deny to the channel and the approvals channel; the requester (two-person rule)
 * and a viewer are refused privately with why and who can decide; a second admin's double click
 * executes once; the message then shows who decided and the outcome. rm, prune and restore.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Deps } from '../../src/core/ports.js';
import { requestOp, runConfirmed } from '../../src/core/approvals.js';
import { startSlackBot, type SlackBot } from '../../src/bot/slack-app.js';
import { slackSettingsFrom } from '../../src/bot/slack-settings.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, makeDeps, uniqueName, type TestEngine } from '../harness/engines.js';
import { blockActionPayload, FakeSlack, slashCommandPayload, type Block, type PostedMessage, type RecordedCall } from '../harness/fake-slack.js';
import { auditTrail } from '../harness/audit-trail.js';

const ACCESS = { access: { admins: ['slack:UBOB', 'slack-group:SADMINS'], operators: ['slack:UALICE'] } };

describeDocker('Slack approvals on a real engine', () => {
  let engine: TestEngine;
  let deps: Deps;
  let fake: FakeSlack;
  let bot: SlackBot;
  const created: string[] = [];

  const volumeExists = async (name: string): Promise<boolean> => (await docker(engine, 'volume', 'ls', '-q', '--filter', `name=^${name}$`)).trim() === name;
  const makeVolume = async (name: string): Promise<string> => {
    await docker(engine, 'volume', 'create', '--label', 'slack-approvals-test=1', name);
    created.push(name);
    return name;
  };
  const slash = async (text: string, user = 'UALICE'): Promise<string> => {
    const responseUrl = fake.responseUrl();
    await fake.sendEnvelope('slash_commands', slashCommandPayload(text, { user, userName: user.slice(1).toLowerCase(), channel: 'COPS', responseUrl }));
    return responseUrl;
  };
  const approvalMessages = (): PostedMessage[] => [...fake.messages.values()].filter((m) => JSON.stringify(m.blocks).includes('storage_approve_request'));
  const click = async (msg: PostedMessage, user: string, action: 'approve' | 'deny'): Promise<string> => {
    const responseUrl = fake.responseUrl();
    const actionId = action === 'approve' ? 'storage_approve_request' : 'storage_deny_request';
    const actions = msg.history[0]?.blocks.find((b) => b.type === 'actions') as { elements: Array<{ value: string }> } | undefined;
    await fake.sendEnvelope('interactive', blockActionPayload({ user, actionId, value: actions?.elements[0]?.value ?? '', channel: msg.channel, messageTs: msg.ts, responseUrl }));
    return responseUrl;
  };
  const replyOn = (url: string): Promise<RecordedCall> => fake.waitFor(() => fake.callsOf('response_url').find((c) => c.args.url === url), `a reply on ${url}`);
  const blocksText = (blocks: Block[]): string => JSON.stringify(blocks);

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    deps = await makeDeps([engine], { ...ACCESS, slack: { approvalsChannel: 'CAPPROVALS' } });
    fake = await new FakeSlack({ userGroups: { SADMINS: ['UDAVE'] } }).start();
    const settings = slackSettingsFrom({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl });
    if (!settings) throw new Error('no settings');
    bot = await startSlackBot(deps, settings, silentLogger);
    await fake.socketConnected();
  });

  afterEach(() => {
    fake.calls.length = 0;
    fake.messages.clear();
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.stop();
    for (const v of created) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  it('rm: posted with buttons to both channels; requester and viewer refused; a double click by an admin removes once', async () => {
    const name = await makeVolume(uniqueName('slk_rm'));
    await slash(`rm ${name}`);
    const [inOps, inApprovals] = await fake.waitFor(() => {
      const ms = approvalMessages();
      return ms.length === 2 ? [ms.find((m) => m.channel === 'COPS'), ms.find((m) => m.channel === 'CAPPROVALS')] : null;
    }, 'the request in both channels');
    if (!inOps || !inApprovals) throw new Error('request not posted to both channels');
    expect(blocksText(inOps.blocks)).toContain(name);
    expect(blocksText(inOps.blocks)).toContain('two-person rule');
    expect(await volumeExists(name)).toBe(true);

    // The requester may not approve their own request.
    const self = await replyOn(await click(inOps, 'UALICE', 'approve'));
    expect(self.args.response_type).toBe('ephemeral');
    expect(blocksText(self.args.blocks as Block[])).toMatch(/may not approve requests: it needs the admin role|two-person rule/);
    // A viewer is told which role is needed and who can decide.
    const viewer = await replyOn(await click(inOps, 'UCAROL', 'approve'));
    const vt = blocksText(viewer.args.blocks as Block[]);
    expect(vt).toContain('it needs the admin role');
    expect(vt).toContain('<@UBOB>');
    expect(vt).toContain('<!subteam^SADMINS>');
    expect(vt).toContain('Nothing was changed');
    expect(await volumeExists(name)).toBe(true);

    // Bob clicks twice at once (once in each channel): it runs once.
    const [r1, r2] = await Promise.all([click(inOps, 'UBOB', 'approve'), click(inApprovals, 'UBOB', 'approve')]);
    await fake.waitFor(() => inOps.history.some((h) => blocksText(h.blocks).includes('Approved and done')) && inApprovals.history.some((h) => blocksText(h.blocks).includes('Approved and done')), 'both messages updated');
    expect(await volumeExists(name)).toBe(false);
    const already = await fake.waitFor(() => fake.callsOf('response_url').find((c) => (c.args.url === r1 || c.args.url === r2) && blocksText(c.args.blocks as Block[]).includes('already')), 'the second click told');
    // Either told who decided, or (same click time) that the click was a repeat: never run twice.
    expect(blocksText(already.args.blocks as Block[])).toMatch(/slack:UBOB|repeated delivery/);
    // After the decision, no buttons remain and the decider is named.
    expect(inOps.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(blocksText(inOps.blocks)).toContain('by <@UBOB>');
    const audit = (await auditTrail(deps.state)).filter((a) => a.op === 'volume_remove' && a.phase === 'finished' && a.outcome === 'ok');
    expect(audit).toHaveLength(1);
  });

  it('prune: a member of an admin user group denies; nothing is removed', async () => {
    const label = `slk-prune=${uniqueName('p')}`;
    const v = uniqueName('slk_prune');
    await docker(engine, 'volume', 'create', '--label', label, v);
    created.push(v);
    await slash(`prune --label ${label} --all`);
    const msg = await fake.waitFor(() => approvalMessages().find((m) => m.channel === 'COPS'), 'the prune request');
    expect(blocksText(msg.blocks)).toContain(v);
    await click(msg, 'UDAVE', 'deny');
    await fake.waitFor(() => blocksText(msg.blocks).includes('Denied'), 'the denial shown');
    expect(blocksText(msg.blocks)).toContain('by <@UDAVE>');
    expect(await volumeExists(v)).toBe(true);
  });

  it('restore: approved by an admin, the backup comes back into a new volume', async () => {
    const src = await makeVolume(uniqueName('slk_src'));
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${src}:/v`, 'storage-ops-helper:test', 'sh', '-c', 'echo hello > /v/f');
    const backup = (await runConfirmed(deps, deps.ops.find('backup') ?? (() => { throw new Error('no backup op'); })(), { volumes: [src] }, { actor: { id: 'cli:setup', source: 'cli' } })) as {
      backups: Array<{ id: string }>;
    };
    const id = backup.backups[0]?.id ?? '';
    const target = uniqueName('slk_target');
    created.push(target);
    await slash(`restore ${id} ${target} --create`);
    const msg = await fake.waitFor(() => approvalMessages().find((m) => m.channel === 'COPS'), 'the restore request');
    expect(blocksText(msg.blocks)).toContain(target);
    await click(msg, 'UBOB', 'approve');
    await fake.waitFor(() => blocksText(msg.blocks).includes('Approved and done'), 'the restore done');
    expect(await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${target}:/v`, 'storage-ops-helper:test', 'cat', '/v/f')).toBe('hello\n');
  });

  it('App Home: engines, disk against thresholds, last backups, and a pending request approved from the tab', async () => {
    const name = await makeVolume(uniqueName('slk_home'));
    const rmOp = deps.ops.find('rm');
    if (!rmOp) throw new Error('no rm op');
    const record = await requestOp(deps, rmOp, { names: [name] }, { actor: { id: 'cli:alice', source: 'cli', display: 'alice' } });
    const homeOpened = (user: string) =>
      fake.sendEnvelope('events_api', {
        type: 'event_callback',
        team_id: 'TFAKE',
        api_app_id: 'AFAKE',
        event: { type: 'app_home_opened', user, channel: 'DHOME', tab: 'home', event_ts: `${Date.now() / 1000}` },
        event_id: `Ev${Date.now()}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: 'TFAKE', user_id: fake.botUserId, is_bot: true }],
      });
    await homeOpened('UBOB');
    const publish = await fake.waitFor(() => fake.callsOf('views.publish')[0], 'the home tab');
    const home = JSON.stringify(publish.args.view);
    expect(publish.args.user_id).toBe('UBOB');
    expect(home).toContain(`*${engine.name}* up`);
    expect(home).toMatch(/% used \(.* of .*; warn 80%, critical 90%\)/);
    expect(home).toContain('Last backup per volume');
    expect(home).toContain('Pending approvals (');
    expect(home).toContain(record.id);
    expect(home).toContain(name);

    fake.calls.length = 0;
    await fake.sendEnvelope('interactive', {
      ...blockActionPayload({ user: 'UBOB', actionId: 'storage_approve_request', value: record.id, channel: '', messageTs: '', responseUrl: '' }),
      container: { type: 'view', view_id: 'VFAKE' },
      view: { id: 'VFAKE', type: 'home' },
      channel: undefined,
      message: undefined,
      response_url: undefined,
    });
    const again = await fake.waitFor(() => fake.callsOf('views.publish')[0], 'the home tab after the click');
    expect(JSON.stringify(again.args.view)).toContain('Approved request `' + record.id + '`');
    expect(await volumeExists(name)).toBe(false);
  });
});
