import { describe, expect, it } from 'vitest';
import { advise, type Workload } from '../../src/ops/driver/workload-knowledge.js';
import { fakeInfo } from './fakes.js';

const base: Workload = { persistent: true, shared: 'none', access: 'mixed', database: false, snapshots: false, performance: 'medium', scale: 'small', platform: 'linux' };
const btrfs = fakeInfo({ driver: 'btrfs', driverStatus: [['Btrfs', '']] });
const vfs = fakeInfo({ driver: 'vfs', driverStatus: [] });

describe('storage advice (seed §1.2, §6.1, §9.1)', () => {
  it('follows the decision tree for volumes', () => {
    const overlay = fakeInfo();
    expect(advise({ ...base, persistent: false }, overlay).volume.choice).toBe('tmpfs');
    expect(advise({ ...base, shared: 'hosts', scale: 'small' }, overlay).volume.choice).toBe('NFS volume');
    expect(advise({ ...base, shared: 'hosts', scale: 'medium' }, overlay).volume.choice).toMatch(/^distributed filesystem/);
    expect(advise({ ...base, shared: 'hosts', scale: 'large' }, overlay).volume.choice).toBe('cloud storage service');
    expect(advise({ ...base, database: true, performance: 'high' }, overlay).volume).toMatchObject({ choice: 'local volume on SSD', next: expect.stringMatching(/^storage-ops create /) });
    expect(advise({ ...base, access: 'write-heavy' }, overlay).volume.choice).toBe('local volume with archiving');
    expect(advise(base, overlay, 'development').volume.choice).toBe('bind mount');
    expect(advise(base, overlay).volume.choice).toBe('local named volume');
  });

  it('recommends overlay2 where it fits and says when the host already runs it', () => {
    const a = advise(base, fakeInfo());
    expect(a.driver).toMatchObject({ choice: 'overlay2', current: 'overlay2', matchesCurrent: true });
    expect(a.findings).toEqual([]);
  });

  it('flags vfs for production, with the command that fixes it', () => {
    const a = advise({ ...base, database: true, performance: 'high' }, vfs);
    expect(a.driver).toMatchObject({ choice: 'overlay2', matchesCurrent: false, next: expect.stringMatching(/^storage-ops driver-config --driver overlay2/) });
    expect(a.findings.map((f) => f.severity)).toEqual(['warning', 'critical']);
    expect(a.findings[1]?.message).toMatch(/vfs is for tests only/);
  });

  it('notes btrfs snapshots on btrfs, and their absence elsewhere', () => {
    const onBtrfs = advise({ ...base, snapshots: true }, btrfs);
    expect(onBtrfs.driver).toMatchObject({ choice: 'btrfs', matchesCurrent: true });
    expect(onBtrfs.findings.map((f) => f.message)).toContain('btrfs snapshots are available on this host');
    const elsewhere = advise({ ...base, snapshots: true }, fakeInfo());
    expect(elsewhere.driver.choice).toBe('overlay2');
    expect(elsewhere.findings[0]?.message).toMatch(/no snapshot-capable filesystem/);
  });

  it('knows the platform cases: Windows, rootless on an old kernel, missing d_type', () => {
    expect(advise({ ...base, platform: 'windows' }, fakeInfo()).driver.choice).toBe('windowsfilter');
    expect(advise({ ...base, platform: 'rootless' }, fakeInfo({ kernelVersion: '5.4.0' })).driver.choice).toBe('fuse-overlayfs');
    expect(advise({ ...base, platform: 'rootless' }, fakeInfo({ kernelVersion: '6.1.0' })).driver.choice).toBe('overlay2');
    const noDType = advise(base, fakeInfo({ driverStatus: [['Backing Filesystem', 'xfs'], ['Supports d_type', 'false']] }));
    expect(noDType.findings.find((f) => f.severity === 'critical')?.message).toMatch(/lacks d_type/);
  });

  it('warns about a database on storage shared between hosts', () => {
    expect(advise({ ...base, shared: 'hosts', database: true }, fakeInfo()).findings.map((f) => f.message)).toContain('a database on storage shared between hosts');
  });
});
