/**
 * Consistent backups and safe restores: finding the containers that use a volume, running their
 * pre/post backup commands (container labels, run by exec in the container), and stopping the
 * running ones with a guaranteed restart of exactly those, whatever happens in between.
 *
 * Labels:
 * - `storage-ops.stop-during-backup=true` on the volume or on a container using it: stop the
 *   running users while the archive is read (like `backup --stop`).
 * - `storage-ops.backup-pre=<command>`: run with `sh -c` in that (running) container before the
 *   archive is read, e.g. a database dump into the volume; a failure aborts the backup.
 * - `storage-ops.backup-post=<command>`: run after the archive (and after restarting); a failure
 *   is reported as a warning.
 *
 * Hook commands often carry credentials (`PGPASSWORD=... pg_dump`, `mysqldump -p...`). The command
 * is masked here, where it is read, so every copy of it (run records in the manifest and catalog,
 * op output, errors, audit entries, chat) holds the masked form; the passwords it contained are
 * registered as secrets, so the command's output, if it echoes one, is masked too.
 */
import { OpsError, toOpsError } from '../core/errors.js';
import { maskValues, redactCommand, redactText, registerSecret } from '../core/redact.js';
export const LABEL_STOP = 'storage-ops.stop-during-backup';
export const LABEL_PRE = 'storage-ops.backup-pre';
export const LABEL_POST = 'storage-ops.backup-post';
const truthy = (v) => v !== undefined && /^(true|1|yes|on)$/i.test(v.trim());
export const isRunning = (c) => c.state === 'running';
/** Containers (any state) that mount the volume. */
export async function usersOf(engine, volume) {
    const all = await engine.listContainers({ all: true });
    return all.filter((c) => c.mounts.some((m) => m.type === 'volume' && m.name === volume));
}
/** Why the users should be stopped for the archive, or null when they need not be. */
export function stopReason(flag, volume, users) {
    if (flag)
        return '--stop';
    if (truthy(volume.labels[LABEL_STOP]))
        return `volume label ${LABEL_STOP}`;
    const labelled = users.find((c) => truthy(c.labels[LABEL_STOP]));
    return labelled ? `label ${LABEL_STOP} on container ${labelled.name}` : null;
}
export function tail(text, max = 300) {
    const t = text.trim().replace(/\s+/g, ' ');
    return t.length > max ? `...${t.slice(-max)}` : t;
}
/** A hook command as it may be shown and stored, and the secrets it held. */
export function hookCommand(raw) {
    const { text, secrets } = redactCommand(raw);
    for (const s of secrets)
        registerSecret(s);
    return { shown: redactText(text), secrets };
}
/** Output or an error of a hook, with the hook's own secrets (whatever their length) masked. */
function hookText(text, secrets) {
    return redactText(maskValues(text, secrets.filter((s) => s.length >= 3)));
}
/**
 * Runs the pre or post commands of the running users. Pre: the first failure throws (nothing has
 * been stopped or written yet). Post: failures are returned as warnings.
 */
export async function runHooks(engine, users, phase, volume, signal) {
    const label = phase === 'pre' ? LABEL_PRE : LABEL_POST;
    const runs = [];
    const warnings = [];
    for (const c of users) {
        const command = c.labels[label]?.trim();
        if (!command)
            continue;
        const { shown, secrets } = hookCommand(command);
        if (!isRunning(c)) {
            warnings.push(`${phase}-backup command of container ${c.name} not run: the container is ${c.state}`);
            continue;
        }
        let res;
        try {
            res = await engine.execInContainer(c.id, ['sh', '-c', command], signal);
        }
        catch (err) {
            const e = toOpsError(err);
            const why = hookText(e.message, secrets);
            if (phase === 'pre') {
                throw new OpsError(e.code === 'cancelled' ? 'cancelled' : 'unavailable', `backup of volume ${volume} aborted: the pre-backup command of container ${c.name} could not run: ${why}`, {
                    hint: 'Nothing was stopped or written',
                });
            }
            warnings.push(`post-backup command of container ${c.name} could not run: ${why}`);
            continue;
        }
        runs.push({ container: c.name, phase, command: shown, exitCode: res.exitCode });
        if (res.exitCode !== 0) {
            const out = tail(hookText(res.stderr || res.stdout, secrets));
            if (phase === 'pre') {
                throw new OpsError('conflict', `backup of volume ${volume} aborted: the pre-backup command of container ${c.name} (${LABEL_PRE}: ${shown}) exited with status ${res.exitCode}${out ? `: ${out}` : ''}`, {
                    hint: 'Fix the command or the application; nothing was stopped or written',
                });
            }
            warnings.push(`post-backup command of container ${c.name} (${shown}) exited with status ${res.exitCode}${out ? `: ${out}` : ''}`);
        }
    }
    return { runs, warnings };
}
/**
 * Stops the given containers, then runs `work`, then starts again exactly the containers it
 * stopped, also when stopping part of them or `work` failed. When `work` failed, restart failures
 * are added to its error; when it succeeded they are returned for the caller to report.
 */
export async function withStopped(engine, containers, timeoutSeconds, work) {
    const stopped = [];
    let failure = null;
    let value;
    try {
        for (const c of containers) {
            await engine.stopContainer(c.id, timeoutSeconds);
            stopped.push(c);
        }
        value = await work();
    }
    catch (err) {
        failure = err;
    }
    const restartErrors = [];
    for (const c of stopped) {
        try {
            await engine.startContainer(c.id);
        }
        catch (err) {
            restartErrors.push(`${c.name}: ${toOpsError(err).message}`);
        }
    }
    if (failure) {
        if (!restartErrors.length)
            throw failure;
        const e = toOpsError(failure);
        throw new OpsError(e.code, `${e.message}; also, restarting the container(s) stopped for it failed (${restartErrors.join('; ')})`, {
            hint: `Start them by hand: docker start ${stopped.map((c) => c.name).join(' ')}`,
            cause: failure,
        });
    }
    return { value: value, stopped: stopped.map((c) => c.name), restartErrors };
}
//# sourceMappingURL=consistency.js.map