/**
 * EnginePort over dockerode: the only place that speaks Docker's API shapes. Maps the engine's
 * answers into the ops layer's types and every failure into an OpsError naming the host.
 */
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { OpsError } from '../errors.js';
import type {
  ContainerSummary,
  EngineInfo,
  EnginePort,
  ExecResult,
  FsUsage,
  HostRef,
  SystemDf,
  VolumeArchive,
  VolumeDetail,
  VolumeFilters,
  VolumeRootAttributes,
  VolumeSpec,
} from '../ops/ports.js';
import { execInContainer, startContainer, stopContainer } from './container-control.js';
import { engineError } from './engine-errors.js';
import { runHelper } from './helper-container.js';
import { clearVolume, exportVolume, importVolume, setVolumeRoot } from './volume-archive.js';

type Json = Record<string, unknown>;

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const strMap = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, String(x)])) : {};
const unixToIso = (v: unknown): string => (typeof v === 'number' ? new Date(v * 1000).toISOString() : str(v));

export class DockerEngine implements EnginePort {
  constructor(
    readonly host: HostRef,
    readonly docker: Docker,
    private readonly helperImage: () => string,
  ) {}

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw engineError(err, this.host, action);
    }
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
      containers: arr(df.Containers).map((c) => ({
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
        return { name: str(v.Name), driver: str(v.Driver), size: size < 0 ? null : size, refCount: num(usage.RefCount) };
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
    if (filters.dangling !== undefined) f.dangling = [String(filters.dangling)];
    if (filters.driver) f.driver = [filters.driver];
    if (filters.name) f.name = [filters.name];
    const res = await this.call('listing volumes', () => this.docker.listVolumes({ filters: f }) as Promise<Json>);
    const vols = Array.isArray(res.Volumes) ? (res.Volumes as Json[]) : [];
    return vols.map(toVolumeDetail).sort((a, b) => a.name.localeCompare(b.name));
  }

  async inspectVolume(name: string): Promise<VolumeDetail> {
    try {
      return toVolumeDetail((await this.docker.getVolume(name).inspect()) as unknown as Json);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) {
        throw new OpsError('not_found', `volume "${name}" does not exist on host "${this.host.name}"`, {
          hint: '`storage-ops volumes` lists the volumes there',
        });
      }
      throw engineError(err, this.host, `inspecting volume ${name}`);
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
    return (list as Json[]).map((c) => ({
      id: str(c.Id),
      name: containerName(c.Names),
      image: str(c.Image),
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

  exportVolume(name: string, signal?: AbortSignal): Promise<VolumeArchive> {
    return exportVolume(this.docker, this.host, this.helperImage(), name, signal);
  }

  importVolume(name: string, tar: Readable, signal?: AbortSignal): Promise<void> {
    return importVolume(this.docker, this.host, this.helperImage(), name, tar, signal);
  }

  clearVolume(name: string, signal?: AbortSignal): Promise<void> {
    return clearVolume(this.docker, this.host, this.helperImage(), name, signal);
  }

  setVolumeRoot(name: string, attrs: VolumeRootAttributes, signal?: AbortSignal): Promise<void> {
    return setVolumeRoot(this.docker, this.host, this.helperImage(), name, attrs, signal);
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
