/**
 * The volume option classifier and who may create what: host paths and devices only by admins
 * within volumes.allowedDevices, NFS/CIFS/tmpfs by operators, kernel filesystems by nobody, and
 * the attacker's spellings (case, whitespace, "..", bind hidden among other flags) caught.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { Role } from '../../src/config/config-schema.js';
import { OpsError } from '../../src/core/errors.js';
import {
  allowedBy,
  authorizeVolumeReach,
  classifyVolumeOptions,
  hostPathGlob,
  normalizeHostPath,
  type VolumeReach,
} from '../../src/ops/volumes/volume-options.js';

const kind = (opts: Record<string, string>, driver = 'local'): VolumeReach['kind'] => classifyVolumeOptions(driver, opts).kind;

function errorOf(fn: () => unknown): OpsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OpsError) return err;
    throw err;
  }
  throw new Error('expected an OpsError, nothing was thrown');
}

describe('classifying local driver options', () => {
  it('leaves plain, remote and memory volumes open', () => {
    expect(kind({})).toBe('none');
    expect(kind({ type: 'nfs', o: 'addr=192.168.1.100,rw,nfsvers=4', device: ':/data' })).toBe('remote');
    expect(kind({ type: 'nfs4', o: 'addr=10.0.0.5', device: 'server:/export/a' })).toBe('remote');
    expect(kind({ type: 'cifs', o: 'addr=10.0.0.5,username=x', device: '//fileserver/My Share' })).toBe('remote');
    expect(kind({ type: 'tmpfs', device: 'tmpfs', o: 'size=100m,uid=1000' })).toBe('memory');
  });

  it('sees a host path bind however it is written', () => {
    const cases: Array<Record<string, string>> = [
      { type: 'none', o: 'bind', device: '/etc' },
      { type: 'none', o: 'rw,bind', device: '/etc' },
      { type: 'none', o: 'rbind,ro', device: '/etc' },
      { type: 'none', o: 'BIND', device: '/etc' },
      { type: 'none', o: 'Rbind', device: '/etc/' },
      { type: 'tmpfs', o: 'bind', device: '/etc' },
      { type: 'nfs', o: 'addr=1.2.3.4,bind', device: '/etc' },
      { o: 'bind', device: '/etc' },
      { type: 'none', o: 'bind', device: '/srv/../etc' },
      { type: 'none', o: 'bind', device: '//etc/./' },
      { type: 'none', o: 'bind', device: '/srv/data/../../../etc' },
    ];
    for (const opts of cases) {
      const r = classifyVolumeOptions('local', opts);
      expect(r, JSON.stringify(opts)).toMatchObject({ kind: 'host-path', paths: ['/etc'] });
    }
  });

  it('sees devices, other filesystems and paths inside mount options', () => {
    expect(classifyVolumeOptions('local', { type: 'ext4', device: '/dev/vda' })).toMatchObject({ kind: 'device', paths: ['/dev/vda'] });
    expect(classifyVolumeOptions('local', { type: 'xfs', device: '/dev/../dev/sdb1', o: 'noatime' })).toMatchObject({ kind: 'device', paths: ['/dev/sdb1'] });
    expect(classifyVolumeOptions('local', { type: 'none', device: '/etc' })).toMatchObject({ kind: 'device', paths: ['/etc'] });
    expect(classifyVolumeOptions('local', { type: 'overlay', device: 'overlay', o: 'lowerdir=/etc:/usr,upperdir=/srv/u,workdir=/srv/w' })).toMatchObject({
      kind: 'device',
      paths: ['/etc', '/usr', '/srv/u', '/srv/w'],
      unpathed: 'overlay',
    });
    expect(classifyVolumeOptions('local', { type: '9p', device: 'hostshare', o: 'trans=virtio' })).toMatchObject({ kind: 'device', unpathed: 'hostshare' });
  });

  it('sees kernel filesystems', () => {
    for (const type of ['proc', 'sysfs', 'devtmpfs', 'cgroup2', 'debugfs', 'securityfs', 'bpf']) {
      expect(kind({ type, device: type })).toBe('kernel');
    }
  });

  it('refuses malformed options for everyone, before any role is looked at', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ type: ' none', o: 'bind', device: '/etc' }, /surrounding spaces/],
      [{ type: 'none', o: 'rw, bind', device: '/etc' }, /contains spaces/],
      [{ type: 'none', o: 'rw,\nbind', device: '/etc' }, /control characters/],
      [{ type: 'none', o: 'bind', device: '/etc\u0000' }, /control characters/],
      [{ type: 'NFS', o: 'addr=1.2.3.4', device: ':/x' }, /not a filesystem type/],
      [{ type: 'none', o: 'bind', device: 'etc' }, /absolute host path/],
      [{ type: 'none', o: 'bind' }, /absolute host path/],
      [{ TYPE: 'none', o: 'bind', device: '/etc' }, /TYPE are not understood/],
      [{ size: '10G' }, /not understood by the local driver/],
      [{ o: 'x' }, /need a type/],
      [{ type: 'nfs', device: ':/data' }, /server address in o/],
      [{ type: 'nfs', o: 'addr=1.2.3.4', device: '/etc' }, /export as device/],
      [{ type: 'cifs', device: '/etc' }, /share as device/],
      [{ type: 'tmpfs', device: '/etc' }, /device=tmpfs/],
      [{ type: 'ext4' }, /needs a device/],
    ];
    for (const [opts, message] of cases) {
      const e = errorOf(() => classifyVolumeOptions('local', opts));
      expect([e.code, e.message], JSON.stringify(opts)).toEqual(['invalid_input', expect.stringMatching(message)]);
    }
  });

  it('treats any spelling of the local driver as local', () => {
    expect(kind({ type: 'none', o: 'bind', device: '/etc' }, 'LOCAL')).toBe('host-path');
    expect(kind({ type: 'none', o: 'bind', device: '/etc' }, ' local:latest ')).toBe('host-path');
  });

  it("takes other drivers' path-valued options for host paths, and their remote forms for remote", () => {
    expect(classifyVolumeOptions('local-persist', { mountpoint: '/etc' })).toMatchObject({ kind: 'host-path', paths: ['/etc'] });
    expect(classifyVolumeOptions('x', { opts: 'a=1, path=/srv/../root' })).toMatchObject({ kind: 'host-path', paths: ['/root'] });
    expect(classifyVolumeOptions('x', { home: '~/secrets' })).toMatchObject({ kind: 'host-path', paths: ['~/secrets'] });
    expect(kind({ share: 'nas.example.com:/export/a', size: '10g' }, 'netshare')).toBe('none');
  });
});

describe('paths and globs', () => {
  it('normalizes absolute paths and nothing else', () => {
    expect(normalizeHostPath('/srv/data/../../etc/')).toBe('/etc');
    expect(normalizeHostPath('/')).toBe('/');
    expect(normalizeHostPath('etc')).toBeNull();
    expect(normalizeHostPath('~/x')).toBeNull();
  });
  it('keeps * and ? within one directory, lets ** cross', () => {
    expect(hostPathGlob('/srv/data/*').test('/srv/data/app')).toBe(true);
    expect(hostPathGlob('/srv/data/*').test('/srv/data/app/sub')).toBe(false);
    expect(hostPathGlob('/srv/data/**').test('/srv/data/app/sub')).toBe(true);
    expect(hostPathGlob('/dev/sd?1').test('/dev/sdb1')).toBe(true);
    expect(hostPathGlob('/srv/data.*').test('/srv/dataX1')).toBe(false);
  });
  it('matches the normalized path, so ".." cannot climb out', () => {
    expect(allowedBy(['/srv/data/*'], '/srv/data/app')).toBe('/srv/data/*');
    expect(allowedBy(['/srv/data/*'], '/srv/data/../etc')).toBeNull();
    expect(allowedBy(['/srv/data/**'], '/srv/data/a/../../../etc/shadow')).toBeNull();
    expect(allowedBy(['/srv/data/*'], 'srv/data/app')).toBeNull();
  });
});

describe('who may create what', () => {
  const config = (allowedDevices: string[] = []) => parseConfig({ volumes: { allowedDevices } }, 'test');
  const reach = (opts: Record<string, string>, driver = 'local'): VolumeReach => classifyVolumeOptions(driver, opts);
  const verdict = (role: Role, opts: Record<string, string>, allowed: string[] = [], driver = 'local'): string => {
    try {
      authorizeVolumeReach(config(allowed), role, 'v', reach(opts, driver));
      return 'allowed';
    } catch (err) {
      return err instanceof OpsError ? `${err.code}: ${err.message} | ${err.hint ?? ''}` : String(err);
    }
  };
  const bind = { type: 'none', o: 'bind', device: '/srv/data/app' };
  const disk = { type: 'ext4', device: '/dev/vdb' };

  it('lets operators create NFS, CIFS, tmpfs and plain volumes', () => {
    expect(verdict('operator', {})).toBe('allowed');
    expect(verdict('operator', { type: 'nfs', o: 'addr=1.2.3.4', device: ':/x' })).toBe('allowed');
    expect(verdict('operator', { type: 'cifs', device: '//s/share' })).toBe('allowed');
    expect(verdict('operator', { type: 'tmpfs', device: 'tmpfs' })).toBe('allowed');
  });

  it('refuses binds and devices to operators and viewers, saying what, why and who may', () => {
    expect(verdict('operator', bind, ['/srv/data/*'])).toMatch(
      /^forbidden: create: volume "v" bind-mounts the host path \/srv\/data\/app, which gives every container that mounts it the host's files there: only an admin may create it, and only for paths in volumes\.allowedDevices \(you are an operator\) \| Ask an admin/,
    );
    expect(verdict('viewer', disk, ['/dev/*'])).toMatch(/^forbidden: create: volume "v" mounts the host device or path \/dev\/vdb \(type=ext4\).*only an admin.*\(you are a viewer\)/);
    expect(verdict('operator', { type: 'none', o: 'rw,BIND', device: '/srv/../etc' })).toMatch(/^forbidden: .*host path \/etc/);
  });

  it('refuses them to admins too while volumes.allowedDevices is empty, naming the key', () => {
    expect(verdict('admin', bind)).toMatch(/^forbidden: create: volume "v" bind-mounts the host path \/srv\/data\/app, but \/srv\/data\/app is not allowed by volumes\.allowedDevices \(empty: host paths and devices are refused, even for admins\) \| Add a glob for it to volumes\.allowedDevices/);
  });

  it('lets admins create them within the allowlist only', () => {
    expect(verdict('admin', bind, ['/srv/data/*'])).toBe('allowed');
    expect(verdict('admin', disk, ['/dev/vd?'])).toBe('allowed');
    expect(verdict('admin', { type: 'none', o: 'bind', device: '/srv/data/../../etc' }, ['/srv/data/*'])).toMatch(/^forbidden: .*\/etc is not allowed by volumes\.allowedDevices \(it allows \/srv\/data\/\*\)/);
    expect(verdict('admin', { type: 'none', o: 'bind', device: '/srv/data/a/b' }, ['/srv/data/*'])).toMatch(/^forbidden: /);
    expect(verdict('admin', { type: 'none', o: 'bind', device: '/srv/data/a/b' }, ['/srv/data/**'])).toBe('allowed');
    expect(verdict('admin', { type: 'overlay', device: 'overlay', o: 'lowerdir=/srv/data/a' }, ['/srv/data/*'])).toMatch(/^forbidden: .*"overlay" is not an absolute host path, so volumes\.allowedDevices cannot allow it/);
    expect(verdict('admin', { mountpoint: '/srv/data/x' }, ['/srv/data/*'], 'local-persist')).toBe('allowed');
    expect(verdict('operator', { mountpoint: '/srv/data/x' }, ['/srv/data/*'], 'local-persist')).toMatch(/^forbidden: create: volume "v" gives the local-persist driver the host path\(s\) \/srv\/data\/x/);
  });

  it('never creates kernel filesystems, not even for admins with a wide allowlist', () => {
    expect(verdict('admin', { type: 'proc', device: 'proc' }, ['/**'])).toMatch(/^forbidden: create: volume "v" mounts the host kernel's proc filesystem, .*storage-ops never creates such volumes, whoever asks/);
    expect(verdict('admin', { type: 'devtmpfs', device: '/dev' }, ['/**'])).toMatch(/^forbidden: .*devtmpfs/);
  });

  it('checks allowedDevices entries at start', () => {
    expect(() => parseConfig({ volumes: { allowedDevices: ['srv/data/*'] } }, 'test')).toThrow(/key "volumes\.allowedDevices\[0\]" is invalid: entries are absolute host paths/);
    expect(() => parseConfig({ volumes: { allowed: [] } }, 'test')).toThrow(/key "volumes" has unknown key\(s\) "allowed"/);
  });
});
