/**
 * vitest global setup for integration tests: starts three private engines (overlay2, vfs, btrfs)
 * in parallel and imports the helper image into each, or uses STORAGE_OPS_TEST_DOCKER_HOST.
 * Without an engine it records why, and every integration test fails with that reason.
 */
import type { TestProject } from 'vitest/node';
import { engineUnavailableReason, importHelperImage, startPrivateEngine, type PrivateEngine } from './private-engine.js';
import { HELPER_TAG, type TestEngine } from './engines.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: PrivateEngine[] = [];
  const teardown = async (): Promise<void> => {
    await Promise.all(started.map((e) => e.stop().catch((err: unknown) => console.error(`stopping ${e.name}: ${String(err)}`))));
  };
  project.provide('engineError', '');
  if (process.env.STORAGE_OPS_SKIP_DOCKER_TESTS === '1') {
    project.provide('engineError', 'skipped: STORAGE_OPS_SKIP_DOCKER_TESTS=1');
    project.provide('engines', []);
    return teardown;
  }
  const external = process.env.STORAGE_OPS_TEST_DOCKER_HOST;
  if (external) {
    const { stdout } = await run('docker', ['-H', external, 'info', '--format', '{{.Driver}}']);
    await importHelperImage({ url: external }, HELPER_TAG);
    project.provide('engines', [{ name: 'external', driver: stdout.trim(), url: external }]);
    return teardown;
  }
  const reason = engineUnavailableReason();
  if (reason) {
    project.provide('engineError', `${reason}. Run the tests as root on a machine with docker.io installed, or point STORAGE_OPS_TEST_DOCKER_HOST at a disposable engine`);
    project.provide('engines', []);
    return teardown;
  }
  try {
    const results = await Promise.allSettled([
      startPrivateEngine('ov', 'overlay2'),
      startPrivateEngine('vf', 'vfs'),
      startPrivateEngine('bt', 'btrfs'),
    ]);
    for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await Promise.all(started.map((e) => importHelperImage(e, HELPER_TAG)));
  } catch (err) {
    await teardown();
    throw err;
  }
  const engines: TestEngine[] = started.map((e) => ({ name: e.name, driver: e.driver, url: e.url }));
  project.provide('engines', engines);
  return teardown;
}
