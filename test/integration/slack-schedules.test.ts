/**
 * Schedules posting to Slack: the real Bolt app against the fake Slack and a real engine. A
 * report schedule run by `schedule run` (no serve: in this process) and one fired by a fake
 * cron clock in the scheduler both land in the schedule's channel as Block Kit, with the usage
 * chart uploaded as a PNG into the message's thread; the same run is in reports/ as markdown
 * and PNG.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSlackBot, type SlackBot } from '../../src/bot/slack-app.js';
import { slackSettingsFrom } from '../../src/bot/slack-settings.js';
import { createLogger } from '../../src/core/logger.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { scheduleRun } from '../../src/ops/schedules/schedule-run.js';
import { cronProblem } from '../../src/config/cron-syntax.js';
import type { CronPort } from '../../src/schedules/cron-port.js';
import { startScheduler } from '../../src/schedules/scheduler.js';
import { describeDocker, engineByDriver, makeDeps } from '../harness/engines.js';
import { FakeSlack, type Block } from '../harness/fake-slack.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A cron clock the test fires by hand. */
function handClock(): CronPort & { fire(): void } {
  const fires: Array<() => void> = [];
  return {
    schedule(_expr, _tz, fire) {
      fires.push(fire);
      return { nextRun: () => new Date(Date.now() + 86_400_000), stop: () => undefined };
    },
    problem: (expr) => cronProblem(expr),
    fire: () => fires.forEach((f) => f()),
  };
}

describeDocker('schedules post to Slack', () => {
  let deps: Deps;
  let fake: FakeSlack;
  let bot: SlackBot;

  beforeAll(async () => {
    deps = await makeDeps([engineByDriver('overlay2')], { schedules: [{ name: 'daily-report', kind: 'report', cron: '0 8 * * *', channel: 'CREPORTS' }] });
    fake = await new FakeSlack().start();
    const settings = slackSettingsFrom({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl });
    if (!settings) throw new Error('no Slack settings');
    bot = await startSlackBot(deps, settings, createLogger({ level: 'warn', json: true, write: () => undefined }));
    await fake.socketConnected();
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.stop();
  });

  /** The n-th report post in CREPORTS and the PNG uploaded into its thread. */
  const reportPost = async (n: number): Promise<{ blocks: Block[]; ts: string }> => {
    const post = await fake.waitFor(() => [...fake.messages.values()].filter((m) => m.channel === 'CREPORTS' && !m.threadTs)[n], `report post ${n + 1}`);
    const upload = await fake.waitFor(() => [...fake.uploads.values()].find((u) => u.threadTs === post.ts && u.bytes.length > 0), `the chart in the thread of post ${n + 1}`);
    expect(upload).toMatchObject({ channel: 'CREPORTS', filename: 'root-usage.png' });
    // The upload is the HTTP body as sent (a multipart form holding the file): the PNG is in it.
    expect(upload.bytes.indexOf(PNG)).toBeGreaterThanOrEqual(0);
    return { blocks: post.blocks, ts: post.ts };
  };

  it('`schedule run` (no serve running) posts the report with its chart, and writes it to reports/', async () => {
    const out = await runOp(deps, scheduleRun, { name: 'daily-report' }, { actor: { id: 'cli:ops', source: 'cli' } });
    expect(out).toMatchObject({ ranIn: 'this process', status: 'succeeded' });
    const { blocks } = await reportPost(0);
    const text = JSON.stringify(blocks);
    expect(text).toContain('Disk report for');
    expect(text).toMatch(/root filesystem [\d.]+ % used/);
    expect(text).toContain('Volumes (growth shows from the next report on)');
    expect(existsSync(join(deps.dataDir, out.report!))).toBe(true);
    expect(existsSync(join(deps.dataDir, out.report!.replace(/\.md$/, '-root-usage.png')))).toBe(true);
  });

  it('fired by the (fake) clock in the scheduler, it posts again, with growth since the first report', async () => {
    const clock = handClock();
    const scheduler = await startScheduler(deps, { cron: clock, pollMs: 3_600_000 });
    try {
      expect(scheduler.active()).toEqual(['daily-report']);
      clock.fire();
      const runs = await scheduler.idle();
      expect(runs).toMatchObject([{ trigger: 'cron', outcome: 'succeeded' }]);
      const { blocks } = await reportPost(1);
      expect(JSON.stringify(blocks)).toMatch(/Volume growth since \d{4}-\d\d-\d\dT/);
    } finally {
      await scheduler.stop();
    }
  });
});
