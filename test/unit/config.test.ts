import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { OpsError } from '../../src/core/errors.js';

function withFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'so-cfg-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, content);
  return file;
}

function errorOf(env: NodeJS.ProcessEnv): OpsError {
  try {
    loadConfig(env);
  } catch (e) {
    return e as OpsError;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('without a file uses DOCKER_HOST, or the default socket', () => {
    expect(loadConfig({ DOCKER_HOST: 'unix:///tmp/x.sock' }).config.hosts).toEqual([{ name: 'local', url: 'unix:///tmp/x.sock' }]);
    expect(loadConfig({}).config.hosts[0]?.url).toBe('unix:///var/run/docker.sock');
  });

  it('reads TLS settings the way the docker CLI does', () => {
    const h = loadConfig({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }).config.hosts[0];
    expect(h).toEqual({ name: 'local', url: 'tcp://10.0.0.5:2376', tls: { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem', verify: true } });
  });

  it('reads hosts and applies defaults and env overrides', () => {
    const file = withFile(JSON.stringify({ hosts: [{ name: 'a', url: 'unix:///a.sock' }, { name: 'b', url: 'ssh://ops@b' }], defaultHost: 'b' }));
    const { config, dataDir } = loadConfig({ STORAGE_OPS_CONFIG: file, STORAGE_OPS_HELPER_IMAGE: 'img:1', STORAGE_OPS_DATA_DIR: '/tmp/d' });
    expect(config.hosts.map((h) => h.name)).toEqual(['a', 'b']);
    expect(config.defaultHost).toBe('b');
    expect(config.helperImage).toBe('img:1');
    expect(config.thresholds).toEqual({ warnPercent: 80, criticalPercent: 90 });
    expect(dataDir).toBe('/tmp/d');
  });

  it('names the bad key', () => {
    expect(errorOf({ STORAGE_OPS_CONFIG: withFile(JSON.stringify({ hosts: [{ name: 'a', url: 'ftp://x' }] })) }).message).toMatch(/key "hosts\[0\]\.url" is invalid/);
    expect(errorOf({ STORAGE_OPS_CONFIG: withFile(JSON.stringify({ hosts: [], thresholdz: {} })) }).message).toMatch(/unknown key\(s\) "thresholdz"/);
    expect(errorOf({ STORAGE_OPS_CONFIG: withFile(JSON.stringify({ thresholds: { warnPercent: 95, criticalPercent: 90 } })) }).message).toMatch(/key "thresholds" is invalid: warnPercent must be below criticalPercent/);
    expect(errorOf({ STORAGE_OPS_CONFIG: withFile(JSON.stringify({ hosts: [{ name: 'a', url: 'unix:///a' }], defaultHost: 'zz' })) }).message).toMatch(/key "defaultHost"/);
    expect(errorOf({ STORAGE_OPS_CONFIG: withFile(JSON.stringify({ hosts: [{ name: 'a', url: 'unix:///a' }, { name: 'a', url: 'unix:///b' }] })) }).message).toMatch(/hosts\[1\]\.name.*duplicate/);
  });

  it('reports unreadable and non-JSON files with their path', () => {
    const bad = withFile('{ hosts: ');
    const e = errorOf({ STORAGE_OPS_CONFIG: bad });
    expect(e.code).toBe('config');
    expect(e.message).toContain(bad);
    expect(errorOf({ STORAGE_OPS_CONFIG: '/nonexistent/config.json' }).message).toMatch(/cannot read config file \/nonexistent\/config\.json: ENOENT/);
  });
});
