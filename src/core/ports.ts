/**
 * The narrow interfaces (ports) the operations layer depends on. The engine module implements
 * EnginePort over dockerode; unit tests implement it with plain objects. Shapes here are ours,
 * not Docker's wire format, so ops never see dockerode types.
 */
import type { Readable } from 'node:stream';
import type { Config } from '../config/config-schema.js';
import type { Logger } from './logger.js';
import type { ApprovalRecord } from './approval-record.js';
import type { AuditEntry } from './audit-entry.js';
import type { EventPort } from './events.js';
import type { Op } from './op.js';

export interface HostRef {
  name: string;
  url: string;
}

export interface EngineInfo {
  serverVersion: string;
  apiVersion: string;
  operatingSystem: string;
  osType: string;
  architecture: string;
  kernelVersion: string;
  driver: string;
  driverStatus: Array<[string, string]>;
  dockerRootDir: string;
  ncpu: number;
  memTotal: number;
  containers: number;
  images: number;
}

export interface ImageUsage {
  id: string;
  repoTags: string[];
  created: string;
  size: number;
  sharedSize: number;
  containers: number;
}

export interface ContainerUsage {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  created: string;
  sizeRw: number;
  sizeRootFs: number;
  volumes: string[];
}

export interface VolumeUsage {
  name: string;
  driver: string;
  /** Bytes, or null when the driver cannot tell (non-local drivers). */
  size: number | null;
  refCount: number;
}

export interface BuildCacheUsage {
  id: string;
  type: string;
  description: string;
  size: number;
  inUse: boolean;
  shared: boolean;
  lastUsedAt: string | null;
}

export interface SystemDf {
  layersSize: number;
  images: ImageUsage[];
  containers: ContainerUsage[];
  volumes: VolumeUsage[];
  buildCache: BuildCacheUsage[];
}

export interface VolumeDetail {
  name: string;
  driver: string;
  mountpoint: string;
  createdAt: string | null;
  labels: Record<string, string>;
  options: Record<string, string>;
  scope: string;
  status: Record<string, unknown> | null;
}

export interface VolumeFilters {
  label?: string[];
  dangling?: boolean;
  driver?: string;
  name?: string;
}

export interface VolumeSpec {
  name: string;
  driver: string;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}

export interface ContainerMount {
  type: string;
  name: string | null;
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  imageId: string;
  /** ISO time the container was created. */
  created: string;
  state: string;
  status: string;
  labels: Record<string, string>;
  mounts: ContainerMount[];
}

export interface ImageSummary {
  id: string;
  repoTags: string[];
  created: string;
  size: number;
  /** Untagged: `docker images --filter dangling=true`. */
  dangling: boolean;
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  created: string;
  /** The engine's own networks (bridge, host, none) are never removed. */
  builtIn: boolean;
  containers: number;
}

export interface FsUsage {
  path: string;
  filesystem: string;
  totalBytes: number;
  usedBytes: number;
  availableBytes: number;
}

/** A volume's content as a tar stream read from the engine; close() removes the helper behind it. */
export interface VolumeArchive {
  /** Tar entries are "./", "./path", ... (like `tar -C /volume -c .`). */
  stream: Readable;
  close(): Promise<void>;
}

/** Owner, permission bits and mtime (seconds) of a volume's root directory. */
export interface VolumeRootAttributes {
  uid: number;
  gid: number;
  mode: number;
  mtime: number;
}

export interface HelperCommand {
  /** Short word for the container name and label: df, bench, ... */
  purpose: string;
  cmd: string[];
  /** Volumes to mount: volume name → path in the helper. */
  volumes?: Record<string, string>;
  signal?: AbortSignal;
}

export interface HelperOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** What `docker exec` in a workload container gives back; the same shape as a helper run. */
export type ExecResult = HelperOutput;

