/**
 * EnginePort over dockerode: the only place that speaks Docker's API shapes. Maps the engine's
 * answers into the ops layer's types and every failure into an OpsError naming the host.
 */
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { OpsError } from '../core/errors.js';
import type {
  ContainerSummary,
  EngineInfo,
  EnginePort,
  ExecResult,
  FsUsage,
  HelperCommand,
  HelperOutput,
  HostRef,
  ImageSummary,
  NetworkSummary,
  SystemDf,
  VolumeArchive,
  VolumeDetail,
  VolumeFilters,
  VolumeRootAttributes,
  VolumeLockHolder,
  VolumeSpec,
} from '../core/ports.js';
import type { Logger } from '../core/logger.js';
import { execInContainer, startContainer, stopContainer } from './container-control.js';
import { engineError } from './engine-errors.js';
import { HELPER_LABEL, runHelper } from './helper-container.js';
import { describeOwner } from './helper-owner.js';
import { listHelperContainers, sweepHelpers, type SweepScope, type SweptHelper } from './helper-sweep.js';
import { ensureArchiveImage } from './archive-image.js';
import { lockVolumeOnEngine } from './volume-lock.js';
import { clearVolume, exportVolume, importVolume, setVolumeRoot } from './volume-archive.js';

type Json = Record<string, unknown>;

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const strMap = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, String(x)])) : {};
const unixToIso = (v: unknown): string => (typeof v === 'number' ? new Date(v * 1000).toISOString() : str(v));

/** Our own helper containers are not users of anything: ops never see them as containers. */
const isHelper = (c: Json): boolean => Boolean(c.Labels && typeof c.Labels === 'object' && HELPER_LABEL in (c.Labels as Json));

export class DockerEngine implements EnginePort {
  private firstSweep: Promise<void> | null = null;

  constructor(
    readonly host: HostRef,
    readonly docker: Docker,
    private readonly helperImage: () => string,
    private readonly log?: Logger,
  ) {}

  /**
   * The first time this process uses the engine, helpers left by dead processes are removed. It
   * runs beside the first call (so an unreachable engine costs one timeout, not two), and its
   * failure is only logged: the call itself reports an unreachable engine.
   */
  private sweepOnce(): Promise<void> {
    this.firstSweep ??= this.sweep({ now: Date.now() }).then(
      () => undefined,
      (err: unknown) => this.log?.debug('helper sweep skipped', { host: this.host.name, error: engineError(err, this.host, 'sweeping helpers').message }),
    );
    return this.firstSweep;
  }

