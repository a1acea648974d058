/**
 * The HTTP listener's failure answer: a route that throws gets a generic 500 with an error id,
 * never its message; the log line carries the same id and the message (redacted).
 */
import { describe, expect, it } from 'vitest';
import { OpsError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { startHttpServer } from '../../src/serve/http-server.js';

describe('http listener', () => {
  it('answers a failing route with a generic 500 and an id the log line carries', async () => {
    const lines: string[] = [];
    const log = createLogger({ json: true, level: 'debug', write: (l) => lines.push(l) });
    const http = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      log,
      routes: {
        '/boom': async () => {
          throw new OpsError('unavailable', 'cannot read /srv/secret-place/state.json with PGPASSWORD=hunter2-x9');
        },
        '/sync': () => {
          throw new Error('sync failure at /etc/shadow');
        },
      },
    });
    try {
      for (const path of ['/boom', '/sync']) {
        const res = await fetch(`${http.url}${path}`);
        expect(res.status).toBe(500);
        const body = (await res.json()) as { error: string; errorId: string };
        expect(Object.keys(body).sort()).toEqual(['error', 'errorId']);
        expect(body.error).toBe('internal error');
        expect(body.errorId).toMatch(/^[0-9a-f-]{36}$/);
        const line = lines.find((l) => l.includes(body.errorId));
        expect(line, lines.join('\n')).toBeDefined();
        const entry = JSON.parse(line as string) as Record<string, string>;
        expect(entry).toMatchObject({ level: 'error', msg: 'http request failed', path, errorId: body.errorId });
        expect(entry.error).toMatch(path === '/boom' ? /cannot read \/srv\/secret-place/ : /sync failure/);
      }
      expect(lines.join('\n')).not.toContain('hunter2-x9');
      const missing = await fetch(`${http.url}/nope?x=<script>`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: 'not found' });
    } finally {
      await http.close();
    }
  });
});
