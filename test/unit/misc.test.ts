import { describe, expect, it, afterEach } from 'vitest';
import { parseDfOutput } from '../../src/engine/docker-engine.js';
import { dockerOptionsFor } from '../../src/engine/engine-url.js';
import { engineError } from '../../src/engine/engine-errors.js';
import { demuxDockerLog } from '../../src/engine/docker-log.js';
import { formatBytes } from '../../src/core/format.js';
import { checkLocalDriverOpts } from '../../src/ops/volumes/volume-create.js';
import { VOLUME_NAME_PATTERN } from '../../src/ops/shared/common-inputs.js';
import { redactText, redactValue } from '../../src/core/redact.js';
import { createLogger } from '../../src/core/logger.js';

describe('parseDfOutput', () => {
  it('reads POSIX df output, including a wrapped device name', () => {
    expect(parseDfOutput('Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda 1000 400 600 40% /host-path\n', '/x')).toEqual({
      path: '/x', filesystem: '/dev/vda', totalBytes: 1024000, usedBytes: 409600, availableBytes: 614400,
    });
    expect(parseDfOutput('Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/mapper/very-long-name\n 10 4 6 40% /h\n', '/y').filesystem).toBe('/dev/mapper/very-long-name');
  });
});

describe('engine URLs', () => {
  it('maps unix, tcp and ssh', () => {
    expect(dockerOptionsFor({ name: 'a', url: 'unix:///var/run/docker.sock' })).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerOptionsFor({ name: 'a', url: 'tcp://h:2375', insecure: true })).toMatchObject({ host: 'h', port: 2375, protocol: 'http' });
    expect(() => dockerOptionsFor({ name: 'a', url: 'tcp://h:2375' })).toThrow(/host "a": key "insecure" tcp:\/\/h:2375 has no TLS/);
    expect(dockerOptionsFor({ name: 'a', url: 'ssh://ops@h:2222' })).toMatchObject({ protocol: 'ssh', host: 'h', port: 2222, username: 'ops' });
  });
  it('names the host and file when a TLS file is missing', () => {
    expect(() => dockerOptionsFor({ name: 'prod', url: 'tcp://h:2376', tls: { ca: '/missing/ca.pem', verify: true } })).toThrow(/host "prod": cannot read TLS ca \/missing\/ca\.pem/);
  });
});

describe('engine errors', () => {
  const host = { name: 'p1', url: 'unix:///x.sock' };
  it('says which engine is unreachable and what to do', () => {
    const e = engineError(Object.assign(new Error('connect ENOENT /x.sock'), { code: 'ENOENT' }), host, 'listing volumes');
    expect(e.code).toBe('unavailable');
    expect(e.toLine()).toMatch(/engine "p1" \(unix:\/\/\/x\.sock\) is unreachable: ENOENT\. Check that dockerd runs/);
  });
  it('maps HTTP status codes', () => {
    const e = engineError({ statusCode: 409, json: { message: 'volume is in use' } }, host, 'removing volume v');
    expect(e.code).toBe('conflict');
    expect(e.message).toBe('removing volume v on p1: volume is in use');
  });
});

describe('demuxDockerLog', () => {
  it('splits stdout and stderr frames', () => {
    const frame = (stream: number, text: string): Buffer => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    expect(demuxDockerLog(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]))).toEqual({ stdout: 'out1 out2', stderr: 'err' });
  });
});

describe('formatBytes', () => {
  it('prints like the docker CLI', () => {
    expect(formatBytes(307200)).toBe('307.2kB');
    expect(formatBytes(87610000)).toBe('87.61MB');
    expect(formatBytes(0)).toBe('0B');
    expect(formatBytes(null)).toBe('n/a');
  });
});

describe('volume names and local driver options', () => {
  it("follows Docker's rule", () => {
    for (const ok of ['db', 'db_data', 'a.b-c_1', '0x']) expect(VOLUME_NAME_PATTERN.test(ok)).toBe(true);
    for (const bad of ['a', '_db', '-x', 'a/b', '../x', 'a b', '']) expect(VOLUME_NAME_PATTERN.test(bad)).toBe(false);
  });
  it('checks NFS, tmpfs and bind options', () => {
    expect(() => checkLocalDriverOpts({ type: 'nfs', o: 'addr=1.2.3.4,rw', device: ':/data' })).not.toThrow();
    expect(() => checkLocalDriverOpts({ type: 'nfs', device: ':/data' })).toThrow(/server address in o/);
    expect(() => checkLocalDriverOpts({ type: 'nfs', o: 'addr=1.2.3.4' })).toThrow(/export as device/);
    expect(() => checkLocalDriverOpts({ type: 'tmpfs', device: 'tmpfs', o: 'size=100m' })).not.toThrow();
    expect(() => checkLocalDriverOpts({ type: 'none', o: 'bind', device: 'relative' })).toThrow(/absolute host path/);
    expect(() => checkLocalDriverOpts({ size: '10G' })).toThrow(/not understood by the local driver/);
    expect(() => checkLocalDriverOpts({ o: 'x' })).toThrow(/need a type/);
  });
});

describe('redaction', () => {
  afterEach(() => {
    delete process.env.SLACK_BOT_TOKEN;
  });
  it('masks secret env values anywhere and secret-named keys', () => {
    process.env.SLACK_BOT_TOKEN = 'xoxb-1234567890-secret';
    expect(redactText('token is xoxb-1234567890-secret!')).toBe('token is [redacted]!');
    expect(redactValue({ a: 'xoxb-1234567890-secret', password: 'p', nested: [{ apiToken: 'zz' }] })).toEqual({ a: '[redacted]', password: '[redacted]', nested: [{ apiToken: '[redacted]' }] });
    const lines: string[] = [];
    createLogger({ json: true, write: (l) => lines.push(l) }).info('oops xoxb-1234567890-secret', { t: 'xoxb-1234567890-secret' });
    expect(lines.join()).not.toContain('xoxb-1234567890-secret');
  });
});
