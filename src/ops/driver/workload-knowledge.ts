/**
 * The seed's decision guides as rules: the driver comparison (§1.2), the selection guide (§6.1)
 * and the architecture table and decision tree (§9.1). From a described workload and what the
 * engine reports, they pick a storage driver and a volume type, each with the reasons and the
 * command to run next. Pure functions: the op around them reads the engine.
 */
import type { EngineInfo } from '../../core/ports.js';
import { DRIVER_PROFILES, type Severity } from './driver-knowledge.js';

export const WORKLOADS = ['stateless', 'database', 'file-service', 'logs', 'development', 'high-availability'] as const;
export const SHARING = ['none', 'containers', 'hosts'] as const;
export const ACCESS = ['read-heavy', 'write-heavy', 'mixed'] as const;
export const LEVELS = ['low', 'medium', 'high'] as const;
export const SCALES = ['small', 'medium', 'large'] as const;
export const PLATFORMS = ['linux', 'windows', 'rootless'] as const;

export interface Workload {
  persistent: boolean;
  shared: (typeof SHARING)[number];
  access: (typeof ACCESS)[number];
  database: boolean;
  snapshots: boolean;
  performance: (typeof LEVELS)[number];
  scale: (typeof SCALES)[number];
  platform: (typeof PLATFORMS)[number];
}

/** §9.1's table: what each kind of application usually means, before the user's own answers. */
export const WORKLOAD_PRESETS: Record<(typeof WORKLOADS)[number], Partial<Workload>> = {
  stateless: { persistent: false, shared: 'none', performance: 'high' },
  database: { persistent: true, database: true, shared: 'none', access: 'mixed', performance: 'high' },
  'file-service': { persistent: true, shared: 'hosts', access: 'read-heavy', performance: 'medium' },
  logs: { persistent: true, shared: 'none', access: 'write-heavy', performance: 'medium' },
  development: { persistent: true, shared: 'none', performance: 'low' },
  'high-availability': { persistent: true, shared: 'hosts', scale: 'medium', performance: 'high' },
};

export interface Choice {
  choice: string;
  reasons: string[];
  /** The command to run next (storage-ops where it can do it, docker otherwise). */
  next: string;
}

export interface AdviceFinding {
  severity: Severity;
  message: string;
  advice: string;
}

export interface Advice {
  driver: Choice & { current: string; matchesCurrent: boolean };
  volume: Choice;
  findings: AdviceFinding[];
}

function status(info: EngineInfo, key: string): string | null {
  const hit = info.driverStatus.find(([k]) => k.trim().toLowerCase() === key.toLowerCase());
  return hit ? hit[1].trim() : null;
}

