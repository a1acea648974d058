/**
 * The image the never-started helpers use (archive reads and writes, volume locks): an empty
 * image storage-ops imports itself through the engine API (`docker import` of an empty tar), so
 * backup, restore and verify need no helper image, no registry and no build on the engine. A
 * container from it is only ever created, never started: the engine itself reads and writes the
 * mounted volume through the archive API.
 */
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { HostRef } from '../core/ports.js';
import { engineError } from './engine-errors.js';

export const ARCHIVE_IMAGE = 'storage-ops-empty:1';

/** An empty tar: two zero blocks. */
const EMPTY_TAR = Buffer.alloc(1024);

const ensured = new WeakMap<Docker, Promise<string>>();

/** The empty image's name, imported first when the engine does not have it. */
export function ensureArchiveImage(docker: Docker, host: HostRef): Promise<string> {
  const known = ensured.get(docker);
  if (known) return known;
  const made = (async () => {
    try {
      await docker.getImage(ARCHIVE_IMAGE).inspect();
      return ARCHIVE_IMAGE;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw engineError(err, host, `looking for image ${ARCHIVE_IMAGE}`);
    }
    try {
      const [repo, tag] = ARCHIVE_IMAGE.split(':') as [string, string];
      const stream = (await docker.importImage(Readable.from([EMPTY_TAR]) as unknown as string, { repo, tag })) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
      });
      return ARCHIVE_IMAGE;
    } catch (err) {
      throw engineError(err, host, `importing the empty image ${ARCHIVE_IMAGE}`);
    }
  })();
  // Only the check in flight is shared: the image can be removed meanwhile (`cleanup --images
  // unused` would), so the next operation looks again (one cheap inspect).
  ensured.set(docker, made);
  void made.finally(() => ensured.delete(docker)).catch(() => undefined);
  return made;
}
