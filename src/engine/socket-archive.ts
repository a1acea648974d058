/**
 * Reading a container path's tar stream (GET /containers/{id}/archive) straight off an engine's
 * unix socket, the way curl does, instead of through dockerode and Node's HTTP client.
 *
 * Why: the engine answers HTTP/1.1 with a chunked body in ~32 KiB chunks, and Node's HTTP client
 * turns every chunk into a separate buffer and event; measured on a 630 MB volume that cost this
 * process 1.2-1.4 s of CPU and made the read take 2.5x as long as curl's. Asked as HTTP/1.0 the
 * engine sends the body unframed until it closes the connection, and reading the socket with
 * large reads into one reused buffer (net's `onread`) hands on a few large buffers instead of
 * thousands of small ones: 0.1 s of CPU, as fast as curl. Completeness is not lost with the framing: the tar walker every
 * reader runs requires the end-of-archive marker, so a connection cut short fails the read.
 *
 * Only for engines on a local unix socket; tcp (TLS) and ssh engines keep dockerode's path.
 */
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';

/** Bytes one socket read may bring (the buffer is reused for every read). */
const READ_BUFFER = 1 << 20;
const MAX_HEAD = 64 << 10;

/** The engine's non-200 answer, shaped like dockerode's errors so engineError() explains it. */
export class EngineHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: { message?: string } | null,
  ) {
    super(`(HTTP code ${statusCode}) ${json?.message ?? 'unexpected response'}`);
  }
}

/**
 * The response body of `GET path` over `socketPath` as a Readable of large buffers. Resolves
 * once the status line and headers arrived (rejects on connection errors and non-200 answers,
 * with the engine's message); the body then ends when the engine closes the connection.
 */
export function getOverSocket(socketPath: string, path: string, signal?: AbortSignal): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER);
    let head: Buffer | null = Buffer.alloc(0);
    let status = 0;
    let errorBody: Buffer[] | null = null;
    let settled = false;
    let socket: Socket | undefined;

    const body = new Readable({
      highWaterMark: READ_BUFFER,
      read() {
        // pause()/resume() of a socket with `onread` stop and restart reading on its handle.
        socket?.resume();
      },
      destroy(err, cb) {
        socket?.destroy();
        cb(err);
      },
    });

    const fail = (err: Error): void => {
      if (!settled) {
        settled = true;
        reject(err);
      } else body.destroy(err);
      socket?.destroy();
    };

    const onAbort = (): void => fail(Object.assign(new Error('the read was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const onBody = (chunk: Buffer): true => {
      if (errorBody) {
        errorBody.push(Buffer.from(chunk));
        return true;
      }
      if (!body.push(chunk)) socket?.pause();
      return true;
    };

    const sock = connect({
      path: socketPath,
      onread: {
        // One buffer for every read; what a read brought is copied out at its exact size. Handing
        // on views of shared 1 MiB slabs instead pinned a slab per queued chunk (measured: peak RSS of
        // a backup 133-147 MB against 128-131 MB with the copy, at no measurable CPU cost).
        buffer: readBuffer,
        callback: (n: number, buf: Uint8Array): true => {
          const chunk = Buffer.allocUnsafe(n);
          chunk.set(buf.subarray(0, n));
          if (head === null) return onBody(chunk);
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) {
            if (head.length > MAX_HEAD) fail(new Error('the engine sent no end of HTTP headers'));
            return true;
          }
          const statusLine = head.toString('latin1', 0, head.indexOf('\r\n'));
          status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
          const rest = head.subarray(end + 4);
          head = null;
          if (status !== 200) {
            errorBody = [rest];
            return true;
          }
          settled = true;
          resolve(body);
          return rest.length ? onBody(rest) : true;
        },
      },
    });
    socket = sock;
    sock.on('connect', () => {
      // Flowing, so that 'end' is emitted at EOF (the data itself arrives through onread).
      sock.resume();
      sock.write(`GET ${path} HTTP/1.0\r\nHost: docker\r\nUser-Agent: storage-ops\r\n\r\n`);
    });
    sock.on('error', (err) => fail(err));
    sock.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      if (head !== null) return fail(new Error('the engine closed the connection before it answered'));
      if (errorBody) {
        const text = Buffer.concat(errorBody).toString('utf8');
        let json: { message?: string } | null = null;
        try {
          json = JSON.parse(text) as { message?: string };
        } catch {
          json = { message: text.trim() || `HTTP ${status}` };
        }
        return fail(new EngineHttpError(status, json));
      }
      body.push(null);
    });
    sock.on('close', () => signal?.removeEventListener('abort', onAbort));
  });
}
