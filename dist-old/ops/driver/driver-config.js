/**
 * driver_config: a validated daemon.json proposal for a storage driver and its options (seed
 * §2.2), checked against what the engine reports (backing filesystem, kernel), with the migration
 * checklist. It never writes anything: changing the driver hides every image and container, so a
 * person does it, on purpose, with the checklist in hand.
 */
import { z } from 'zod';
import { hostField } from '../shared/common-inputs.js';
import { defineOp } from '../../core/op.js';
const SIZE = /^\d+(\.\d+)?\s*([kKmMgGtT][bB]?|[bB])?$/;
const DRIVERS = ['overlay2', 'btrfs', 'zfs', 'devicemapper', 'vfs', 'fuse-overlayfs'];
/** Storage options each driver understands, and which of them take a size. */
const KNOWN_OPTS = {
    overlay2: { opts: ['overlay2.size', 'overlay2.override_kernel_check'], sizes: ['overlay2.size'] },
    btrfs: { opts: ['btrfs.min_space'], sizes: ['btrfs.min_space'] },
    zfs: { opts: ['zfs.fsname'], sizes: [] },
    vfs: { opts: ['size'], sizes: ['size'] },
    'fuse-overlayfs': { opts: [], sizes: [] },
    devicemapper: {
        opts: ['dm.thinpooldev', 'dm.directlvm_device', 'dm.thinp_percent', 'dm.thinp_metapercent', 'dm.thinp_autoextend_threshold', 'dm.thinp_autoextend_percent', 'dm.directlvm_device_force', 'dm.basesize', 'dm.loopdatasize', 'dm.loopmetadatasize', 'dm.fs', 'dm.mkfsarg', 'dm.mountopt', 'dm.datadev', 'dm.metadatadev', 'dm.blocksize', 'dm.blkdiscard', 'dm.override_udev_sync_check', 'dm.use_deferred_removal', 'dm.use_deferred_deletion', 'dm.min_free_space', 'dm.xfs_nospace_max_retries', 'dm.libdm_log_level'],
        sizes: ['dm.basesize', 'dm.loopdatasize', 'dm.loopmetadatasize', 'dm.blocksize'],
    },
};
const Problem = z.object({ severity: z.enum(['info', 'warning', 'critical']), message: z.string() });
export const driverConfig = defineOp({
    name: 'driver_config',
    verb: 'driver-config',
    summary: 'Propose a validated daemon.json for a storage driver, with a migration checklist (never applied)',
    description: 'Checks the options against the driver and against what the engine reports (backing filesystem, kernel, current driver). Nothing is written: a driver change hides existing images and containers, so follow the checklist by hand.',
    effect: 'read',
    input: z.strictObject({
        host: hostField,
        driver: z.enum(DRIVERS).default('overlay2').describe('storage driver to configure (default overlay2)'),
        storageOpt: z.array(z.string().regex(/^[a-z0-9_.-]+=.+$/i, 'storage options are key=value')).default([]).describe('storage option key=value, e.g. overlay2.size=20G; repeat for several'),
        dataRoot: z.string().regex(/^\//, 'data-root is an absolute path').optional().describe('DockerRootDir to use (data-root)'),
        logMaxSize: z.string().regex(/^\d+[kmg]$/, 'like 10m').optional().describe('json-file log rotation size, e.g. 10m (the seed production example)'),
        logMaxFile: z.number().int().min(1).max(100).optional().describe('json-file log files kept, e.g. 3'),
    }),
    output: z.object({
        host: z.string(),
        current: z.object({ driver: z.string(), dockerRootDir: z.string(), backingFilesystem: z.string().nullable(), kernelVersion: z.string() }),
        daemonJson: z.record(z.string(), z.unknown()),
        daemonJsonText: z.string(),
        problems: z.array(Problem),
        checklist: z.array(z.string()),
    }),
    cli: { flags: { storageOpt: 'storage-opt' } },
    examples: ['', '--driver overlay2 --storage-opt overlay2.size=20G --log-max-size 10m --log-max-file 3', '--driver devicemapper --storage-opt dm.directlvm_device=/dev/xvdf'],
    async run(deps, input) {
        const engine = deps.engines.get(input.host);
        const info = await engine.info();
        const backing = info.driverStatus.find(([k]) => k === 'Backing Filesystem')?.[1] ?? (info.driver === 'btrfs' ? 'btrfs' : info.driver === 'zfs' ? 'zfs' : null);
        const problems = [];
        const known = KNOWN_OPTS[input.driver] ?? { opts: [], sizes: [] };
        for (const opt of input.storageOpt) {
            const [key = '', value = ''] = [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)];
            if (!known.opts.includes(key)) {
                problems.push({ severity: 'critical', message: `${key} is not a ${input.driver} storage option (known: ${known.opts.join(', ') || 'none'}); dockerd would refuse to start` });
            }
            else if (known.sizes.includes(key) && !SIZE.test(value)) {
                problems.push({ severity: 'critical', message: `${key}=${value} is not a size (use e.g. 20G)` });
            }
            if (key === 'overlay2.size' && backing !== 'xfs') {
                problems.push({ severity: 'critical', message: `overlay2.size needs DockerRootDir on xfs mounted with pquota; it is on ${backing ?? 'an unknown filesystem'}` });
            }
            if (key === 'overlay2.override_kernel_check') {
                problems.push({ severity: 'warning', message: 'overlay2.override_kernel_check is ignored by current Docker releases; drop it' });
            }
        }
        const m = /^(\d+)\.(\d+)/.exec(info.kernelVersion);
        if (input.driver === 'overlay2' && m && Number(m[1]) < 4)
            problems.push({ severity: 'critical', message: `overlay2 needs kernel >= 4.0; this engine runs ${info.kernelVersion}` });
        if (input.driver === 'btrfs' && backing !== 'btrfs')
            problems.push({ severity: 'critical', message: `the btrfs driver needs DockerRootDir on btrfs; it is on ${backing ?? 'an unknown filesystem'}` });
        if (input.driver === 'zfs' && backing !== 'zfs')
            problems.push({ severity: 'critical', message: `the zfs driver needs DockerRootDir on a ZFS dataset; it is on ${backing ?? 'an unknown filesystem'}` });
        if (input.driver === 'devicemapper')
            problems.push({ severity: 'warning', message: 'devicemapper is deprecated and removed in Docker 25; prefer overlay2' });
        if (input.driver === 'devicemapper' && !input.storageOpt.some((o) => o.startsWith('dm.directlvm_device=') || o.startsWith('dm.thinpooldev='))) {
            problems.push({ severity: 'critical', message: 'without dm.directlvm_device or dm.thinpooldev devicemapper runs in loop-lvm mode, which is for testing only' });
        }
        if (input.driver === 'vfs')
            problems.push({ severity: 'warning', message: 'vfs copies every layer in full: slow and space hungry outside tests' });
        const daemonJson = { 'storage-driver': input.driver };
        if (input.storageOpt.length)
            daemonJson['storage-opts'] = input.storageOpt;
        if (input.dataRoot)
            daemonJson['data-root'] = input.dataRoot;
        if (input.logMaxSize || input.logMaxFile) {
            daemonJson['log-driver'] = 'json-file';
            daemonJson['log-opts'] = { ...(input.logMaxSize ? { 'max-size': input.logMaxSize } : {}), ...(input.logMaxFile ? { 'max-file': String(input.logMaxFile) } : {}) };
        }
        const changing = input.driver !== info.driver || (input.dataRoot !== undefined && input.dataRoot !== info.dockerRootDir);
        const checklist = changing
            ? [
                `Back up every volume first: \`storage-ops volumes --host ${engine.host.name}\`, then \`storage-ops backup <volume>...\` and \`storage-ops verify <id>\` for each.`,
                'Note the images and containers in use (`storage-ops report`): after the switch the engine no longer sees them; images must be pulled or rebuilt and containers recreated (compose files, run commands).',
                'Stop the workloads, then the engine: `systemctl stop docker docker.socket`.',
                'Write the proposal to /etc/docker/daemon.json (merge with existing keys); on Docker 23+ check it with `dockerd --validate --config-file /etc/docker/daemon.json`.',
                'Start the engine: `systemctl start docker`, and confirm with `storage-ops driver` that the new driver is active and has no critical findings.',
                input.dataRoot && input.dataRoot !== info.dockerRootDir
                    ? `Volumes live under the data-root: restore them onto the new one with \`storage-ops restore <backup-id> <volume> --create\`.`
                    : 'Volumes under the same data-root stay readable; check them with `storage-ops volumes` and restore from the backups if any is missing.',
                'Pull or rebuild images, recreate containers, and run `storage-ops report` to confirm usage.',
                'Once everything runs, remove the old driver\'s directory under the data-root to reclaim its space.',
            ]
            : ['The engine already uses this driver and data-root: apply option changes by merging them into /etc/docker/daemon.json (Docker 23+: check with `dockerd --validate`) and restarting the engine.'];
        return {
            host: engine.host.name,
            current: { driver: info.driver, dockerRootDir: info.dockerRootDir, backingFilesystem: backing, kernelVersion: info.kernelVersion },
            daemonJson,
            daemonJsonText: JSON.stringify(daemonJson, null, 2),
            problems,
            checklist,
        };
    },
    view(o) {
        const proposed = String(o.daemonJson['storage-driver'] ?? '');
        const critical = o.problems.filter((p) => p.severity === 'critical').length;
        return {
            title: `daemon.json proposal for ${o.host}`,
            summary: `Host ${o.host}: proposed daemon.json for ${proposed} (not applied) — ${o.problems.length ? `${o.problems.length} problem(s), ${critical} critical` : 'no problems found'}`,
            fields: [
                { label: 'Current driver', value: o.current.driver },
                { label: 'Backing filesystem', value: o.current.backingFilesystem ?? 'unknown fs' },
                { label: 'DockerRootDir', value: o.current.dockerRootDir },
                { label: 'Kernel', value: o.current.kernelVersion },
            ],
            code: [{ label: 'Proposed /etc/docker/daemon.json (not applied)', language: 'json', text: o.daemonJsonText }],
            findings: o.problems.map((p) => ({ severity: p.severity, message: p.message })),
            tables: [
                {
                    id: 'checklist',
                    title: 'Checklist',
                    columns: [
                        { key: 'step', label: 'STEP', type: 'count' },
                        { key: 'what', label: 'WHAT', type: 'text' },
                    ],
                    rows: o.checklist.map((c, i) => ({ step: i + 1, what: c })),
                },
            ],
        };
    },
});
//# sourceMappingURL=driver-config.js.map