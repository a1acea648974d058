import { OpsError } from '../core/errors.js';
import { execInContainer, startContainer, stopContainer } from './container-control.js';
import { engineError } from './engine-errors.js';
import { HELPER_LABEL, runHelper } from './helper-container.js';
import { describeOwner } from './helper-owner.js';
import { listHelperContainers, sweepHelpers } from './helper-sweep.js';
import { clearVolume, exportVolume, importVolume, setVolumeRoot } from './volume-archive.js';
const str = (v, fallback = '') => (typeof v === 'string' ? v : fallback);
const num = (v, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const strMap = (v) => v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};
const unixToIso = (v) => (typeof v === 'number' ? new Date(v * 1000).toISOString() : str(v));
/** Our own helper containers are not users of anything: ops never see them as containers. */
const isHelper = (c) => Boolean(c.Labels && typeof c.Labels === 'object' && HELPER_LABEL in c.Labels);
export class DockerEngine {
    host;
    docker;
    helperImage;
    log;
    firstSweep = null;
    constructor(host, docker, helperImage, log) {
        this.host = host;
        this.docker = docker;
        this.helperImage = helperImage;
        this.log = log;
    }
    /**
     * The first time this process uses the engine, helpers left by dead processes are removed. It
     * runs beside the first call (so an unreachable engine costs one timeout, not two), and its
     * failure is only logged: the call itself reports an unreachable engine.
     */
    sweepOnce() {
        this.firstSweep ??= this.sweep({ now: Date.now() }).then(() => undefined, (err) => this.log?.debug('helper sweep skipped', { host: this.host.name, error: engineError(err, this.host, 'sweeping helpers').message }));
        return this.firstSweep;
    }
    async sweep(scope) {
        const removed = await sweepHelpers(this.docker, scope);
        for (const r of removed) {
            this.log?.info(`removed leftover helper container ${r.name} (${r.purpose}${r.volumes.length ? ` of volume ${r.volumes.join(', ')}` : ''}): ${r.reason}`, { host: this.host.name });
        }
        return removed;
    }
    async call(action, fn) {
        const swept = this.sweepOnce();
        try {
            return await fn();
        }
        catch (err) {
            throw engineError(err, this.host, action);
        }
        finally {
            await swept;
        }
    }
    async removeLeftoverHelpers(volume) {
        const removed = await this.call(`removing leftover helpers of volume ${volume}`, () => this.sweep({ now: Date.now(), lockedVolume: volume }));
        return removed.map((r) => `${r.name} (${r.purpose}): ${r.reason}`);
    }
    async ping() {
        await this.call('ping', () => this.docker.ping());
    }
    async info() {
        const [info, version] = await Promise.all([
            this.call('reading engine info', () => this.docker.info()),
            this.call('reading engine version', () => this.docker.version()),
        ]);
        const status = Array.isArray(info.DriverStatus) ? info.DriverStatus : [];
        return {
            serverVersion: str(info.ServerVersion),
            apiVersion: str(version.ApiVersion),
            operatingSystem: str(info.OperatingSystem),
            osType: str(info.OSType),
            architecture: str(info.Architecture),
            kernelVersion: str(info.KernelVersion),
            driver: str(info.Driver),
            driverStatus: status.map((pair) => [String(pair[0] ?? ''), String(pair[1] ?? '')]),
            dockerRootDir: str(info.DockerRootDir),
            ncpu: num(info.NCPU),
            memTotal: num(info.MemTotal),
            containers: num(info.Containers),
            images: num(info.Images),
        };
    }
    async systemDf() {
        const df = await this.call('reading disk usage (system df)', () => this.docker.df());
        const arr = (v) => (Array.isArray(v) ? v : []);
        // Helpers are ours, not the user's: they neither count as containers nor keep volumes in use.
        const helperRefs = new Map();
        for (const c of arr(df.Containers).filter(isHelper)) {
            for (const m of arr(c.Mounts))
                if (m.Type === 'volume')
                    helperRefs.set(str(m.Name), (helperRefs.get(str(m.Name)) ?? 0) + 1);
        }
        return {
            layersSize: num(df.LayersSize),
            images: arr(df.Images).map((i) => ({
                id: str(i.Id),
                repoTags: Array.isArray(i.RepoTags) ? i.RepoTags.filter((t) => t !== '<none>:<none>') : [],
                created: unixToIso(i.Created),
                size: num(i.Size),
                sharedSize: num(i.SharedSize, -1),
                containers: num(i.Containers),
            })),
            containers: arr(df.Containers).filter((c) => !isHelper(c)).map((c) => ({
                id: str(c.Id),
                name: containerName(c.Names),
                image: str(c.Image),
                state: str(c.State),
                status: str(c.Status),
                created: unixToIso(c.Created),
                sizeRw: num(c.SizeRw),
                sizeRootFs: num(c.SizeRootFs),
                volumes: arr(c.Mounts).filter((m) => m.Type === 'volume').map((m) => str(m.Name)),
            })),
            volumes: arr(df.Volumes).map((v) => {
                const usage = (v.UsageData ?? {});
                const size = num(usage.Size, -1);
                const refCount = Math.max(0, num(usage.RefCount) - (helperRefs.get(str(v.Name)) ?? 0));
                return { name: str(v.Name), driver: str(v.Driver), size: size < 0 ? null : size, refCount };
            }),
            buildCache: arr(df.BuildCache).map((b) => ({
                id: str(b.ID),
                type: str(b.Type),
                description: str(b.Description),
                size: num(b.Size),
                inUse: Boolean(b.InUse),
                shared: Boolean(b.Shared),
                lastUsedAt: typeof b.LastUsedAt === 'string' ? b.LastUsedAt : null,
            })),
        };
    }
    async listVolumes(filters = {}) {
        const f = {};
        if (filters.label?.length)
            f.label = filters.label;
        if (filters.driver)
            f.driver = [filters.driver];
        if (filters.name)
            f.name = [filters.name];
        const [res, containers] = await Promise.all([
            this.call('listing volumes', () => this.docker.listVolumes({ filters: f })),
            // The engine's own dangling filter counts our helpers as references; ours does not.
            filters.dangling === undefined ? null : this.listContainers({ all: true }),
        ]);
        const vols = (Array.isArray(res.Volumes) ? res.Volumes : []).map(toVolumeDetail);
        const used = new Set(containers?.flatMap((c) => c.mounts.filter((m) => m.type === 'volume' && m.name).map((m) => m.name)));
        return vols.filter((v) => filters.dangling === undefined || used.has(v.name) !== filters.dangling).sort((a, b) => a.name.localeCompare(b.name));
    }
    async inspectVolume(name) {
        const swept = this.sweepOnce();
        try {
            return toVolumeDetail((await this.docker.getVolume(name).inspect()));
        }
        catch (err) {
            if (err.statusCode === 404) {
                throw new OpsError('not_found', `volume "${name}" does not exist on host "${this.host.name}"`, {
                    hint: '`storage-ops volumes` lists the volumes there',
                });
            }
            throw engineError(err, this.host, `inspecting volume ${name}`);
        }
        finally {
            await swept;
        }
    }
    async createVolume(spec) {
        await this.call(`creating volume ${spec.name}`, () => this.docker.createVolume({ Name: spec.name, Driver: spec.driver, DriverOpts: spec.driverOpts, Labels: spec.labels }));
        // dockerode answers with a handle, not the engine's record: read back what was made.
        return this.inspectVolume(spec.name);
    }
    async listContainers(opts = {}) {
        const list = await this.call('listing containers', () => this.docker.listContainers({ all: opts.all ?? true }));
        return list.filter((c) => !isHelper(c)).map((c) => ({
            id: str(c.Id),
            name: containerName(c.Names),
            image: str(c.Image),
            imageId: str(c.ImageID),
            created: unixToIso(c.Created),
            state: str(c.State),
            status: str(c.Status),
            labels: strMap(c.Labels),
            mounts: (Array.isArray(c.Mounts) ? c.Mounts : []).map((m) => ({
                type: str(m.Type),
                name: typeof m.Name === 'string' && m.Name ? m.Name : null,
                source: str(m.Source),
                destination: str(m.Destination),
                readOnly: m.RW === false,
            })),
        }));
    }
    async removeVolume(name) {
        await this.sweepOnce();
        for (let attempt = 0;; attempt++) {
            try {
                await this.docker.getVolume(name).remove();
                return;
            }
            catch (err) {
                const code = err.statusCode;
                if (code === 404)
                    throw new OpsError('not_found', `volume "${name}" no longer exists on host "${this.host.name}"`);
                if (code !== 409)
                    throw engineError(err, this.host, `removing volume ${name}`);
                // A leftover helper of a dead process must not keep the volume: remove those, try once more.
                if (attempt === 0 && (await this.sweep({ now: Date.now() }).catch(() => [])).some((r) => r.volumes.includes(name)))
                    continue;
                const helper = (await listHelperContainers(this.docker).catch(() => [])).find((h) => h.volumes.includes(name));
                if (helper) {
                    throw new OpsError('conflict', `volume "${name}" is in use on host "${this.host.name}" by a running storage-ops ${helper.purpose} (helper ${helper.name} of ${describeOwner(helper.labels)})`, {
                        hint: 'Wait for that backup, restore or benchmark to finish (`storage-ops jobs`), then try again',
                    });
                }
                throw new OpsError('conflict', `volume "${name}" is in use on host "${this.host.name}"`);
            }
        }
    }
    async listImages() {
        const list = (await this.call('listing images', () => this.docker.listImages({ all: false })));
        return list.map((i) => {
            const tags = Array.isArray(i.RepoTags) ? i.RepoTags.filter((t) => t !== '<none>:<none>') : [];
            return { id: str(i.Id), repoTags: tags, created: unixToIso(i.Created), size: num(i.Size), dangling: tags.length === 0 };
        });
    }
    async removeImage(id) {
        await this.call(`removing image ${id.slice(7, 19) || id}`, () => this.docker.getImage(id).remove({ noprune: false }));
    }
    async removeContainer(id) {
        await this.call(`removing container ${id.slice(0, 12)}`, () => this.docker.getContainer(id).remove({ v: false, force: false }));
    }
    async listNetworks() {
        const list = (await this.call('listing networks', () => this.docker.listNetworks()));
        const builtIn = new Set(['bridge', 'host', 'none']);
        return Promise.all(list.map(async (n) => {
            // The list endpoint leaves Containers empty; only inspect says who is attached.
            const detail = (await this.call(`inspecting network ${str(n.Name)}`, () => this.docker.getNetwork(str(n.Id)).inspect()));
            const containers = detail.Containers && typeof detail.Containers === 'object' ? Object.keys(detail.Containers).length : 0;
            return { id: str(n.Id), name: str(n.Name), driver: str(n.Driver), created: str(n.Created), builtIn: builtIn.has(str(n.Name)), containers };
        }));
    }
    async removeNetwork(id) {
        await this.call(`removing network ${id.slice(0, 12)}`, () => this.docker.getNetwork(id).remove());
    }
    async pruneBuildCache(lastUsedBefore) {
        // dockerode's pruneBuilder drops its options, and the engine's id filter differs between
        // versions (exact in 20.10, a regex later), so only the age filter is used: whatever is
        // unused and was last used before the cutoff. `unused-for` is understood by every version.
        // Rounded up, so a record used just before the cutoff is kept rather than taken.
        const ms = Math.max(1, Math.ceil(Date.now() - lastUsedBefore.getTime()));
        const res = await this.call('pruning build cache', () => new Promise((resolve, reject) => {
            this.docker.modem.dial({
                path: '/build/prune?',
                method: 'POST',
                options: { all: true, filters: { 'unused-for': [`${ms}ms`] } },
                statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
            }, (err, data) => (err ? reject(err) : resolve((data ?? {}))));
        }));
        return {
            deleted: Array.isArray(res.CachesDeleted) ? res.CachesDeleted : [],
            spaceReclaimed: num(res.SpaceReclaimed),
        };
    }
    async runHelperCommand(spec) {
        await this.sweepOnce();
        return runHelper(this.docker, this.host, this.helperImage(), {
            purpose: spec.purpose,
            cmd: spec.cmd,
            // Volume mounts, never binds: a name can then only ever be a volume, not a host path.
            mounts: Object.entries(spec.volumes ?? {}).map(([volume, target]) => ({ volume, target, readOnly: false })),
            signal: spec.signal,
        });
    }
    async filesystemUsage(path, signal) {
        const res = await runHelper(this.docker, this.host, this.helperImage(), {
            purpose: 'df',
            cmd: ['df', '-P', '-k', '/host-path'],
            binds: [`${path}:/host-path:ro`],
            signal,
        });
        if (res.exitCode !== 0) {
            throw new OpsError('unavailable', `reading the usage of ${path} on ${this.host.name} failed: df exited ${res.exitCode}: ${res.stderr.trim()}`, {
                hint: 'Check that the helper image has a POSIX df',
            });
        }
        return parseDfOutput(res.stdout, path);
    }
    exportVolume(name, signal) {
        return exportVolume(this.docker, this.host, this.helperImage(), name, signal);
    }
    importVolume(name, tar, signal) {
        return importVolume(this.docker, this.host, this.helperImage(), name, tar, signal);
    }
    clearVolume(name, signal) {
        return clearVolume(this.docker, this.host, this.helperImage(), name, signal);
    }
    setVolumeRoot(name, attrs, signal) {
        return setVolumeRoot(this.docker, this.host, this.helperImage(), name, attrs, signal);
    }
    stopContainer(id, timeoutSeconds) {
        return stopContainer(this.docker, this.host, id, timeoutSeconds);
    }
    startContainer(id) {
        return startContainer(this.docker, this.host, id);
    }
    execInContainer(id, cmd, signal) {
        return execInContainer(this.docker, this.host, id, cmd, signal);
    }
}
/** Parses `df -P -k` output (POSIX format: 1024-byte blocks). */
export function parseDfOutput(stdout, path) {
    const lines = stdout.trim().split('\n').filter(Boolean);
    // A long device name can wrap onto its own line in some df implementations; join the fields.
    const fields = lines.slice(1).join(' ').trim().split(/\s+/);
    if (fields.length < 6) {
        throw new OpsError('internal', `could not parse df output for ${path}: ${JSON.stringify(stdout)}`);
    }
    const [filesystem, total, used, avail] = fields;
    return {
        path,
        filesystem: filesystem ?? '',
        totalBytes: Number(total) * 1024,
        usedBytes: Number(used) * 1024,
        availableBytes: Number(avail) * 1024,
    };
}
function containerName(names) {
    const first = Array.isArray(names) ? String(names[0] ?? '') : '';
    return first.replace(/^\//, '');
}
function toVolumeDetail(v) {
    return {
        name: str(v.Name),
        driver: str(v.Driver),
        mountpoint: str(v.Mountpoint),
        createdAt: typeof v.CreatedAt === 'string' ? v.CreatedAt : null,
        labels: strMap(v.Labels),
        options: strMap(v.Options),
        scope: str(v.Scope, 'local'),
        status: v.Status && typeof v.Status === 'object' ? v.Status : null,
    };
}
//# sourceMappingURL=docker-engine.js.map