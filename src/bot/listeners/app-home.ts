/**
 * The App Home tab: each engine and whether it answers, its Docker root filesystem against the
 * warn/critical thresholds, the last backup of each volume (age, verified), running jobs, and
 * pending approval requests with their buttons. Published when the user opens the tab, and again
 * after they click a button there (with the outcome on top, since a Home tab has no thread to
 * answer in).
 */
import type { App } from '@slack/bolt';
import { toOpsError } from '../../core/errors.js';
import { formatBytes, formatPercent } from '../../core/format.js';
import { FINISHED_JOB_STATUSES, JobRecordSchema, type JobRecord } from '../../core/job-record.js';
import type { FsUsage } from '../../core/ports.js';
import { BackupRecordSchema, type BackupRecord } from '../../state/backup-record.js';
import { backupStoreFigures } from '../../ops/backups/backup-store-figures.js';
import { approvalMessage, effectiveStatus } from '../blocks/approval-blocks.js';
import { progressLine } from '../blocks/job-blocks.js';
import { cut, esc, LIMITS } from '../blocks/mrkdwn.js';
import { context, type Block } from '../blocks/view-blocks.js';
import { mention, slackDate, type BotRuntime } from '../bot-runtime.js';

const DISK_CACHE_MS = 60_000;
const PING_TIMEOUT_MS = 5_000;

export function registerAppHome(app: App, rt: BotRuntime): void {
  app.event('app_home_opened', async ({ event, context: ctx }) => {
    if (ctx.retryNum || event.tab !== 'home' || event.user === rt.botUserId) return;
    await publishHome(rt, event.user).catch((err: unknown) => rt.log.warn('slack: could not publish the home tab', { user: event.user, error: toOpsError(err).message }));
  });
}

const diskCache = new Map<string, { at: number; usage: Promise<FsUsage> }>();

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s`)), ms)))]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function hostBlocks(rt: BotRuntime): Promise<Block[]> {
  const { warnPercent, criticalPercent } = rt.deps.config.thresholds;
  const lines = await Promise.all(
    rt.deps.engines.hosts().map(async (h) => {
      const engine = rt.deps.engines.get(h.name);
      try {
        const info = await withTimeout(engine.info(), PING_TIMEOUT_MS, h.name);
        let hit = diskCache.get(h.name);
        if (!hit || Date.now() - hit.at > DISK_CACHE_MS) {
          hit = { at: Date.now(), usage: engine.filesystemUsage(info.dockerRootDir) };
          diskCache.set(h.name, hit);
        }
        const fs = await hit.usage.catch((err: unknown) => {
          diskCache.delete(h.name);
          throw err;
        });
        const pct = fs.totalBytes > 0 ? (fs.usedBytes / fs.totalBytes) * 100 : 0;
        const icon = pct >= criticalPercent ? ':red_circle:' : pct >= warnPercent ? ':warning:' : ':large_green_circle:';
        return `${icon} *${esc(h.name)}* up · ${esc(info.driver)} · ${esc(info.dockerRootDir)} ${formatPercent(pct)} used (${formatBytes(fs.usedBytes)} of ${formatBytes(fs.totalBytes)}; warn ${warnPercent}%, critical ${criticalPercent}%)`;
      } catch (err) {
        return `:black_circle: *${esc(h.name)}* down: ${esc(toOpsError(err).message)}`;
      }
    }),
  );
  return [{ type: 'header', text: { type: 'plain_text', text: 'Engines' } }, ...chunks(lines)];
}

/** restic stores (backup.stores): stored size, restore size, dedup ratio; nothing when none is configured. */
async function storeBlocks(rt: BotRuntime): Promise<Block[]> {
  if (rt.deps.config.backup.stores.length === 0) return [];
  const lines = (await backupStoreFigures(rt.deps)).map((st) =>
    st.error
      ? `:warning: *${esc(st.name)}* (restic): ${esc(st.error)}`
      : `*${esc(st.name)}* (restic): ${formatBytes(st.storedBytes ?? 0)} stored for ${formatBytes(st.logicalBytes ?? 0)} of snapshots · ${st.dedupRatio === null ? '-' : `${st.dedupRatio.toFixed(2)}x`} dedup · ${st.snapshots ?? 0} snapshot(s)`,
  );
  return [{ type: 'header', text: { type: 'plain_text', text: 'Backup stores' } }, ...chunks(lines)];
}

function backupBlocks(records: BackupRecord[]): Block[] {
  const latest = new Map<string, BackupRecord>();
  for (const r of records) {
    if (r.kind === 'safety') continue;
    const key = `${r.host}/${r.volume}`;
    const seen = latest.get(key);
    if (!seen || seen.createdAt < r.createdAt) latest.set(key, r);
  }
  const rows = [...latest.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const lines = rows.map((r) => {
    const verified = r.verification ? (r.verification.ok ? ':white_check_mark: verified' : ':x: verification failed') : 'not verified';
    return `*${esc(r.volume)}* on ${esc(r.host)}: ${slackDate(r.finishedAt)} · ${formatBytes(r.archive.bytes)} · ${verified}`;
  });
  return [{ type: 'header', text: { type: 'plain_text', text: 'Last backup per volume' } }, ...(lines.length ? chunks(lines) : [context('No backups yet.')])];
}

function jobBlocks(jobs: JobRecord[]): Block[] {
  const running = jobs.filter((j) => !FINISHED_JOB_STATUSES.includes(j.status));
  const lines = running.map((j) => `*${esc(j.verb)}* \`${esc(j.id)}\` by ${mention(j.actor.id)} · ${esc(j.status)} · ${esc(progressLine(j.progress))}`);
  return [{ type: 'header', text: { type: 'plain_text', text: 'Running jobs' } }, ...(lines.length ? chunks(lines) : [context('No jobs running.')])];
}

