/**
 * Runs the schedules in `serve`: one cron registration per schedule (config and runtime
 * additions, re-read every poll so `schedule add`/`rm` take effect within seconds), a catch-up
 * run at start for schedules with `catchUp` whose due time passed while serve was down, and the
 * pick-up of `schedule run` requests written by other processes. Each run goes through
 * runSchedule (a kernel job, no overlap, bounded history, published results). Only one serve
 * runs schedules per data dir: a second one says so and leaves them to the first.
 */
import { OpsError, toOpsError } from '../core/errors.js';
import { holdLease, ownerStamp } from '../core/process-owner.js';
import { runSchedule } from '../ops/schedules/schedule-job.js';
import { knownSchedules, liveService, scheduleData, setNextDue, statusOf } from '../ops/schedules/schedule-store.js';
import { nodeCron } from './cron-port.js';
/** Refuses, before anything runs, expressions node-cron would not take (naming the key). */
export function checkWithCron(deps, cron) {
    deps.config.schedules.forEach((s, i) => {
        const p = cron.problem(s.cron);
        if (p)
            throw new OpsError('config', `config: key "schedules[${i}].cron" is invalid: schedule "${s.name}": cron "${s.cron}" is refused by node-cron (${p})`, { hint: 'Use five fields: minute hour day-of-month month day-of-week' });
    });
}
export async function startScheduler(deps, opts = {}) {
    const cron = opts.cron ?? nodeCron;
    const pollMs = opts.pollMs ?? 1000;
    checkWithCron(deps, cron);
    const other = liveService(await deps.state.read(), deps.now());
    if (other && other.owner.processId !== ownerStamp().processId) {
        deps.log.warn(`schedules: not run here: serve pid ${other.owner.pid} (since ${other.startedAt}) already runs them for this data dir`);
        return { running: false, active: () => [], poll: async () => undefined, idle: async () => [], stop: async () => undefined };
    }
    // Our heartbeat keeps the service record alive for `schedule run` in other processes.
    const release = await holdLease(deps.state, deps.now, (err) => deps.log.warn('schedules: heartbeat not written', { error: String(err) }));
    const registered = new Map();
    const inFlight = new Set();
    const handling = new Set();
    let stopped = false;
    const writeService = async () => {
        await deps.state.update((data) => {
            scheduleData(data).service = { owner: ownerStamp(), startedAt: started, active: [...registered.keys()] };
        });
    };
    const started = deps.now().toISOString();
    const launch = (spec, trigger, requestedBy, onStarted) => {
        const p = runSchedule(deps, spec, trigger, requestedBy, onStarted ? { onStarted } : {})
            .catch((err) => {
            const e = toOpsError(err);
            deps.log.error(`schedule ${spec.name}: run failed`, { error: e.toLine() });
            const at = deps.now().toISOString();
            return { jobId: null, trigger, requestedBy, startedAt: at, finishedAt: at, outcome: 'failed', summary: e.message, report: null };
        })
            .finally(() => inFlight.delete(p));
        inFlight.add(p);
        return p;
    };
    const fire = (name) => {
        const r = registered.get(name);
        if (!r || stopped)
            return;
        // The next due time is written first: a serve that dies during this run does not repeat it.
        void setNextDue(deps, name, r.handle.nextRun()).catch(() => undefined);
        void launch(r.spec, 'cron', 'schedule:cron');
    };
    const sync = async (atStart) => {
        const data = await deps.state.read();
        const wanted = new Map(knownSchedules(deps, data).map((s) => [s.spec.name, s.spec]));
        const sd = scheduleData(structuredClone(data));
        let changed = false;
        for (const [name, r] of registered) {
            const spec = wanted.get(name);
            if (!spec || JSON.stringify(spec) !== r.key) {
                r.handle.stop();
                registered.delete(name);
                changed = true;
                if (!spec)
                    deps.log.info(`schedule ${name}: removed`);
            }
        }
        for (const [name, spec] of wanted) {
            if (registered.has(name))
                continue;
            const problem = cron.problem(spec.cron);
            if (problem) {
                deps.log.error(`schedule ${name}: cron "${spec.cron}" refused by node-cron (${problem}); not scheduled`);
                continue;
            }
            const handle = cron.schedule(spec.cron, spec.timezone, () => fire(name));
            registered.set(name, { spec, key: JSON.stringify(spec), handle });
            changed = true;
            const due = statusOf(sd, name).nextDueAt;
            const missed = atStart && spec.catchUp && due !== null && Date.parse(due) <= deps.now().getTime();
            await setNextDue(deps, name, handle.nextRun());
            deps.log.info(`schedule ${name}: active`, { kind: spec.kind, cron: spec.cron, timezone: spec.timezone ?? 'server local', next: handle.nextRun()?.toISOString() ?? null, channel: spec.channel ?? 'none' });
            if (missed) {
                deps.log.info(`schedule ${name}: the run due at ${due} was missed while serve was down; running it once now (catchUp)`);
                void launch(spec, 'catch-up', 'schedule:catch-up');
            }
        }
        if (changed || atStart)
            await writeService();
    };
    const pickRequests = async () => {
        const data = await deps.state.read();
        const queued = scheduleData(data).requests.filter((r) => r.status === 'queued' && !handling.has(r.id));
        for (const req of queued) {
            handling.add(req.id);
            const spec = registered.get(req.schedule)?.spec;
            const settle = async (status, jobId, message) => {
                await deps.state.update((d) => {
                    const r = scheduleData(d).requests.find((x) => x.id === req.id);
                    if (r && r.status === 'queued')
                        Object.assign(r, { status, jobId, message });
                });
            };
            if (!spec) {
                await settle('refused', null, `serve has no schedule "${req.schedule}" (removed meanwhile?)`);
                continue;
            }
            deps.log.info(`schedule ${spec.name}: run requested by ${req.requestedBy}`);
            void launch(spec, 'manual', req.requestedBy, (jobId) => settle('started', jobId, `running as job ${jobId}`)).then(async (run) => {
                if (run.outcome === 'skipped' || run.jobId === null)
                    await settle('refused', null, run.summary);
            });
        }
    };
    let busy = false;
    const poll = async () => {
        if (busy || stopped)
            return;
        busy = true;
        try {
            await sync(false);
            await pickRequests();
        }
        catch (err) {
            deps.log.warn('schedules: could not read the state file', { error: String(err) });
        }
        finally {
            busy = false;
        }
    };
    await sync(true);
    await pickRequests();
    const names = [...registered.keys()];
    deps.log.info(names.length ? `schedules: ${names.length} active: ${names.join(', ')}` : 'schedules: none configured (config "schedules" or `storage-ops schedule add`)');
    const timer = setInterval(() => void poll(), pollMs);
    timer.unref();
    return {
        running: true,
        active: () => [...registered.keys()],
        poll,
        async idle() {
            const out = [];
            while (inFlight.size)
                out.push(...(await Promise.all([...inFlight])));
            return out;
        },
        async stop() {
            stopped = true;
            clearInterval(timer);
            for (const r of registered.values())
                r.handle.stop();
            registered.clear();
            await Promise.allSettled([...inFlight]);
            await deps.state
                .update((data) => {
                const sd = scheduleData(data);
                if (sd.service?.owner.processId === ownerStamp().processId)
                    sd.service = null;
            })
                .catch(() => undefined);
            release();
        },
    };
}
//# sourceMappingURL=scheduler.js.map