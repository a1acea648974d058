export const DRIVER_PROFILES = {
    overlay2: { useCase: 'general purpose', performance: 'high', stability: 'high', platforms: 'Linux', notes: 'the recommended default: OverlayFS layers, good page-cache sharing and inode use; needs kernel >= 4.0 and a backing fs with d_type' },
    fuse_overlayfs: { useCase: 'rootless Docker on old kernels', performance: 'medium', stability: 'medium', platforms: 'Linux', notes: 'overlay in user space; use overlay2 where the kernel allows rootless overlay (>= 5.11)' },
    aufs: { useCase: 'legacy systems', performance: 'medium', stability: 'medium', platforms: 'Linux', notes: 'not in mainline kernels, slower than overlay2; removed in Docker 24' },
    devicemapper: { useCase: 'enterprise block storage', performance: 'medium', stability: 'high', platforms: 'Linux', notes: 'thin-provisioned block devices; direct-lvm only, loop-lvm is slow; deprecated and removed in Docker 25' },
    btrfs: { useCase: 'hosts already on btrfs', performance: 'high', stability: 'medium', platforms: 'Linux', notes: 'native subvolume snapshots; DockerRootDir must be on btrfs; watch metadata space' },
    zfs: { useCase: 'data integrity first', performance: 'high', stability: 'high', platforms: 'Linux, FreeBSD', notes: 'checksums, compression, snapshots; needs a lot of memory (ARC)' },
    vfs: { useCase: 'tests and odd filesystems', performance: 'low', stability: 'high', platforms: 'all', notes: 'no copy-on-write: every layer is a full copy, slow and space hungry' },
    windowsfilter: { useCase: 'Windows containers', performance: 'medium', stability: 'high', platforms: 'Windows', notes: "Windows' layered filesystem; the only choice there" },
    overlay: { useCase: 'legacy', performance: 'medium', stability: 'medium', platforms: 'Linux', notes: 'the first OverlayFS driver; uses many more inodes than overlay2; removed in Docker 24' },
};
const yesNo = (v) => v.trim().toLowerCase() === 'true';
/** Plain-word meaning of a DriverStatus entry; unknown keys get a neutral sentence. */
export function explainStatus(key, value) {
    const k = key.trim().toLowerCase();
    switch (k) {
        case 'backing filesystem':
            return `the filesystem under DockerRootDir is ${value === 'extfs' ? 'ext2/3/4' : value}; overlay2 is supported on ext4 and on xfs formatted with ftype=1`;
        case 'supports d_type':
            return yesNo(value)
                ? 'the backing filesystem records file types in directory entries (d_type), which overlay2 needs to work correctly'
                : 'the backing filesystem does NOT record file types in directory entries (d_type); overlay2 misbehaves without it (xfs formatted with ftype=0 is the usual cause)';
        case 'native overlay diff':
            return yesNo(value)
                ? 'image layers are diffed by the kernel overlay driver, the fast path for docker build and commit'
                : 'layer diffs fall back to a slower naive comparison (usually because the kernel has CONFIG_OVERLAY_FS_REDIRECT_DIR on); builds and commits are slower, running containers are not affected';
        case 'userxattr':
            return yesNo(value)
                ? 'overlay uses user.* extended attributes, as in rootless mode or inside a user namespace'
                : 'overlay uses trusted.* extended attributes, the normal rootful mode';
        case 'using metacopy':
            return yesNo(value)
                ? 'metadata-only copy-up is on: chmod/chown of large files copies only metadata, faster but needs kernel >= 4.19 and care with layer export'
                : 'metadata-only copy-up is off: changing a file\'s metadata copies the whole file into the container layer (the safe default)';
        case 'driver-type':
            return value.includes('snapshotter')
                ? 'images and containers are stored by a containerd snapshotter (the containerd image store), not by a classic graph driver'
                : `driver type ${value}`;
        case 'build version':
            return `btrfs-progs library the engine was built with (${value})`;
        case 'library version':
            return `version of the storage library the engine links (${value})`;
        case 'pool name':
            return `devicemapper thin pool holding images and containers (${value})`;
        case 'pool blocksize':
            return `allocation unit of the thin pool (${value}); larger blocks waste space on small writes`;
        case 'base device size':
            return `maximum size of each container's filesystem (${value}); raise with dm.basesize`;
        case 'data file':
        case 'metadata file':
            return value ? `the thin pool's ${k.startsWith('data') ? 'data' : 'metadata'} lives on ${value}` : 'no file: the pool uses block devices';
        case 'data loop file':
        case 'metadata loop file':
            return `the thin pool is backed by a sparse file on a loop device (${value}): loop-lvm, meant for testing only`;
        case 'data space used':
        case 'data space total':
        case 'data space available':
        case 'metadata space used':
        case 'metadata space total':
        case 'metadata space available':
            return `thin pool ${k} (${value}); running out of data or metadata space stops every container write`;
        case 'thin pool minimum free space':
            return `new containers are refused when free pool space falls below this (${value})`;
        case 'udev sync supported':
            return yesNo(value) ? 'device creation is synchronised with udev, as required' : 'udev sync is NOT supported: device setup races and random failures are likely';
        case 'deferred removal enabled':
        case 'deferred deletion enabled':
            return yesNo(value) ? `${k.split(' ')[1]} of busy devices is retried later instead of failing (recommended)` : `${k.split(' ')[1]} of busy devices fails immediately; enable dm.use_deferred_${k.includes('removal') ? 'removal' : 'deletion'}`;
        case 'deferred deleted device count':
            return `devices waiting to be deleted (${value})`;
        case 'zpool':
            return `ZFS pool holding the datasets (${value})`;
        case 'zpool health':
            return value === 'ONLINE' ? 'the pool is healthy' : `the pool reports ${value}: check \`zpool status\` now`;
        case 'parent dataset':
            return `dataset under which each layer is a child dataset (${value})`;
        case 'space used by parent':
        case 'space available':
        case 'parent quota':
            return `${k} (${value})`;
        case 'compression':
            return `ZFS compression on the parent dataset (${value})`;
        case 'root dir':
            return `where the driver keeps its layers (${value})`;
        case 'dirs':
            return `number of layer directories (${value})`;
        case 'dirperm1 supported':
            return yesNo(value) ? 'aufs can honour permissions of lower directories' : 'aufs cannot honour permissions of lower directories; some images misbehave';
        default:
            return `reported by the ${key} field of the driver (${value})`;
    }
}
function kernelAtLeast(kernel, major, minor) {
    const m = /^(\d+)\.(\d+)/.exec(kernel);
    if (!m)
        return null;
    const [maj, min] = [Number(m[1]), Number(m[2])];
    return maj > major || (maj === major && min >= minor);
}
function status(info, key) {
    return info.driverStatus.find(([k]) => k.trim().toLowerCase() === key.toLowerCase())?.[1];
}
function parseSize(v) {
    if (!v)
        return null;
    const m = /^([\d.]+)\s*([kKMGTP]?B)$/.exec(v.trim());
    if (!m)
        return null;
    const mult = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15 };
    return Number(m[1]) * (mult[m[2] ?? 'B'] ?? 1);
}
export function driverFindings(info) {
    const f = [];
    const d = info.driver;
    const backing = status(info, 'Backing Filesystem');
    if (d === 'overlay2' || d === 'overlay') {
        const dtype = status(info, 'Supports d_type');
        if (dtype !== undefined && !yesNo(dtype)) {
            f.push({ severity: 'critical', code: 'd_type_unsupported', message: `${d} runs on a backing filesystem without d_type support`, advice: 'Move DockerRootDir to ext4, or to xfs formatted with `mkfs.xfs -n ftype=1`; Docker 23+ refuses to start overlay2 without d_type' });
        }
        const newEnough = kernelAtLeast(info.kernelVersion, 4, 0);
        if (newEnough === false) {
            f.push({ severity: 'critical', code: 'kernel_too_old', message: `kernel ${info.kernelVersion} is older than 4.0, which overlay2 needs`, advice: 'Upgrade the kernel (RHEL/CentOS 7 with 3.10.0-514+ carries a backport) or use another driver' });
        }
        if (backing && !['extfs', 'xfs'].includes(backing)) {
            f.push({ severity: 'warning', code: 'backing_fs_unsupported', message: `${d} on a ${backing} backing filesystem is not a supported combination`, advice: backing === 'btrfs' ? 'Use the btrfs driver on btrfs, or put DockerRootDir on ext4/xfs' : 'Put DockerRootDir on ext4 or xfs (ftype=1)' });
        }
        const nod = status(info, 'Native Overlay Diff');
        if (nod !== undefined && !yesNo(nod)) {
            f.push({ severity: 'info', code: 'naive_diff', message: 'native overlay diff is off', advice: 'Builds and commits use the slower naive diff; usually caused by CONFIG_OVERLAY_FS_REDIRECT_DIR=y; no action needed unless builds are slow' });
        }
        if (d === 'overlay') {
            f.push({ severity: 'warning', code: 'overlay_legacy', message: 'the legacy "overlay" driver is in use', advice: 'Switch to overlay2 (`storage-ops driver-config` prints the daemon.json and the migration steps); overlay was removed in Docker 24' });
        }
    }
    if (d === 'vfs') {
        f.push({ severity: 'warning', code: 'vfs_slow', message: 'vfs has no copy-on-write: every layer and container is a full copy', advice: 'Fine for CI and tests; where performance or disk space matters use overlay2 on ext4/xfs' });
    }
    if (d === 'devicemapper') {
        f.push({ severity: 'warning', code: 'devicemapper_deprecated', message: 'devicemapper is deprecated and removed in Docker 25', advice: 'Plan a move to overlay2: back up volumes, switch the driver, restore (see `storage-ops driver-config`)' });
        if (status(info, 'Data loop file') || status(info, 'Metadata loop file')) {
            f.push({ severity: 'critical', code: 'loop_lvm', message: 'devicemapper runs in loop-lvm mode (sparse files on loop devices)', advice: 'loop-lvm is for testing only: slow and fragile under load; use direct-lvm (dm.directlvm_device) or overlay2' });
        }
        const avail = parseSize(status(info, 'Data Space Available'));
        const total = parseSize(status(info, 'Data Space Total'));
        if (avail !== null && total && avail / total < 0.1) {
            f.push({ severity: 'critical', code: 'thin_pool_low', message: `thin pool data space is nearly full (${status(info, 'Data Space Available')} of ${status(info, 'Data Space Total')} free)`, advice: 'Extend the pool (dm.thinp_autoextend_*) or clean up images and containers' });
        }
        const udev = status(info, 'Udev Sync Supported');
        if (udev !== undefined && !yesNo(udev)) {
            f.push({ severity: 'critical', code: 'udev_sync', message: 'udev sync is not supported', advice: 'Use a dynamically linked dockerd build; devicemapper without udev sync corrupts devices' });
        }
    }
    if (d === 'aufs') {
        f.push({ severity: 'warning', code: 'aufs_deprecated', message: 'aufs is deprecated and removed in Docker 24', advice: 'Switch to overlay2 (kernel >= 4.0); back up volumes first' });
    }
    if (d === 'zfs') {
        const health = status(info, 'Zpool Health');
        if (health && health !== 'ONLINE') {
            f.push({ severity: 'critical', code: 'zpool_unhealthy', message: `zpool health is ${health}`, advice: 'Run `zpool status -x` on the host and replace failing devices' });
        }
        f.push({ severity: 'info', code: 'zfs_memory', message: 'zfs trades memory (ARC) for integrity', advice: 'Leave enough RAM for the ARC, or cap it with zfs_arc_max' });
    }
    if (d === 'btrfs') {
        f.push({ severity: 'info', code: 'btrfs_metadata', message: 'btrfs can run out of metadata space while `df` still shows free space', advice: 'Watch `btrfs filesystem usage` on the host and balance when metadata fills up' });
    }
    if (d === 'fuse-overlayfs') {
        f.push({ severity: 'info', code: 'fuse_overlayfs', message: 'fuse-overlayfs runs in user space and is slower than overlay2', advice: 'With kernel >= 5.11 rootless Docker can use overlay2 directly' });
    }
    return f;
}
export function recommendation(info, findings) {
    const worst = findings.find((x) => x.severity === 'critical') ?? findings.find((x) => x.severity === 'warning');
    if (worst)
        return `${worst.message}: ${worst.advice}.`;
    if (info.driver === 'overlay2')
        return 'overlay2 on a supported backing filesystem: the recommended setup for general workloads; nothing to change.';
    const profile = DRIVER_PROFILES[info.driver];
    return profile ? `${info.driver} suits ${profile.useCase}; overlay2 remains the general-purpose default.` : `${info.driver} is not a driver storage-ops knows; overlay2 is the general-purpose default.`;
}
//# sourceMappingURL=driver-knowledge.js.map