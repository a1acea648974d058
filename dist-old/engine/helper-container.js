/**
 * Short-lived helper containers on an engine: created from the configured helper image and
 * always removed afterwards. They are confined: no network, every capability dropped except the
 * few their purpose needs (HELPER_PROFILES), no-new-privileges, memory and pids limits, and
 * labels naming the owning process, job and volume so leftovers of a dead process can be found
 * and removed (helper-owner.ts, helper-sweep.ts). Their output is read through the engine, so
 * this works the same against remote engines.
 */
import { randomBytes } from 'node:crypto';
import { OpsError } from '../core/errors.js';
import { currentJobId } from '../core/job-scope.js';
import { demuxDockerLog } from './docker-log.js';
import { engineError, engineMessage } from './engine-errors.js';
import { LABEL_HELPER, LABEL_JOB, LABEL_VOLUME, ownerLabels } from './helper-owner.js';
export const HELPER_LABEL = LABEL_HELPER;
const MiB = 1024 * 1024;
/**
 * What each purpose needs, found by running them with everything dropped (see the integration
 * tests). Archive helpers are never started: the engine itself reads and writes the volume
 * through them, so they need nothing. The started ones run as root over volumes whose files
 * belong to anyone: bench creates its directory in a volume root owned by another user
 * (DAC_OVERRIDE); emptying a volume also removes other users' files from sticky directories
 * (FOWNER). df only calls statfs.
 */
export const HELPER_PROFILES = {
    'backup-read': { capAdd: [], memoryBytes: 64 * MiB, pidsLimit: 8 },
    'restore-write': { capAdd: [], memoryBytes: 64 * MiB, pidsLimit: 8 },
    'restore-root': { capAdd: [], memoryBytes: 64 * MiB, pidsLimit: 8 },
    'restore-clear': { capAdd: ['DAC_OVERRIDE', 'FOWNER'], memoryBytes: 256 * MiB, pidsLimit: 32 },
    df: { capAdd: [], memoryBytes: 64 * MiB, pidsLimit: 8 },
    // fio forks one process per job (up to 64) and holds jobs x iodepth x bs of buffers.
    bench: { capAdd: ['DAC_OVERRIDE'], memoryBytes: 1024 * MiB, pidsLimit: 256 },
    'bench-cleanup': { capAdd: ['DAC_OVERRIDE'], memoryBytes: 256 * MiB, pidsLimit: 32 },
};
/** Purposes not listed get nothing back. */
export const DEFAULT_HELPER_PROFILE = { capAdd: [], memoryBytes: 256 * MiB, pidsLimit: 32 };
export function helperProfile(purpose) {
    return HELPER_PROFILES[purpose] ?? DEFAULT_HELPER_PROFILE;
}
export function helperName(purpose) {
    return `storage-ops-${purpose}-${randomBytes(4).toString('hex')}`;
}
export async function createHelper(docker, host, image, spec) {
    // @types/dockerode marks VolumeOptions.Labels/DriverConfig required; the engine does not.
    const mounts = (spec.mounts ?? []).map((m) => ({ Type: 'volume', Source: m.volume, Target: m.target, ReadOnly: m.readOnly, VolumeOptions: { NoCopy: true } }));
    const profile = helperProfile(spec.purpose);
    const job = currentJobId();
    const volumes = (spec.mounts ?? []).map((m) => m.volume);
    try {
        return await docker.createContainer({
            name: helperName(spec.purpose),
            Image: image,
            Cmd: spec.cmd ?? ['true'],
            WorkingDir: spec.workingDir,
            Labels: {
                [HELPER_LABEL]: spec.purpose,
                ...ownerLabels(),
                ...(job ? { [LABEL_JOB]: job } : {}),
                ...(volumes.length ? { [LABEL_VOLUME]: volumes.join(',') } : {}),
            },
            // Root inside the helper: volumes hold files of any owner, and images such as our own
            // declare a non-root USER for the service itself. Root without capabilities, though.
            User: '0:0',
            NetworkDisabled: true,
            HostConfig: {
                NetworkMode: 'none',
                Binds: spec.binds ?? [],
                Mounts: mounts,
                AutoRemove: false,
                CapDrop: ['ALL'],
                CapAdd: profile.capAdd,
                SecurityOpt: ['no-new-privileges'],
                Memory: profile.memoryBytes,
                // Equal to Memory: no swap on top.
                MemorySwap: profile.memoryBytes,
                PidsLimit: profile.pidsLimit,
            },
        });
    }
    catch (err) {
        const e = err;
        if (e.statusCode === 404 && /image/i.test(engineMessage(err))) {
            throw new OpsError('unavailable', `helper image "${image}" is not on engine "${host.name}"`, {
                hint: 'Build or load it there (`docker build -t storage-ops .` makes the default one), or set helperImage / STORAGE_OPS_HELPER_IMAGE to an image with tar, df and fio',
            });
        }
        throw engineError(err, host, `creating a ${spec.purpose} helper container`);
    }
}
export async function removeQuietly(container) {
    // v: true drops anonymous volumes an image's VOLUME lines create; named volumes are never touched.
    await container.remove({ force: true, v: true }).catch(() => undefined);
}
/** A helper killed by its memory limit says so, instead of a bare exit status 137. */
async function throwIfOutOfMemory(container, host, purpose) {
    const info = (await container.inspect().catch(() => null));
    if (!info?.State?.OOMKilled)
        return;
    throw new OpsError('unavailable', `the ${purpose} helper on ${host.name} was killed at its memory limit (${helperProfile(purpose).memoryBytes / MiB} MiB)`, {
        hint: purpose === 'bench' ? 'Use fewer --jobs, a lower --io-depth or a smaller --bs' : 'Report this: the helper should not need that much',
    });
}
/** Runs a command to completion in a fresh helper container and returns its exit code and output. */
export async function runHelper(docker, host, image, run) {
    const container = await createHelper(docker, host, image, { purpose: run.purpose, cmd: run.cmd, binds: run.binds, mounts: run.mounts });
    const onAbort = () => {
        void container.kill().catch(() => undefined);
    };
    run.signal?.addEventListener('abort', onAbort, { once: true });
    try {
        await container.start();
        const waited = (await container.wait());
        if (waited.StatusCode === 137)
            await throwIfOutOfMemory(container, host, run.purpose);
        const logs = (await container.logs({ stdout: true, stderr: true, follow: false }));
        run.signal?.throwIfAborted();
        return { exitCode: waited.StatusCode, ...demuxDockerLog(logs) };
    }
    catch (err) {
        if (run.signal?.aborted)
            throw new OpsError('cancelled', `${run.purpose} on ${host.name}: cancelled`);
        throw engineError(err, host, `running the ${run.purpose} helper`);
    }
    finally {
        run.signal?.removeEventListener('abort', onAbort);
        await removeQuietly(container);
    }
}
//# sourceMappingURL=helper-container.js.map