export interface EnginePort {
  readonly host: HostRef;
  ping(): Promise<void>;
  info(): Promise<EngineInfo>;
  systemDf(): Promise<SystemDf>;
  listVolumes(filters?: VolumeFilters): Promise<VolumeDetail[]>;
  /** Throws OpsError not_found when the volume does not exist. */
  inspectVolume(name: string): Promise<VolumeDetail>;
  createVolume(spec: VolumeSpec): Promise<VolumeDetail>;
  listContainers(opts?: { all?: boolean }): Promise<ContainerSummary[]>;
  /** Throws not_found when gone, conflict when in use. */
  removeVolume(name: string): Promise<void>;
  listImages(): Promise<ImageSummary[]>;
  removeImage(id: string): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listNetworks(): Promise<NetworkSummary[]>;
  removeNetwork(id: string): Promise<void>;
  /** Removes unused build cache last used before the cutoff; returns the record ids removed. */
  pruneBuildCache(lastUsedBefore: Date): Promise<{ deleted: string[]; spaceReclaimed: number }>;
  /**
   * Removes helper containers of this volume that no live run uses: those of dead processes, and
   * backup/restore helpers of any other process. Call only while holding the volume's
   * backup/restore lock (no other run of it can then be live). Returns what was removed, and why.
   */
  removeLeftoverHelpers(volume: string): Promise<string[]>;
  /** Runs a command to completion in a fresh, confined helper container (no network, dropped capabilities), removed afterwards. */
  runHelperCommand(spec: HelperCommand): Promise<HelperOutput>;
  /** Usage of the filesystem holding `path` on the engine's host, read through a helper container. */
  filesystemUsage(path: string, signal?: AbortSignal): Promise<FsUsage>;
  /** Streams a volume's content as tar through the archive API of a never-started helper container. */
  exportVolume(name: string, signal?: AbortSignal): Promise<VolumeArchive>;
  /** Extracts a tar stream into a volume through the archive API (owners, modes, times, links kept). */
  importVolume(name: string, tar: Readable, signal?: AbortSignal): Promise<void>;
  /** Deletes everything inside a volume; the volume itself stays. */
  clearVolume(name: string, signal?: AbortSignal): Promise<void>;
  /** Sets owner, mode and mtime of a volume's root directory (the archive API leaves the root as it is). */
  setVolumeRoot(name: string, attrs: VolumeRootAttributes, signal?: AbortSignal): Promise<void>;
  /**
   * Takes the engine-side lock on a volume (one backup or restore at a time, across data dirs and
   * machines) or fails with `busy` naming the holder; returns the function that releases it.
   */
  lockVolume(name: string, holder: VolumeLockHolder): Promise<() => Promise<void>>;
  /** Stops a container (already stopped is fine); `timeoutSeconds` before it is killed. */
  stopContainer(id: string, timeoutSeconds?: number): Promise<void>;
  /** Starts a container (already running is fine). */
  startContainer(id: string): Promise<void>;
  /** Runs a command in a running container (docker exec) and waits for it. */
  execInContainer(id: string, cmd: string[], signal?: AbortSignal): Promise<ExecResult>;
}

/** Who holds a volume lock, written on the lock so a second caller can say who is in the way. */
export interface VolumeLockHolder {
  op: string;
  actor: string;
}

export interface EngineDirectory {
  /** Configured hosts in configuration order. */
  hosts(): HostRef[];
  defaultName(): string;
  /** The engine for `host` (default host when omitted); throws not_found for unknown names. */
  get(host?: string): EnginePort;
}

/**
 * The persisted state (src/state implements it over lowdb): small collections, shared by
 * processes. The audit log is not here: it grows without bound, so it is an append-only file
 * of its own (StatePort.appendAudit / auditNewestFirst).
 */
export interface StateData {
  version: 1;
  approvals?: ApprovalRecord[];
  /** Collections owned by later features; kept as they are found so no write drops them. */
  [collection: string]: unknown;
}

/** How big the audit log may grow: segments of about `maxBytes`, at most `maxFiles` of them. */
export interface AuditLimits {
  maxBytes: number;
  maxFiles: number;
}

export interface StatePort {
  /** A consistent snapshot of the state as it is now. */
  read(): Promise<StateData>;
  /** Applies `change` to the latest state under the lock and persists it; returns what `change` returns. */
  update<T>(change: (data: StateData) => T): Promise<T>;
  /** Appends one entry to the audit log, durably; safe across processes; the cost does not grow with the log. */
  appendAudit(entry: AuditEntry, limits: AuditLimits): Promise<void>;
  /** Audit entries newest first, read lazily: stop iterating once you have what you need. */
  auditNewestFirst(): AsyncIterable<AuditEntry>;
}

/** The op catalog as the kernel sees it (src/ops/catalog.ts provides it), so core never imports ops. */
export interface OpRegistry {
  /** Finds an op by canonical name or verb. */
  find(word: string): Op | undefined;
  all(): readonly Op[];
}

export interface Deps {
  engines: EngineDirectory;
  ops: OpRegistry;
  /** Kernel events (approvals, jobs) for adapters to follow. */
  events: EventPort;
  state: StatePort;
  config: Config;
  dataDir: string;
  /**
   * Set (to the errno code, e.g. EROFS) when the data dir exists but cannot be written: read-only
   * ops still run, without their audit entry; anything that writes fails saying why.
   */
  dataDirReadOnly?: string;
  log: Logger;
  now(): Date;
}
