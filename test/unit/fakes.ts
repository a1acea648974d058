/**
 * In-memory fakes of the ports, for unit tests of the ops layer: an engine with a settable
 * state, and Deps around it with a temp data dir.
 */
import { createEventBus } from '../../src/core/events.js';
import { mkdtempSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load-config.js';
import { OpsError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type {
  ContainerSummary,
  Deps,
  EngineDirectory,
  EngineInfo,
  EnginePort,
  ExecResult,
  FsUsage,
  HelperCommand,
  HelperOutput,
  ImageSummary,
  NetworkSummary,
  SystemDf,
  VolumeDetail,
  VolumeArchive,
  VolumeFilters,
  VolumeRootAttributes,
  VolumeSpec,
} from '../../src/core/ports.js';
import { StateStore } from '../../src/state/state-store.js';
import { opRegistry } from '../../src/ops/catalog.js';

export function fakeInfo(over: Partial<EngineInfo> = {}): EngineInfo {
  return {
    serverVersion: '27.0.0',
    apiVersion: '1.46',
    operatingSystem: 'Debian GNU/Linux 12',
    osType: 'linux',
    architecture: 'x86_64',
    kernelVersion: '6.1.0',
    driver: 'overlay2',
    driverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']],
    dockerRootDir: '/var/lib/docker',
    ncpu: 2,
    memTotal: 1 << 30,
    containers: 0,
    images: 0,
    ...over,
  };
}

export class FakeEngine implements EnginePort {
  volumes: VolumeDetail[] = [];
  containers: ContainerSummary[] = [];
  df: SystemDf = { layersSize: 0, images: [], containers: [], volumes: [], buildCache: [] };
  infoValue = fakeInfo();
  fs: FsUsage | Error = { path: '/var/lib/docker', filesystem: '/dev/sda1', totalBytes: 100e9, usedBytes: 50e9, availableBytes: 50e9 };
  images: ImageSummary[] = [];
  networks: NetworkSummary[] = [];
  pruned: Date[] = [];
  calls: string[] = [];
  /** Names/ids whose removal fails with this error, to test partial failures. */
  failOn = new Map<string, Error>();
  /** Volume content as tar bytes (see tar-builder.ts); a volume without an entry is empty. */
  volumeTars = new Map<string, Buffer>();
  volumeRoots = new Map<string, VolumeRootAttributes>();
  /** Answers for execInContainer; the default is exit 0 with no output. */
  onExec: (id: string, cmd: string[]) => ExecResult = () => ({ exitCode: 0, stdout: '', stderr: '' });
  /** Makes a method throw (by name), e.g. faults.set('importVolume', new Error('boom')). */
  faults = new Map<string, Error>();
  /** Makes the export stream fail after this many bytes. */
  exportFailsAfter: { bytes: number; error: Error } | null = null;

  constructor(readonly host = { name: 'fake', url: 'unix:///fake.sock' }) {}

  async ping(): Promise<void> {
    this.calls.push('ping');
  }
  async info(): Promise<EngineInfo> {
    this.calls.push('info');
    return this.infoValue;
  }
  async systemDf(): Promise<SystemDf> {
    this.calls.push('systemDf');
    return this.df;
  }
  async listVolumes(filters: VolumeFilters = {}): Promise<VolumeDetail[]> {
    this.calls.push('listVolumes');
    return this.volumes.filter((v) => !filters.name || v.name.includes(filters.name));
  }
  async inspectVolume(name: string): Promise<VolumeDetail> {
    this.calls.push(`inspectVolume:${name}`);
    const v = this.volumes.find((x) => x.name === name);
    if (!v) throw new OpsError('not_found', `volume "${name}" does not exist on host "${this.host.name}"`);
    return v;
  }
  async createVolume(spec: VolumeSpec): Promise<VolumeDetail> {
    this.calls.push(`createVolume:${spec.name}`);
    const v: VolumeDetail = { name: spec.name, driver: spec.driver, mountpoint: `/var/lib/docker/volumes/${spec.name}/_data`, createdAt: new Date().toISOString(), labels: spec.labels, options: spec.driverOpts, scope: 'local', status: null };
    this.volumes.push(v);
    return v;
  }
  async listContainers(): Promise<ContainerSummary[]> {
    this.calls.push('listContainers');
    return this.containers;
  }
  private failIfAsked(key: string): void {
    const err = this.failOn.get(key);
    if (err) throw err;
  }
  async removeVolume(name: string): Promise<void> {
    this.calls.push(`removeVolume:${name}`);
    this.failIfAsked(name);
    const i = this.volumes.findIndex((v) => v.name === name);
    if (i < 0) throw new OpsError('not_found', `volume "${name}" no longer exists`);
    if (this.containers.some((c) => c.mounts.some((m) => m.name === name))) throw new OpsError('conflict', `volume "${name}" is in use`);
    this.volumes.splice(i, 1);
  }
  async listImages(): Promise<ImageSummary[]> {
    return this.images;
  }
  async removeImage(id: string): Promise<void> {
    this.calls.push(`removeImage:${id}`);
    this.failIfAsked(id);
    this.images = this.images.filter((i) => i.id !== id);
  }
  async removeContainer(id: string): Promise<void> {
    this.calls.push(`removeContainer:${id}`);
    this.failIfAsked(id);
    this.containers = this.containers.filter((c) => c.id !== id);
  }
  async listNetworks(): Promise<NetworkSummary[]> {
    return this.networks;
  }
  async removeNetwork(id: string): Promise<void> {
    this.calls.push(`removeNetwork:${id}`);
    this.networks = this.networks.filter((n) => n.id !== id);
  }
  async pruneBuildCache(lastUsedBefore: Date): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    this.pruned.push(lastUsedBefore);
    const gone = this.df.buildCache.filter((b) => !b.inUse && (b.lastUsedAt === null || Date.parse(b.lastUsedAt) < lastUsedBefore.getTime()));
    this.df.buildCache = this.df.buildCache.filter((b) => !gone.includes(b));
    return { deleted: gone.map((b) => b.id), spaceReclaimed: gone.reduce((s, b) => s + b.size, 0) };
  }
  async removeLeftoverHelpers(volume: string): Promise<string[]> {
    this.calls.push(`removeLeftoverHelpers:${volume}`);
    return [];
  }
  helperRuns: HelperCommand[] = [];
  helperAnswer: (spec: HelperCommand) => HelperOutput = () => ({ exitCode: 0, stdout: '', stderr: '' });
  async runHelperCommand(spec: HelperCommand): Promise<HelperOutput> {
    this.helperRuns.push(spec);
    return this.helperAnswer(spec);
  }
  async filesystemUsage(path: string): Promise<FsUsage> {
    this.calls.push(`filesystemUsage:${path}`);
    if (this.fs instanceof Error) throw this.fs;
    return { ...this.fs, path };
  }
  private fault(name: string): void {
    const f = this.faults.get(name);
    if (f) throw f;
  }
  async exportVolume(name: string): Promise<VolumeArchive> {
    this.calls.push(`exportVolume:${name}`);
    this.fault('exportVolume');
    const data = this.volumeTars.get(name) ?? EMPTY_TAR;
    const failure = this.exportFailsAfter;
    const stream = failure
      ? new Readable({
          read() {
            this.push(data.subarray(0, failure.bytes));
            this.destroy(failure.error);
          },
        })
      : Readable.from([data]);
    return { stream, close: async () => void this.calls.push(`exportClosed:${name}`) };
  }
  async importVolume(name: string, tar: Readable): Promise<void> {
    this.calls.push(`importVolume:${name}`);
    const chunks: Buffer[] = [];
    for await (const c of tar) chunks.push(c as Buffer);
    this.fault('importVolume');
    this.volumeTars.set(name, Buffer.concat(chunks));
  }
  /** Volumes locked through lockVolume (kept out of `calls`: tests compare those exactly). */
  readonly locks = new Set<string>();

  async lockVolume(name: string, holder: { op: string; actor: string }): Promise<() => Promise<void>> {
    if (this.locks.has(name)) throw new OpsError('busy', `volume "${name}" on host "${this.host.name}" is busy: ${holder.op}`);
    this.locks.add(name);
    return async () => void this.locks.delete(name);
  }

  async clearVolume(name: string): Promise<void> {
    this.calls.push(`clearVolume:${name}`);
    this.fault('clearVolume');
    this.volumeTars.delete(name);
  }
  async setVolumeRoot(name: string, attrs: VolumeRootAttributes): Promise<void> {
    this.calls.push(`setVolumeRoot:${name}`);
    this.fault('setVolumeRoot');
    this.volumeRoots.set(name, attrs);
  }
  async stopContainer(id: string): Promise<void> {
    this.calls.push(`stopContainer:${id}`);
    this.fault('stopContainer');
    const c = this.containers.find((x) => x.id === id);
    if (c) c.state = 'exited';
  }
  async startContainer(id: string): Promise<void> {
    this.calls.push(`startContainer:${id}`);
    this.fault('startContainer');
    const c = this.containers.find((x) => x.id === id);
    if (c) c.state = 'running';
  }
  async execInContainer(id: string, cmd: string[]): Promise<ExecResult> {
    this.calls.push(`exec:${id}:${cmd.join(' ')}`);
    this.fault('execInContainer');
    return this.onExec(id, cmd);
  }
}

/** An archive holding only the end-of-archive marker: an empty volume. */
export const EMPTY_TAR = Buffer.alloc(1024);

export class FakeDirectory implements EngineDirectory {
  constructor(readonly engines: FakeEngine[]) {}
  hosts() {
    return this.engines.map((e) => e.host);
  }
  defaultName(): string {
    return this.engines[0]?.host.name ?? 'none';
  }
  get(host?: string): EnginePort {
    const e = this.engines.find((x) => x.host.name === (host ?? this.defaultName()));
    if (!e) throw new OpsError('invalid_input', `unknown host "${host}"`);
    return e;
  }
}

export async function fakeDeps(engines: FakeEngine[] = [new FakeEngine()], config: Record<string, unknown> = {}): Promise<Deps> {
  const dataDir = mkdtempSync(join(tmpdir(), 'so-unit-'));
  const state = new StateStore(dataDir);
  await state.open();
  return {
    config: parseConfig(config, 'test'),
    dataDir,
    state,
    engines: new FakeDirectory(engines),
    ops: opRegistry,
    events: createEventBus(),
    log: silentLogger,
    now: () => new Date('2026-11-30T12:00:00Z'),
  };
}

export const testActor = { id: 'cli:unit', source: 'cli' as const };

export function fakeVolume(name: string, labels: Record<string, string> = {}): VolumeDetail {
  return { name, driver: 'local', mountpoint: `/var/lib/docker/volumes/${name}/_data`, createdAt: '2026-01-01T00:00:00Z', labels, options: {}, scope: 'local', status: null };
}

export function fakeContainer(name: string, volumes: string[], state = 'running', extra: Partial<ContainerSummary> = {}): ContainerSummary {
  return {
    id: `${name}-id`,
    name,
    image: 'app:1',
    imageId: 'sha256:app',
    created: '2026-01-01T00:00:00Z',
    state,
    status: state,
    labels: {},
    mounts: volumes.map((v) => ({ type: 'volume', name: v, source: '', destination: `/${v}`, readOnly: false })),
    ...extra,
  };
}
