import { describe, expect, it } from 'vitest';
import { driverFindings, explainStatus, recommendation } from '../../src/ops/driver/driver-knowledge.js';
import { fakeInfo } from './fakes.js';

const codes = (info: ReturnType<typeof fakeInfo>): string[] => driverFindings(info).map((f) => `${f.severity}:${f.code}`);

describe('driver findings', () => {
  it('is quiet for overlay2 on ext4 with d_type', () => {
    const info = fakeInfo();
    expect(driverFindings(info)).toEqual([]);
    expect(recommendation(info, [])).toMatch(/recommended setup/);
  });

  it('flags overlay2 without d_type as critical, with the xfs ftype advice', () => {
    const info = fakeInfo({ driverStatus: [['Backing Filesystem', 'xfs'], ['Supports d_type', 'false']] });
    const f = driverFindings(info);
    expect(f.map((x) => x.code)).toContain('d_type_unsupported');
    expect(f[0]?.severity).toBe('critical');
    expect(recommendation(info, f)).toMatch(/ftype=1/);
  });

  it('flags an old kernel for overlay2', () => {
    expect(codes(fakeInfo({ kernelVersion: '3.10.0-327.el7.x86_64' }))).toContain('critical:kernel_too_old');
    expect(codes(fakeInfo({ kernelVersion: '4.0.0' }))).not.toContain('critical:kernel_too_old');
  });

  it('flags devicemapper loop-lvm, deprecation and a nearly full thin pool', () => {
    const info = fakeInfo({
      driver: 'devicemapper',
      driverStatus: [
        ['Data loop file', '/var/lib/docker/devicemapper/devicemapper/data'],
        ['Data Space Total', '107.4GB'],
        ['Data Space Available', '2.1GB'],
        ['Udev Sync Supported', 'true'],
      ],
    });
    expect(codes(info)).toEqual(['warning:devicemapper_deprecated', 'critical:loop_lvm', 'critical:thin_pool_low']);
  });

  it('flags vfs and aufs where performance matters', () => {
    expect(codes(fakeInfo({ driver: 'vfs', driverStatus: [] }))).toEqual(['warning:vfs_slow']);
    expect(codes(fakeInfo({ driver: 'aufs', driverStatus: [['Backing Filesystem', 'extfs']] }))).toEqual(['warning:aufs_deprecated']);
  });

  it('explains every overlay2 status entry in plain words', () => {
    expect(explainStatus('Supports d_type', 'false')).toMatch(/does NOT record file types/);
    expect(explainStatus('Native Overlay Diff', 'false')).toMatch(/slower naive/);
    expect(explainStatus('userxattr', 'true')).toMatch(/rootless/);
    expect(explainStatus('Using metacopy', 'true')).toMatch(/metadata-only copy-up is on/);
    expect(explainStatus('Backing Filesystem', 'extfs')).toMatch(/ext2\/3\/4/);
    expect(explainStatus('driver-type', 'io.containerd.snapshotter.v1')).toMatch(/containerd snapshotter/);
  });
});