  private async sweep(scope: SweepScope): Promise<SweptHelper[]> {
    const removed = await sweepHelpers(this.docker, scope);
    for (const r of removed) {
      this.log?.info(`removed leftover helper container ${r.name} (${r.purpose}${r.volumes.length ? ` of volume ${r.volumes.join(', ')}` : ''}): ${r.reason}`, { host: this.host.name });
    }
    return removed;
  }

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    const swept = this.sweepOnce();
    try {
      return await fn();
    } catch (err) {
      throw engineError(err, this.host, action);
    } finally {
      await swept;
    }
  }

  async removeLeftoverHelpers(volume: string): Promise<string[]> {
    const removed = await this.call(`removing leftover helpers of volume ${volume}`, () => this.sweep({ now: Date.now(), lockedVolume: volume }));
    return removed.map((r) => `${r.name} (${r.purpose}): ${r.reason}`);
  }

  async ping(): Promise<void> {
    await this.call('ping', () => this.docker.ping());
  }

  async info(): Promise<EngineInfo> {
    const [info, version] = await Promise.all([
      this.call('reading engine info', () => this.docker.info() as Promise<Json>),
      this.call('reading engine version', () => this.docker.version() as unknown as Promise<Json>),
    ]);
    const status = Array.isArray(info.DriverStatus) ? (info.DriverStatus as unknown[][]) : [];
    return {
      serverVersion: str(info.ServerVersion),
      apiVersion: str(version.ApiVersion),
      operatingSystem: str(info.OperatingSystem),
      osType: str(info.OSType),
      architecture: str(info.Architecture),
      kernelVersion: str(info.KernelVersion),
      driver: str(info.Driver),
      driverStatus: status.map((pair) => [String(pair[0] ?? ''), String(pair[1] ?? '')] as [string, string]),
      dockerRootDir: str(info.DockerRootDir),
      ncpu: num(info.NCPU),
      memTotal: num(info.MemTotal),
      containers: num(info.Containers),
      images: num(info.Images),
    };
  }

  async systemDf(): Promise<SystemDf> {
    const df = await this.call('reading disk usage (system df)', () => this.docker.df() as Promise<Json>);
    const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
    // Helpers are ours, not the user's: they neither count as containers nor keep volumes in use.
    const helperRefs = new Map<string, number>();
    for (const c of arr(df.Containers).filter(isHelper)) {
      for (const m of arr(c.Mounts)) if (m.Type === 'volume') helperRefs.set(str(m.Name), (helperRefs.get(str(m.Name)) ?? 0) + 1);
    }
    return {
      layersSize: num(df.LayersSize),
      images: arr(df.Images).map((i) => ({
        id: str(i.Id),
        repoTags: Array.isArray(i.RepoTags) ? (i.RepoTags as string[]).filter((t) => t !== '<none>:<none>') : [],
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
        const usage = (v.UsageData ?? {}) as Json;
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

  async listVolumes(filters: VolumeFilters = {}): Promise<VolumeDetail[]> {
    const f: Record<string, string[]> = {};
    if (filters.label?.length) f.label = filters.label;
    if (filters.driver) f.driver = [filters.driver];
    if (filters.name) f.name = [filters.name];
    const [res, containers] = await Promise.all([
      this.call('listing volumes', () => this.docker.listVolumes({ filters: f }) as Promise<Json>),
      // The engine's own dangling filter counts our helpers as references; ours does not.
      filters.dangling === undefined ? null : this.listContainers({ all: true }),
    ]);
    const vols = (Array.isArray(res.Volumes) ? (res.Volumes as Json[]) : []).map(toVolumeDetail);
    const used = new Set(containers?.flatMap((c) => c.mounts.filter((m) => m.type === 'volume' && m.name).map((m) => m.name as string)));
    return vols.filter((v) => filters.dangling === undefined || used.has(v.name) !== filters.dangling).sort((a, b) => a.name.localeCompare(b.name));
  }

  async inspectVolume(name: string): Promise<VolumeDetail> {
    const swept = this.sweepOnce();
    try {
      return toVolumeDetail((await this.docker.getVolume(name).inspect()) as unknown as Json);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) {
        throw new OpsError('not_found', `volume "${name}" does not exist on host "${this.host.name}"`, {
          hint: '`storage-ops volumes` lists the volumes there',
        });
      }
      throw engineError(err, this.host, `inspecting volume ${name}`);
    } finally {
      await swept;
    }
  }

  async createVolume(spec: VolumeSpec): Promise<VolumeDetail> {
    await this.call(`creating volume ${spec.name}`, () =>
      this.docker.createVolume({ Name: spec.name, Driver: spec.driver, DriverOpts: spec.driverOpts, Labels: spec.labels }),
    );
    // dockerode answers with a handle, not the engine's record: read back what was made.
    return this.inspectVolume(spec.name);
  }

  async listContainers(opts: { all?: boolean } = {}): Promise<ContainerSummary[]> {
    const list = await this.call('listing containers', () => this.docker.listContainers({ all: opts.all ?? true }) as Promise<unknown>);
    return (list as Json[]).filter((c) => !isHelper(c)).map((c) => ({
      id: str(c.Id),
      name: containerName(c.Names),
      image: str(c.Image),
      imageId: str(c.ImageID),
      created: unixToIso(c.Created),
      state: str(c.State),
      status: str(c.Status),
      labels: strMap(c.Labels),
      mounts: (Array.isArray(c.Mounts) ? (c.Mounts as Json[]) : []).map((m) => ({
        type: str(m.Type),
        name: typeof m.Name === 'string' && m.Name ? m.Name : null,
        source: str(m.Source),
        destination: str(m.Destination),
        readOnly: m.RW === false,
      })),
    }));
  }

  async removeVolume(name: string): Promise<void> {
    await this.sweepOnce();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.docker.getVolume(name).remove();
        return;
      } catch (err) {
        const code = (err as { statusCode?: number }).statusCode;
        if (code === 404) throw new OpsError('not_found', `volume "${name}" no longer exists on host "${this.host.name}"`);
        if (code !== 409) throw engineError(err, this.host, `removing volume ${name}`);
        // A leftover helper of a dead process must not keep the volume: remove those, try once more.
        if (attempt === 0 && (await this.sweep({ now: Date.now() }).catch(() => [])).some((r) => r.volumes.includes(name))) continue;
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

  async listImages(): Promise<ImageSummary[]> {
    const list = (await this.call('listing images', () => this.docker.listImages({ all: false }) as Promise<unknown>)) as Json[];
    return list.map((i) => {
      const tags = Array.isArray(i.RepoTags) ? (i.RepoTags as string[]).filter((t) => t !== '<none>:<none>') : [];
      return { id: str(i.Id), repoTags: tags, created: unixToIso(i.Created), size: num(i.Size), dangling: tags.length === 0 };
    });
  }

  async removeImage(id: string): Promise<void> {
    await this.call(`removing image ${id.slice(7, 19) || id}`, () => this.docker.getImage(id).remove({ noprune: false }) as Promise<unknown>);
  }

  async removeContainer(id: string): Promise<void> {
    await this.call(`removing container ${id.slice(0, 12)}`, () => this.docker.getContainer(id).remove({ v: false, force: false }) as Promise<unknown>);
  }

  async listNetworks(): Promise<NetworkSummary[]> {
    const list = (await this.call('listing networks', () => this.docker.listNetworks() as Promise<unknown>)) as Json[];
    const builtIn = new Set(['bridge', 'host', 'none']);
    return Promise.all(
      list.map(async (n) => {
        // The list endpoint leaves Containers empty; only inspect says who is attached.
        const detail = (await this.call(`inspecting network ${str(n.Name)}`, () => this.docker.getNetwork(str(n.Id)).inspect() as Promise<unknown>)) as Json;
        const containers = detail.Containers && typeof detail.Containers === 'object' ? Object.keys(detail.Containers).length : 0;
        return { id: str(n.Id), name: str(n.Name), driver: str(n.Driver), created: str(n.Created), builtIn: builtIn.has(str(n.Name)), containers };
      }),
    );
  }

  async removeNetwork(id: string): Promise<void> {
    await this.call(`removing network ${id.slice(0, 12)}`, () => this.docker.getNetwork(id).remove() as Promise<unknown>);
  }

  async pruneBuildCache(lastUsedBefore: Date): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    // dockerode's pruneBuilder drops its options, and the engine's id filter differs between
    // versions (exact in 20.10, a regex later), so only the age filter is used: whatever is
    // unused and was last used before the cutoff. `unused-for` is understood by every version.
    // Rounded up, so a record used just before the cutoff is kept rather than taken.
    const ms = Math.max(1, Math.ceil(Date.now() - lastUsedBefore.getTime()));
    const res = await this.call('pruning build cache', () =>
      new Promise<Json>((resolve, reject) => {
        this.docker.modem.dial(
          {
            path: '/build/prune?',
            method: 'POST',
            options: { all: true, filters: { 'unused-for': [`${ms}ms`] } },
            statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
          },
          (err: unknown, data: unknown) => (err ? reject(err) : resolve((data ?? {}) as Json)),
        );
      }),
    );
    return {
      deleted: Array.isArray(res.CachesDeleted) ? (res.CachesDeleted as string[]) : [],
      spaceReclaimed: num(res.SpaceReclaimed),
    };
  }

  async runHelperCommand(spec: HelperCommand): Promise<HelperOutput> {
    await this.sweepOnce();
    return runHelper(this.docker, this.host, this.helperImage(), {
      purpose: spec.purpose,
      cmd: spec.cmd,
      // Volume mounts, never binds: a name can then only ever be a volume, not a host path.
      mounts: Object.entries(spec.volumes ?? {}).map(([volume, target]) => ({ volume, target, readOnly: false })),
      signal: spec.signal,
    });
  }

  async filesystemUsage(path: string, signal?: AbortSignal): Promise<FsUsage> {
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

  // Archive helpers are never started: the empty image storage-ops imports itself is enough, so
  // backup, restore and verify work on an engine without the helper image.
  async exportVolume(name: string, signal?: AbortSignal): Promise<VolumeArchive> {
    return exportVolume(this.docker, this.host, await ensureArchiveImage(this.docker, this.host), name, signal);
  }

  async importVolume(name: string, tar: Readable, signal?: AbortSignal): Promise<void> {
    return importVolume(this.docker, this.host, await ensureArchiveImage(this.docker, this.host), name, tar, signal);
  }

  lockVolume(name: string, holder: VolumeLockHolder): Promise<() => Promise<void>> {
    return lockVolumeOnEngine(this.docker, this.host, name, holder);
  }

  /**
   * Empties a volume. A plain local volume (no driver options: its data lives only in the engine's
   * own directory) that no container references is removed and created again with its labels:
   * nothing is started, so no helper image is needed. Anything else (a bind or NFS volume, one a
   * stopped container still references) is emptied by a started helper with a shell.
   */
  async clearVolume(name: string, signal?: AbortSignal): Promise<void> {
    const v = await this.inspectVolume(name);
    if (v.driver === 'local' && Object.keys(v.options).length === 0) {
      signal?.throwIfAborted();
      try {
        await this.docker.getVolume(name).remove();
        await this.call(`creating volume ${name} again`, () => this.docker.createVolume({ Name: name, Driver: 'local', Labels: v.labels }));
        return;
      } catch (err) {
        // 409: a container references it; the engine removed nothing.
        if ((err as { statusCode?: number }).statusCode !== 409) throw engineError(err, this.host, `emptying volume ${name}`);
      }
    }
    return clearVolume(this.docker, this.host, this.helperImage(), name, signal);
  }

  async setVolumeRoot(name: string, attrs: VolumeRootAttributes, signal?: AbortSignal): Promise<void> {
    return setVolumeRoot(this.docker, this.host, await ensureArchiveImage(this.docker, this.host), name, attrs, signal);
  }

  stopContainer(id: string, timeoutSeconds?: number): Promise<void> {
    return stopContainer(this.docker, this.host, id, timeoutSeconds);
  }

  startContainer(id: string): Promise<void> {
    return startContainer(this.docker, this.host, id);
  }

  execInContainer(id: string, cmd: string[], signal?: AbortSignal): Promise<ExecResult> {
    return execInContainer(this.docker, this.host, id, cmd, signal);
  }
}

/** Parses `df -P -k` output (POSIX format: 1024-byte blocks). */
export function parseDfOutput(stdout: string, path: string): FsUsage {
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

function containerName(names: unknown): string {
  const first = Array.isArray(names) ? String(names[0] ?? '') : '';
  return first.replace(/^\//, '');
}

function toVolumeDetail(v: Json): VolumeDetail {
  return {
    name: str(v.Name),
    driver: str(v.Driver),
    mountpoint: str(v.Mountpoint),
    createdAt: typeof v.CreatedAt === 'string' ? v.CreatedAt : null,
    labels: strMap(v.Labels),
    options: strMap(v.Options),
    scope: str(v.Scope, 'local'),
    status: v.Status && typeof v.Status === 'object' ? (v.Status as Record<string, unknown>) : null,
  };
}
