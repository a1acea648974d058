/**
 * Engines reached over the network, as the config file describes them: tcp:// with TLS files and
 * ssh://. The same ops work there, the root filesystem is read on the engine's side, and a wrong
 * certificate is a clear error.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { DockerEngineDirectory } from '../../src/engine/engine-directory.js';
import { OpsError } from '../../src/core/errors.js';
import { diskReport } from '../../src/ops/system/disk-report.js';
import { hostsList } from '../../src/ops/system/hosts-list.js';
import type { Deps } from '../../src/core/ports.js';
import { runOp } from '../../src/core/run-op.js';
import { volumeCreate } from '../../src/ops/volumes/volume-create.js';
import { volumeList } from '../../src/ops/volumes/volume-list.js';
import { docker } from '../harness/docker-cli.js';
import { describeDocker, HELPER_TAG, makeDeps, uniqueName } from '../harness/engines.js';
import { importHelperImage, startPrivateEngine, type PrivateEngine } from '../harness/private-engine.js';
import { freePort, makeTlsFiles, startSshd, type PrivateSshd, type TlsFiles } from '../harness/remote-access.js';

const actor = { id: 'cli:integration', source: 'cli' as const };

describeDocker('remote engines: tcp with TLS, and ssh', () => {
  let engine: PrivateEngine;
  let tls: TlsFiles;
  let port: number;
  let sshd: PrivateSshd;
  let deps: Deps;
  const vol = uniqueName('remote');

  beforeAll(async () => {
    if (!existsSync('/usr/sbin/sshd')) throw new Error('these tests need openssh-server (apt-get install openssh-server; .ci/run installs it)');
    tls = await makeTlsFiles();
    port = await freePort();
    engine = await startPrivateEngine('rt', 'overlay2', {
      extraArgs: ['--tlsverify', '--tlscacert', tls.ca, '--tlscert', tls.serverCert, '--tlskey', tls.serverKey, '--host', `tcp://127.0.0.1:${port}`],
    });
    await importHelperImage(engine, HELPER_TAG);
    sshd = await startSshd(engine.url);
    deps = await makeDeps([], {
      hosts: [
        { name: 'tls', url: `tcp://127.0.0.1:${port}`, tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } },
        { name: 'ssh', url: `ssh://root@127.0.0.1:${sshd.port}`, sshKey: sshd.keyFile, knownHosts: sshd.knownHostsFile },
      ],
    });
  });

  afterAll(async () => {
    await sshd?.stop();
    await engine?.stop();
  });

  it('hosts answers for both, and both are the same engine', async () => {
    const out = await runOp(deps, hostsList, {}, { actor });
    expect(out.hosts.map((h) => [h.name, h.reachable, h.driver, h.error])).toEqual([
      ['tls', true, 'overlay2', null],
      ['ssh', true, 'overlay2', null],
    ]);
  });

  it('creates over TLS, lists over ssh, reports the root filesystem over both', async () => {
    await runOp(deps, volumeCreate, { name: vol, host: 'tls', labels: { via: 'tls' } }, { actor });
    expect((await docker({ name: 'rt', driver: 'overlay2', url: engine.url }, 'volume', 'inspect', '--format', '{{.Labels.via}}', vol)).trim()).toBe('tls');
    const listed = await runOp(deps, volumeList, { host: 'ssh', name: vol }, { actor });
    expect(listed.volumes.map((v) => v.name)).toEqual([vol]);
    const [a, b] = await Promise.all([runOp(deps, diskReport, { host: 'tls' }, { actor }), runOp(deps, diskReport, { host: 'ssh' }, { actor })]);
    expect(a.warnings).toEqual([]);
    expect(b.warnings).toEqual([]);
    expect(a.rootFilesystem?.totalBytes).toBe(b.rootFilesystem?.totalBytes);
    expect(a.rootFilesystem?.totalBytes).toBeGreaterThan(0);
  });

  it('a client certificate the engine does not trust is one clear error', async () => {
    const other = await makeTlsFiles();
    const config = parseConfig({ hosts: [{ name: 'bad', url: `tcp://127.0.0.1:${port}`, tls: { ca: tls.ca, cert: other.clientCert, key: other.clientKey } }] }, 'test');
    const engines = new DockerEngineDirectory(config);
    const err = await engines.get('bad').listVolumes().catch((e: unknown) => e as OpsError);
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).code).toBe('unavailable');
    expect((err as OpsError).toLine()).toMatch(/^engine "bad" \(tcp:\/\/127\.0\.0\.1:\d+\) rejected our TLS client certificate\. Check hosts\[\]\.tls\.cert/);
    const wrongCa = parseConfig({ hosts: [{ name: 'ca', url: `tcp://127.0.0.1:${port}`, tls: { ca: other.ca, cert: tls.clientCert, key: tls.clientKey } }] }, 'test');
    const err2 = await new DockerEngineDirectory(wrongCa).get('ca').listVolumes().catch((e: unknown) => e as OpsError);
    expect((err2 as OpsError).toLine()).toMatch(/^engine "ca" .* presented a certificate we do not trust: .*\. Check hosts\[\]\.tls\.ca/);
  });
});
