/**
 * The benchmark's baseline reader: a process that only reads a volume's tar stream from the
 * engine (the same archive API call storage-ops makes) and throws the bytes away.
 * usage: node raw-read.js ENGINE_URL VOLUME HELPER_IMAGE
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseConfig } from '../src/config/load-config.js';
import { DockerEngineDirectory } from '../src/engine/engine-directory.js';

const [url, volume, image] = process.argv.slice(2) as [string, string, string];
const engine = new DockerEngineDirectory(parseConfig({ hosts: [{ name: 'bench', url }], helperImage: image }, 'bench')).get('bench');
let bytes = 0;
const archive = await engine.exportVolume(volume);
try {
  await pipeline(
    archive.stream,
    new Writable({
      highWaterMark: 1 << 20,
      write(c: Buffer, _e, cb) {
        bytes += c.length;
        cb();
      },
    }),
  );
} finally {
  await archive.close();
}
process.stdout.write(`${bytes}\n`);
