/**
 * driver_inspect and disk_report against real engines (overlay2, vfs, btrfs), compared with the
 * docker CLI's own answers (`docker info`, `docker system df [-v]`) and with df on the host.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { diskReport } from '../../src/ops/system/disk-report.js';
import { driverInspect } from '../../src/ops/driver/driver-inspect.js';
import { formatBytes } from '../../src/core/format.js';
import { runOp } from '../../src/core/run-op.js';
import { docker, dockerJsonLines } from '../harness/docker-cli.js';
import { describeDocker, HELPER_TAG, makeDeps, requireEngines, uniqueName, type TestEngine } from '../harness/engines.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

describeDocker.each(['overlay2', 'vfs', 'btrfs'])('on a %s engine', (driver) => {
  let engine: TestEngine;
  const made: { volumes: string[]; containers: string[] } = { volumes: [], containers: [] };

  beforeAll(async () => {
    const e = requireEngines().find((x) => x.driver === driver);
    if (!e) throw new Error(`no ${driver} test engine was started`);
    engine = e;
    // Something of every kind: a volume with data used by a running container, an unused volume
    // with data, a stopped container with bytes in its writable layer.
    const used = uniqueName('rep_used');
    const idle = uniqueName('rep_idle');
    made.volumes.push(used, idle);
    await docker(engine, 'volume', 'create', used);
    await docker(engine, 'volume', 'create', '--label', 'kind=idle', idle);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${idle}:/d`, HELPER_TAG, 'sh', '-c', 'dd if=/dev/urandom of=/d/blob bs=1k count=700 2>/dev/null');
    const stopped = uniqueName('rep_stopped');
    const running = uniqueName('rep_running');
    made.containers.push(stopped, running);
    await docker(engine, 'run', '--name', stopped, '--network', 'none', HELPER_TAG, 'sh', '-c', 'dd if=/dev/urandom of=/junk bs=1k count=300 2>/dev/null');
    await docker(engine, 'run', '-d', '--name', running, '--network', 'none', '-v', `${used}:/data`, HELPER_TAG, 'sh', '-c', 'dd if=/dev/urandom of=/data/f bs=1k count=100 2>/dev/null; sleep 600');
  });

  afterAll(async () => {
    if (!engine) return;
    for (const c of made.containers) await docker(engine, 'rm', '-f', c).catch(() => undefined);
    for (const v of made.volumes) await docker(engine, 'volume', 'rm', '-f', v).catch(() => undefined);
  });

  it('driver_inspect agrees with docker info and explains every status entry', async () => {
    const deps = await makeDeps([engine]);
    const out = await runOp(deps, driverInspect, {}, { actor });
    const info = JSON.parse(await docker(engine, 'info', '--format', '{{json .}}')) as { Driver: string; DriverStatus: string[][] | null; DockerRootDir: string; KernelVersion: string };
    expect(out.driver).toBe(driver);
    expect(out.driver).toBe(info.Driver);
    expect(out.dockerRootDir).toBe(info.DockerRootDir);
    expect(out.kernelVersion).toBe(info.KernelVersion);
    expect(out.status.map((s) => [s.key, s.value])).toEqual(info.DriverStatus ?? []);
    for (const s of out.status) expect(s.meaning.length).toBeGreaterThan(10);
    expect(out.profile).not.toBeNull();
    if (driver === 'vfs') expect(out.findings.map((f) => f.code)).toContain('vfs_slow');
    if (driver === 'btrfs') expect(out.findings.map((f) => f.code)).toContain('btrfs_metadata');
    if (driver === 'overlay2') {
      expect(out.status.find((s) => s.key === 'Supports d_type')?.value).toBe('true');
      expect(out.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    }
  });

  it('disk_report matches `docker system df` and `docker system df -v`', async () => {
    const deps = await makeDeps([engine]);
    const out = await runOp(deps, diskReport, {}, { actor });
    type Row = { Type: string; TotalCount: string; Active: string; Size: string; Reclaimable: string };
    const rows = await dockerJsonLines<Row>(engine, 'system', 'df', '--format', '{{json .}}');
    for (const row of rows) {
      const mine = out.summary.find((s) => s.type === row.Type);
      expect(mine, row.Type).toBeDefined();
      expect(String(mine?.total), `${row.Type} total`).toBe(row.TotalCount);
      expect(String(mine?.active), `${row.Type} active`).toBe(row.Active);
      expect(formatBytes(mine?.sizeBytes), `${row.Type} size`).toBe(row.Size);
      expect(row.Reclaimable.startsWith(formatBytes(mine?.reclaimableBytes)), `${row.Type} reclaimable ${row.Reclaimable}`).toBe(true);
    }
    type Verbose = { Volumes: { Name: string; Size: string; Links: string }[]; Containers: { Names: string; Size: string; State: string }[]; Images: { ID: string; Containers: string }[] };
    const verbose = JSON.parse(await docker(engine, 'system', 'df', '-v', '--format', '{{json .}}')) as Verbose;
    expect(out.volumes.map((v) => v.name).sort()).toEqual(verbose.Volumes.map((v) => v.Name).sort());
    for (const v of verbose.Volumes) {
      const mine = out.volumes.find((x) => x.name === v.Name);
      expect(formatBytes(mine?.size), `volume ${v.Name}`).toBe(v.Size);
      expect(String(mine?.refCount)).toBe(v.Links);
    }
    expect(out.containers.map((c) => c.name).sort()).toEqual(verbose.Containers.map((c) => c.Names).sort());
    for (const c of verbose.Containers) {
      const mine = out.containers.find((x) => x.name === c.Names);
      expect(formatBytes(mine?.sizeRw, 3), `container ${c.Names}`).toBe(c.Size);
      expect(mine?.state).toBe(c.State);
    }
    expect(out.images.map((i) => i.id).sort()).toEqual(verbose.Images.map((i) => i.ID).sort());
    const idle = out.volumes.find((v) => v.name === made.volumes[1]);
    expect(idle?.size).toBeGreaterThanOrEqual(700 * 1024);
    expect(out.topContainers[0]?.name).toBe(made.containers[0]);
    expect(out.topContainers.length).toBeLessThanOrEqual(5);
  });

  it("disk_report reads the engine's root filesystem through the engine, as df sees it there", async () => {
    const deps = await makeDeps([engine]);
    // The private engines run on this machine, so the host's own df is the reference. Other work
    // on the machine moves used space while we look: the report must fall between a df taken
    // before and one taken after (with a little slack for the df helper's own container on vfs).
    const hostDf = (path: string): number[] => execFileSync('df', ['-P', '-k', path], { encoding: 'utf8' }).trim().split('\n')[1]!.split(/\s+/).slice(1, 4).map((k) => Number(k) * 1024);
    const rootDir = (await runOp(deps, diskReport, { warnPercent: 1, criticalPercent: 99 }, { actor })).dockerRootDir;
    const before = hostDf(rootDir);
    const out = await runOp(deps, diskReport, { warnPercent: 1, criticalPercent: 99 }, { actor });
    const after = hostDf(rootDir);
    expect(out.warnings).toEqual([]);
    const fs = out.rootFilesystem;
    expect(fs).not.toBeNull();
    expect(fs!.totalBytes).toBe(after[0]);
    const slack = 256 << 20;
    const within = (v: number, a: number, b: number): boolean => v >= Math.min(a, b) - slack && v <= Math.max(a, b) + slack;
    expect(within(fs!.usedBytes, before[1]!, after[1]!), `used ${fs!.usedBytes} vs ${before[1]}..${after[1]}`).toBe(true);
    expect(within(fs!.availableBytes, before[2]!, after[2]!), `available ${fs!.availableBytes} vs ${before[2]}..${after[2]}`).toBe(true);
    expect(fs!.status).toBe(fs!.usedPercent >= 99 ? 'critical' : 'warning');
    if (driver === 'btrfs') expect(fs!.totalBytes).toBeLessThan(4 * 1024 ** 3);
    // The helper container that read it is gone.
    expect((await docker(engine, 'ps', '-a', '--filter', 'label=storage-ops.helper', '-q')).trim()).toBe('');
  });
});