/** Lines joined into sections of at most 3000 characters. */
function chunks(lines: string[]): Block[] {
  const out: Block[] = [];
  let cur = '';
  for (const l of lines.map((x) => cut(x, LIMITS.sectionText))) {
    if (cur && cur.length + l.length + 1 > LIMITS.sectionText) {
      out.push({ type: 'section', text: { type: 'mrkdwn', text: cur } });
      cur = '';
    }
    cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) out.push({ type: 'section', text: { type: 'mrkdwn', text: cur } });
  return out;
}

/** Publishes the Home tab for one user; `notice` (mrkdwn) is shown on top. */
export async function publishHome(rt: BotRuntime, userId: string, notice?: string): Promise<void> {
  const data = await rt.deps.state.read();
  const backups = Array.isArray(data.backups) ? data.backups.flatMap((b) => { const r = BackupRecordSchema.safeParse(b); return r.success ? [r.data] : []; }) : [];
  const jobs = Array.isArray(data.jobs) ? data.jobs.flatMap((j) => { const r = JobRecordSchema.safeParse(j); return r.success ? [r.data] : []; }) : [];
  const now = rt.deps.now();
  const pending = (data.approvals ?? []).filter((a) => effectiveStatus(a, now) === 'pending');

  // Home tabs allow 100 blocks; the approvals get what the summary sections leave.
  const blocks: Block[] = [];
  if (notice) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(notice, LIMITS.sectionText) } }, { type: 'divider' } as Block);
  blocks.push(...(await hostBlocks(rt)), ...backupBlocks(backups), ...(await storeBlocks(rt)), ...jobBlocks(jobs));
  blocks.push({ type: 'header', text: { type: 'plain_text', text: `Pending approvals (${pending.length})` } });
  if (pending.length === 0) blocks.push(context('Nothing waits for a decision.'));
  for (const a of pending) {
    const msg = approvalMessage(a, now).blocks.filter((b) => b.type !== 'header');
    if (blocks.length + msg.length + 2 > 100) {
      blocks.push(context('More requests wait than fit here; the approvals command lists them all.'));
      break;
    }
    blocks.push({ type: 'divider' } as Block, ...msg);
  }
  blocks.push(context(`Updated ${slackDate(now.toISOString())}. Reopen the tab to refresh.`));
  await rt.client.views.publish({ user_id: userId, view: { type: 'home', blocks: blocks.slice(0, 100) } });
}
