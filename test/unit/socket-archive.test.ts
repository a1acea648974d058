/**
 * The raw unix-socket reader of archive streams (src/engine/socket-archive.ts) against a local
 * server that answers like the engine does to HTTP/1.0: body bytes intact and in order through a
 * slow consumer, the engine's error message on non-200 answers, aborts, and connections that
 * close before any answer. The real engine path is covered by the backup integration tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHttpError, getOverSocket } from '../../src/engine/socket-archive.js';

const dirs: string[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A server on a fresh unix socket; `answer` gets the request head and the socket. */
async function serve(answer: (requestHead: string, socket: Socket) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'so-sock-'));
  dirs.push(dir);
  const path = join(dir, 'engine.sock');
  const server = createServer((socket) => {
    let head = '';
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) answer(head, socket);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(path, r));
  return path;
}

describe('getOverSocket', () => {
  it('asks with HTTP/1.0 and hands on the unframed body intact, also to a slow reader', async () => {
    const body = randomBytes(9 * 1024 * 1024 + 123);
    let request = '';
    const path = await serve((head, socket) => {
      request = head;
      socket.write('HTTP/1.0 200 OK\r\nContent-Type: application/x-tar\r\n\r\n');
      // Several writes of odd sizes, like the engine's, then close: the end of the body.
      let at = 0;
      const more = (): void => {
        while (at < body.length) {
          const n = Math.min(70_001, body.length - at);
          const ok = socket.write(body.subarray(at, at + n));
          at += n;
          if (!ok) return void socket.once('drain', more);
        }
        socket.end();
      };
      more();
    });
    const stream = await getOverSocket(path, '/containers/abc/archive?path=%2Fvolume%2F.');
    expect(request.startsWith('GET /containers/abc/archive?path=%2Fvolume%2F. HTTP/1.0\r\n')).toBe(true);
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      // A slow consumer: the reader must stop reading (backpressure) and lose nothing.
      if (++chunks % 8 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    expect(bytes).toBe(body.length);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('rejects with the engine message and status on a non-200 answer', async () => {
    const path = await serve((_h, socket) => {
      socket.end('HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\n\r\n{"message":"No such container: abc"}\n');
    });
    const err = await getOverSocket(path, '/containers/abc/archive?path=x').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EngineHttpError);
    expect((err as EngineHttpError).statusCode).toBe(404);
    expect((err as EngineHttpError).json?.message).toBe('No such container: abc');
  });

  it('rejects when the engine closes the connection before answering', async () => {
    const path = await serve((_h, socket) => socket.end());
    await expect(getOverSocket(path, '/x')).rejects.toThrow(/closed the connection before it answered/);
  });

  it('fails a read in progress with an AbortError when the signal fires', async () => {
    const path = await serve((_h, socket) => {
      socket.write('HTTP/1.0 200 OK\r\n\r\n');
      socket.write(Buffer.alloc(4096, 1)); // and then nothing more: a stalled engine
    });
    const ac = new AbortController();
    const stream = await getOverSocket(path, '/x', ac.signal);
    const read = (async () => {
      for await (const _ of stream) ac.abort();
    })();
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects at once when the signal has already fired', async () => {
    const path = await serve(() => undefined);
    const ac = new AbortController();
    ac.abort();
    await expect(getOverSocket(path, '/x', ac.signal)).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });
});
