import { toOpsError } from '../../core/errors.js';
import { formatBytes, formatPercent } from '../../core/format.js';
import { FINISHED_JOB_STATUSES, JobRecordSchema } from '../../core/job-record.js';
import { BackupRecordSchema } from '../../state/backup-record.js';
import { approvalMessage, effectiveStatus } from '../blocks/approval-blocks.js';
import { progressLine } from '../blocks/job-blocks.js';
import { cut, esc, LIMITS } from '../blocks/mrkdwn.js';
import { context } from '../blocks/view-blocks.js';
import { mention, slackDate } from '../bot-runtime.js';
const DISK_CACHE_MS = 60_000;
const PING_TIMEOUT_MS = 5_000;
export function registerAppHome(app, rt) {
    app.event('app_home_opened', async ({ event, context: ctx }) => {
        if (ctx.retryNum || event.tab !== 'home' || event.user === rt.botUserId)
            return;
        await publishHome(rt, event.user).catch((err) => rt.log.warn('slack: could not publish the home tab', { user: event.user, error: toOpsError(err).message }));
    });
}
const diskCache = new Map();
async function withTimeout(p, ms, what) {
    let timer;
    try {
        return await Promise.race([p, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s`)), ms)))]);
    }
    finally {
        if (timer)
            clearTimeout(timer);
    }
}
async function hostBlocks(rt) {
    const { warnPercent, criticalPercent } = rt.deps.config.thresholds;
    const lines = await Promise.all(rt.deps.engines.hosts().map(async (h) => {
        const engine = rt.deps.engines.get(h.name);
        try {
            const info = await withTimeout(engine.info(), PING_TIMEOUT_MS, h.name);
            let hit = diskCache.get(h.name);
            if (!hit || Date.now() - hit.at > DISK_CACHE_MS) {
                hit = { at: Date.now(), usage: engine.filesystemUsage(info.dockerRootDir) };
                diskCache.set(h.name, hit);
            }
            const fs = await hit.usage.catch((err) => {
                diskCache.delete(h.name);
                throw err;
            });
            const pct = fs.totalBytes > 0 ? (fs.usedBytes / fs.totalBytes) * 100 : 0;
            const icon = pct >= criticalPercent ? ':red_circle:' : pct >= warnPercent ? ':warning:' : ':large_green_circle:';
            return `${icon} *${esc(h.name)}* up · ${esc(info.driver)} · ${esc(info.dockerRootDir)} ${formatPercent(pct)} used (${formatBytes(fs.usedBytes)} of ${formatBytes(fs.totalBytes)}; warn ${warnPercent}%, critical ${criticalPercent}%)`;
        }
        catch (err) {
            return `:black_circle: *${esc(h.name)}* down: ${esc(toOpsError(err).message)}`;
        }
    }));
    return [{ type: 'header', text: { type: 'plain_text', text: 'Engines' } }, ...chunks(lines)];
}
function backupBlocks(records) {
    const latest = new Map();
    for (const r of records) {
        if (r.kind === 'safety')
            continue;
        const key = `${r.host}/${r.volume}`;
        const seen = latest.get(key);
        if (!seen || seen.createdAt < r.createdAt)
            latest.set(key, r);
    }
    const rows = [...latest.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const lines = rows.map((r) => {
        const verified = r.verification ? (r.verification.ok ? ':white_check_mark: verified' : ':x: verification failed') : 'not verified';
        return `*${esc(r.volume)}* on ${esc(r.host)}: ${slackDate(r.finishedAt)} · ${formatBytes(r.archive.bytes)} · ${verified}`;
    });
    return [{ type: 'header', text: { type: 'plain_text', text: 'Last backup per volume' } }, ...(lines.length ? chunks(lines) : [context('No backups yet.')])];
}
function jobBlocks(jobs) {
    const running = jobs.filter((j) => !FINISHED_JOB_STATUSES.includes(j.status));
    const lines = running.map((j) => `*${esc(j.verb)}* \`${esc(j.id)}\` by ${mention(j.actor.id)} · ${esc(j.status)} · ${esc(progressLine(j.progress))}`);
    return [{ type: 'header', text: { type: 'plain_text', text: 'Running jobs' } }, ...(lines.length ? chunks(lines) : [context('No jobs running.')])];
}
/** Lines joined into sections of at most 3000 characters. */
function chunks(lines) {
    const out = [];
    let cur = '';
    for (const l of lines.map((x) => cut(x, LIMITS.sectionText))) {
        if (cur && cur.length + l.length + 1 > LIMITS.sectionText) {
            out.push({ type: 'section', text: { type: 'mrkdwn', text: cur } });
            cur = '';
        }
        cur = cur ? `${cur}\n${l}` : l;
    }
    if (cur)
        out.push({ type: 'section', text: { type: 'mrkdwn', text: cur } });
    return out;
}
/** Publishes the Home tab for one user; `notice` (mrkdwn) is shown on top. */
export async function publishHome(rt, userId, notice) {
    const data = await rt.deps.state.read();
    const backups = Array.isArray(data.backups) ? data.backups.flatMap((b) => { const r = BackupRecordSchema.safeParse(b); return r.success ? [r.data] : []; }) : [];
    const jobs = Array.isArray(data.jobs) ? data.jobs.flatMap((j) => { const r = JobRecordSchema.safeParse(j); return r.success ? [r.data] : []; }) : [];
    const now = rt.deps.now();
    const pending = (data.approvals ?? []).filter((a) => effectiveStatus(a, now) === 'pending');
    // Home tabs allow 100 blocks; the approvals get what the summary sections leave.
    const blocks = [];
    if (notice)
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(notice, LIMITS.sectionText) } }, { type: 'divider' });
    blocks.push(...(await hostBlocks(rt)), ...backupBlocks(backups), ...jobBlocks(jobs));
    blocks.push({ type: 'header', text: { type: 'plain_text', text: `Pending approvals (${pending.length})` } });
    if (pending.length === 0)
        blocks.push(context('Nothing waits for a decision.'));
    for (const a of pending) {
        const msg = approvalMessage(a, now).blocks.filter((b) => b.type !== 'header');
        if (blocks.length + msg.length + 2 > 100) {
            blocks.push(context('More requests wait than fit here; the approvals command lists them all.'));
            break;
        }
        blocks.push({ type: 'divider' }, ...msg);
    }
    blocks.push(context(`Updated ${slackDate(now.toISOString())}. Reopen the tab to refresh.`));
    await rt.client.views.publish({ user_id: userId, view: { type: 'home', blocks: blocks.slice(0, 100) } });
}
//# sourceMappingURL=app-home.js.map