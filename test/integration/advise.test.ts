/**
 * storage_advise against real engines (overlay2, vfs, btrfs): the advice for one workload differs
 * as the seed's tables say — vfs flagged for production, btrfs snapshots noted — and the CLI
 * refuses unknown workload values, listing the allowed ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runOp } from '../../src/core/run-op.js';
import { storageAdvise } from '../../src/ops/driver/storage-advise.js';
import { cli, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, makeDeps } from '../harness/engines.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

describeDocker('storage advice on real engines', () => {
  it('differs by engine for one workload: overlay2 fits, vfs is flagged, btrfs offers snapshots', async () => {
    const workload = { workload: 'database' as const, snapshots: true };
    const overlay = engineByDriver('overlay2');
    const outOverlay = await runOp(await makeDeps([overlay]), storageAdvise, workload, { actor });
    expect(outOverlay.engine.driver).toBe((await docker(overlay, 'info', '--format', '{{.Driver}}')).trim());
    expect(outOverlay.driver).toMatchObject({ choice: 'overlay2', matchesCurrent: true });
    expect(outOverlay.volume.choice).toBe('local volume on SSD');
    expect(outOverlay.findings.map((f) => f.message)).toContain('no snapshot-capable filesystem under DockerRootDir (btrfs or zfs)');

    const outVfs = await runOp(await makeDeps([engineByDriver('vfs')]), storageAdvise, workload, { actor });
    expect(outVfs.driver).toMatchObject({ choice: 'overlay2', current: 'vfs', matchesCurrent: false });
    expect(outVfs.findings.filter((f) => f.severity === 'critical').map((f) => f.message)).toEqual([expect.stringMatching(/^vfs is for tests only/)]);

    const outBtrfs = await runOp(await makeDeps([engineByDriver('btrfs')]), storageAdvise, workload, { actor });
    expect(outBtrfs.engine.backingFilesystem).toBe('btrfs');
    expect(outBtrfs.driver).toMatchObject({ choice: 'btrfs', matchesCurrent: true });
    expect(outBtrfs.findings.map((f) => f.message)).toContain('btrfs snapshots are available on this host');
  });

  it('the CLI shows the advice, and refuses unknown workload values naming the allowed ones', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'so-advise-'));
    try {
      const env = cliEnv(engineByDriver('vfs'), dataDir);
      const ok = cli(['advise', '--workload', 'file-service'], env);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/NFS volume/);
      expect(ok.stdout).toMatch(/storage-ops create shared_data --opt type=nfs/);
      const bad = cli(['advise', '--workload', 'blockchain'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/workload.*stateless.*database.*file-service.*logs.*development.*high-availability/);
      expect(bad.stdout).toBe('');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
