/**
 * Short-lived helper containers on an engine: created from the configured helper image, with no
 * network, labelled so leftovers can be found, and always removed afterwards. Their output is
 * read through the engine, so this works the same against remote engines.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { OpsError } from '../core/errors.js';
import type { HostRef } from '../core/ports.js';
import { demuxDockerLog } from './docker-log.js';
import { engineError, engineMessage } from './engine-errors.js';

export const HELPER_LABEL = 'storage-ops.helper';

export interface HelperRun {
  purpose: string;
  cmd: string[];
  binds?: string[];
  mounts?: HelperMount[];
  signal?: AbortSignal;
}

/** A named volume mounted into a helper; never pre-filled from the image (NoCopy). */
export interface HelperMount {
  volume: string;
  target: string;
  readOnly: boolean;
}

export interface HelperResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function helperName(purpose: string): string {
  return `storage-ops-${purpose}-${randomBytes(4).toString('hex')}`;
}

export async function createHelper(
  docker: Docker,
  host: HostRef,
  image: string,
  spec: { purpose: string; cmd?: string[]; binds?: string[]; mounts?: HelperMount[]; workingDir?: string },
): Promise<Docker.Container> {
  // @types/dockerode marks VolumeOptions.Labels/DriverConfig required; the engine does not.
  const mounts = (spec.mounts ?? []).map((m) => ({ Type: 'volume', Source: m.volume, Target: m.target, ReadOnly: m.readOnly, VolumeOptions: { NoCopy: true } })) as unknown as Docker.MountSettings[];
  try {
    return await docker.createContainer({
      name: helperName(spec.purpose),
      Image: image,
      Cmd: spec.cmd ?? ['true'],
      WorkingDir: spec.workingDir,
      Labels: { [HELPER_LABEL]: spec.purpose },
      // Root inside the helper: volumes hold files of any owner, and images such as our own
      // declare a non-root USER for the service itself.
      User: '0:0',
      NetworkDisabled: true,
      HostConfig: { NetworkMode: 'none', Binds: spec.binds ?? [], Mounts: mounts, AutoRemove: false },
    });
  } catch (err) {
    const e = err as { statusCode?: number };
    if (e.statusCode === 404 && /image/i.test(engineMessage(err))) {
      throw new OpsError('unavailable', `helper image "${image}" is not on engine "${host.name}"`, {
        hint: `Only ${spec.purpose === 'bench' ? 'bench' : spec.purpose === 'df' ? "report's filesystem figures" : 'this step'} needs it (backup, restore and verify do not). Without a registry, build a small one from this machine's busybox and fio: \`scripts/import-helper-image.sh storage-ops-helper:latest ${host.url}\`, then set STORAGE_OPS_HELPER_IMAGE=storage-ops-helper:latest; or \`docker build -t storage-ops .\` for the default one`,
      });
    }
    throw engineError(err, host, `creating a ${spec.purpose} helper container`);
  }
}

export async function removeQuietly(container: Docker.Container): Promise<void> {
  // v: true drops anonymous volumes an image's VOLUME lines create; named volumes are never touched.
  await container.remove({ force: true, v: true }).catch(() => undefined);
}

/** Runs a command to completion in a fresh helper container and returns its exit code and output. */
export async function runHelper(docker: Docker, host: HostRef, image: string, run: HelperRun): Promise<HelperResult> {
  const container = await createHelper(docker, host, image, { purpose: run.purpose, cmd: run.cmd, binds: run.binds, mounts: run.mounts });
  const onAbort = (): void => {
    void container.kill().catch(() => undefined);
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await container.start();
    const waited = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    run.signal?.throwIfAborted();
    return { exitCode: waited.StatusCode, ...demuxDockerLog(logs) };
  } catch (err) {
    if (run.signal?.aborted) throw new OpsError('cancelled', `${run.purpose} on ${host.name}: cancelled`);
    throw engineError(err, host, `running the ${run.purpose} helper`);
  } finally {
    run.signal?.removeEventListener('abort', onAbort);
    await removeQuietly(container);
  }
}
