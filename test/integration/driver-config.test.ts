/**
 * driver_config against a real engine, and its proposals against a real dockerd: a proposal
 * without critical problems starts an engine with that daemon.json; one with a critical problem
 * is refused by dockerd too.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { driverConfig } from '../../src/ops/driver/driver-config.js';
import { runOp } from '../../src/core/run-op.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, engineByDriver, makeDeps } from '../harness/engines.js';
import { startPrivateEngine } from '../harness/private-engine.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

function writeConfig(json: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'so-daemon-')), 'daemon.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

describeDocker('driver_config', () => {
  it('a clean proposal is one dockerd starts with', async () => {
    const deps = await makeDeps([engineByDriver('overlay2')]);
    const out = await runOp(deps, driverConfig, { driver: 'overlay2', logMaxSize: '10m', logMaxFile: 3 }, { actor });
    expect(out.problems).toEqual([]);
    expect(out.current.driver).toBe('overlay2');
    expect(out.daemonJson).toEqual({ 'storage-driver': 'overlay2', 'log-driver': 'json-file', 'log-opts': { 'max-size': '10m', 'max-file': '3' } });
    const engine = await startPrivateEngine('dc', 'overlay2', { configFile: writeConfig(out.daemonJson) });
    try {
      expect((await docker({ name: 'dc', driver: 'overlay2', url: engine.url }, 'info', '--format', '{{.Driver}} {{.LoggingDriver}}')).trim()).toBe('overlay2 json-file');
    } finally {
      await engine.stop();
    }
  });

  it('a proposal it calls critical is one dockerd refuses', async () => {
    const deps = await makeDeps([engineByDriver('overlay2')]);
    const out = await runOp(deps, driverConfig, { driver: 'overlay2', storageOpt: ['dm.basesize=10G'] }, { actor });
    expect(out.problems.map((p) => p.severity)).toContain('critical');
    expect(out.problems[0]?.message).toMatch(/dm\.basesize is not a overlay2 storage option/);
    await expect(startPrivateEngine('dx', 'overlay2', { configFile: writeConfig(out.daemonJson), waitMs: 20_000 })).rejects.toThrow(/did not start[\s\S]*dm\.basesize/);
  });

  it('knows which drivers the backing filesystem allows, and gives the migration checklist', async () => {
    const deps = await makeDeps([engineByDriver('overlay2'), engineByDriver('btrfs')]);
    const onExt = await runOp(deps, driverConfig, { driver: 'btrfs', host: engineByDriver('overlay2').name }, { actor });
    expect(onExt.problems).toEqual([{ severity: 'critical', message: 'the btrfs driver needs DockerRootDir on btrfs; it is on extfs' }]);
    expect(onExt.checklist[0]).toMatch(/Back up every volume first/);
    const onBtrfs = await runOp(deps, driverConfig, { driver: 'btrfs', host: engineByDriver('btrfs').name, storageOpt: ['btrfs.min_space=10G'] }, { actor });
    expect(onBtrfs.problems).toEqual([]);
    expect(onBtrfs.checklist).toHaveLength(1);
    const sized = await runOp(deps, driverConfig, { storageOpt: ['overlay2.size=20G'] }, { actor });
    expect(sized.problems[0]?.message).toMatch(/overlay2\.size needs DockerRootDir on xfs mounted with pquota; it is on extfs/);
  });
});