function kernelAtLeast(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

/** The backing filesystem under DockerRootDir as the engine reports it (btrfs and zfs drivers name themselves). */
export function backingFilesystem(info: EngineInfo): string | null {
  if (info.driver === 'btrfs' || info.driver === 'zfs') return info.driver;
  const fs = status(info, 'Backing Filesystem');
  return fs === 'extfs' ? 'ext4' : fs;
}

function chooseDriver(w: Workload, info: EngineInfo): Choice {
  const fs = backingFilesystem(info);
  const dType = status(info, 'Supports d_type');
  const profile = (d: string): string => DRIVER_PROFILES[d.replace('-', '_')]?.notes ?? '';
  if (w.platform === 'windows' || info.osType === 'windows') {
    return { choice: 'windowsfilter', reasons: ['Windows containers have one storage driver (seed §1.2: windowsfilter, the Windows default)'], next: 'Nothing to change: Docker on Windows uses windowsfilter' };
  }
  if (w.platform === 'rootless' && !kernelAtLeast(info.kernelVersion, 5, 11)) {
    return {
      choice: 'fuse-overlayfs',
      reasons: [`rootless Docker on kernel ${info.kernelVersion} (< 5.11) cannot mount overlay itself`, profile('fuse_overlayfs')],
      next: 'storage-ops driver-config --driver fuse-overlayfs',
    };
  }
  if (w.snapshots && fs === 'btrfs') {
    return {
      choice: 'btrfs',
      reasons: ['snapshots were asked for and DockerRootDir is on btrfs: the btrfs driver gives native subvolume snapshots (seed §1.2: "supports snapshots, needs a btrfs filesystem")', profile('btrfs')],
      next: 'storage-ops driver-config --driver btrfs',
    };
  }
  if ((w.snapshots || w.database) && fs === 'zfs') {
    return {
      choice: 'zfs',
      reasons: ['DockerRootDir is on ZFS: checksums, compression and snapshots suit data-integrity needs (seed §1.2: "high reliability"), at the cost of memory (ARC)'],
      next: 'storage-ops driver-config --driver zfs',
    };
  }
  const reasons = ['overlay2 is the seed\'s "best choice" for general and production use: high performance and stability (§1.2), and every row of the §9.1 table recommends it'];
  if (fs) reasons.push(`DockerRootDir is on ${fs}${dType ? `, d_type ${dType === 'true' ? 'supported' : 'NOT supported'}` : ''}`);
  if (w.access === 'write-heavy') reasons.push('write-heavy data belongs in volumes, not in the container layer: the driver then matters for images and small scratch writes only');
  return { choice: 'overlay2', reasons, next: 'storage-ops driver-config --driver overlay2 --log-max-size 10m --log-max-file 3' };
}

function chooseVolume(w: Workload, workload: string | undefined): Choice {
  if (!w.persistent) {
    return {
      choice: 'tmpfs',
      reasons: ['no data has to outlive the container (§9.1 decision tree: "persistent data? no → container storage"); tmpfs keeps scratch data in memory, fast and gone on stop', 'stateless applications: "tmpfs / local volume — performance, start-up speed" (§9.1 table)'],
      next: 'storage-ops create scratch_tmp --opt type=tmpfs --opt device=tmpfs --opt o=size=512m',
    };
  }
  if (workload === 'development') {
    return {
      choice: 'bind mount',
      reasons: ['development: "bind mount — convenience, live updates" (§9.1 table): the source tree on the host is edited and seen at once', 'storage-ops does not create bind mounts for you: they reach the host\'s files, which the tool keeps away from chat and AI users'],
      next: 'docker run -v "$PWD":/app ...   (a bind mount, outside storage-ops)',
    };
  }
  if (w.shared === 'hosts') {
    if (w.scale === 'large') {
      return {
        choice: 'cloud storage service',
        reasons: ['shared between hosts at large scale (§9.1 decision tree: "large → cloud storage service"); elastic and managed, mind vendor lock-in and cost (§6.1 matrix)'],
        next: 'Install the provider\'s volume plugin, then: storage-ops create shared_data --driver <plugin>',
      };
    }
    if (w.scale === 'medium' || workload === 'high-availability') {
      return {
        choice: 'distributed filesystem (CephFS, GlusterFS)',
        reasons: ['shared between hosts with redundancy and failover (§9.1: "high availability → distributed storage"; §6.1: "large clusters → Ceph: scalable, fault tolerant; complex, resource hungry")'],
        next: 'Mount the cluster via its volume plugin, or over NFS: storage-ops create shared_data --opt type=nfs --opt o=addr=<gateway>,rw,nfsvers=4 --opt device=:/export',
      };
    }
    return {
      choice: 'NFS volume',
      reasons: ['shared between hosts at small scale (§9.1 decision tree: "small → NFS volume"; §6.1: "shared file storage → NFS: several hosts, central management; network dependent, limited performance")'],
      next: 'storage-ops create shared_data --opt type=nfs --opt o=addr=192.168.1.100,rw,nfsvers=4 --opt device=:/data',
    };
  }
  const reasons: string[] = [];
  if (w.shared === 'containers') reasons.push('shared by containers on one host: one named volume mounted into each of them (read-only where they only read: `-v data:/data:ro`)');
  if (w.database || w.performance === 'high') {
    reasons.push(
      w.database
        ? 'databases: "local SSD volume / block storage — IOPS, durability, backups" (§9.1 table); "high-performance database → local SSD + volume: lowest latency, highest IOPS; single host, needs a backup strategy" (§6.1)'
        : 'high performance without sharing (§9.1 decision tree: "performance high → local SSD volume")',
    );
    reasons.push('keep DockerRootDir (where local volumes live) on SSD, or give the volume its own block device (an admin-only, allowlisted `--opt type=ext4 --opt device=...`)');
    if (w.database) reasons.push('back it up consistently: `storage-ops backup <volume> --stop`, or pre/post-backup commands on the container (e.g. a dump)');
    return { choice: 'local volume on SSD', reasons, next: 'storage-ops create db_data --label app=database --label backup=nightly' };
  }
  if (w.access === 'write-heavy') {
    reasons.push('logs: "local volume + regular archiving — write performance, archive policy" (§9.1 table)');
    return { choice: 'local volume with archiving', reasons, next: 'storage-ops create logs_data --label backup=weekly   (then a backup schedule with retention)' };
  }
  reasons.push(`no sharing, ${w.performance} performance needs (§9.1 decision tree: "${w.performance === 'medium' ? 'medium → local volume' : 'low → ordinary volume'}")`);
  return { choice: 'local named volume', reasons, next: 'storage-ops create app_data' };
}

/** Advice for a workload on an engine: driver, volume type, and mismatches with what runs now. */
export function advise(w: Workload, info: EngineInfo, workload?: string): Advice {
  const driver = chooseDriver(w, info);
  const volume = chooseVolume(w, workload);
  const findings: AdviceFinding[] = [];
  const current = info.driver;
  const same = current.replace('_', '-') === driver.choice;
  if (!same) {
    findings.push({
      severity: current === 'vfs' || current === 'devicemapper' || current === 'aufs' || current === 'overlay' ? 'warning' : 'info',
      message: `this engine runs ${current}, not the recommended ${driver.choice}`,
      advice: `${driver.next} prints the daemon.json and the migration steps; switching drivers hides existing images and containers, so back up volumes first`,
    });
  }
  if (current === 'vfs') {
    findings.push({ severity: 'critical', message: 'vfs is for tests only: no copy-on-write, every layer a full copy (seed §1.2: "very poor performance, low space use")', advice: 'Do not run production workloads on this engine as it is' });
  }
  if (w.snapshots && backingFilesystem(info) === 'btrfs' && driver.choice === 'btrfs') {
    findings.push({ severity: 'info', message: 'btrfs snapshots are available on this host', advice: 'Snapshots are not backups: keep `storage-ops backup` copies off the host too' });
  } else if (w.snapshots && driver.choice !== 'btrfs' && driver.choice !== 'zfs') {
    findings.push({ severity: 'info', message: 'no snapshot-capable filesystem under DockerRootDir (btrfs or zfs)', advice: 'Use storage-ops backups (full, verified, optionally encrypted) as the point-in-time copies, or move DockerRootDir to btrfs/zfs' });
  }
  if (status(info, 'Supports d_type') === 'false' && driver.choice === 'overlay2') {
    findings.push({ severity: 'critical', message: 'the backing filesystem lacks d_type, which overlay2 needs', advice: 'Move DockerRootDir to ext4 or xfs formatted with ftype=1 before switching to overlay2' });
  }
  if (w.shared === 'hosts' && w.database) {
    findings.push({ severity: 'warning', message: 'a database on storage shared between hosts', advice: 'Network filesystems add latency and locking hazards; prefer a local SSD volume with replication at the database level' });
  }
  return { driver: { ...driver, current, matchesCurrent: same }, volume, findings };
}
