/**
 * What a new user meets first, one layer at a time: the default data dir, config checks, the
 * errors' wording and exit codes, "did you mean", help for --no- flags, and retention flags.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, loadConfig } from '../../src/config/load-config.js';
import { exitCodeFor, OpsError } from '../../src/core/errors.js';
import { engineError, underlyingCode } from '../../src/engine/engine-errors.js';
import { closest, editDistance } from '../../src/core/words/suggest.js';
import { commandHelp } from '../../src/core/words/help-text.js';
import { parseOpArgs } from '../../src/core/words/parse-words.js';
import { requireOp, requireOpWords } from '../../src/ops/catalog.js';
import { dataDirWriteError, prepareDataDir } from '../../src/state/data-dir.js';
import { parseInput } from '../../src/core/run-op.js';

const scratch = mkdtempSync(join(tmpdir(), 'so-newcomer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function thrown(fn: () => unknown): OpsError {
  try {
    fn();
  } catch (e) {
    return e as OpsError;
  }
  throw new Error('expected a throw');
}

describe('the data dir', () => {
  it('defaults to a per-user place, not the current directory', () => {
    expect(defaultDataDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/a' })).toBe('/x/state/storage-ops');
    expect(defaultDataDir({ HOME: '/home/a' })).toBe('/home/a/.local/state/storage-ops');
    // A relative XDG_STATE_HOME is invalid by the spec and ignored.
    expect(defaultDataDir({ XDG_STATE_HOME: 'rel', HOME: '/home/a' })).toBe('/home/a/.local/state/storage-ops');
    expect(loadConfig({ HOME: '/home/a' }).dataDir).toBe('/home/a/.local/state/storage-ops');
    expect(loadConfig({ HOME: '/home/a', STORAGE_OPS_DATA_DIR: '/srv/so' }).dataDir).toBe('/srv/so');
  });

  it('is /data in the image, owned by its user', () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    // Within one ENV instruction (its lines end with a backslash).
    expect(dockerfile).toMatch(/^ENV (?:.*\\\n)*?\s*STORAGE_OPS_DATA_DIR=\/data\b/m);
    expect(dockerfile).toMatch(/mkdir -p \/data && chown storage-ops \/data/);
    expect(dockerfile).toMatch(/^USER storage-ops$/m);
  });

  it('a relative dataDir in the config file is relative to the file', () => {
    const dir = join(scratch, 'cfg');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ dataDir: 'state' }));
    expect(loadConfig({ STORAGE_OPS_CONFIG: join(dir, 'config.json'), HOME: '/home/a' }).dataDir).toBe(join(dir, 'state'));
  });

  it('says what is wrong with a bad one, and what to try', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    await expect(prepareDataDir(file)).rejects.toThrow(`data directory ${file} is a file, not a directory`);
    const under = join(file, 'sub');
    const e = await prepareDataDir(under).catch((err: unknown) => err as OpsError);
    expect(e).toBeInstanceOf(OpsError);
    expect((e as OpsError).message).toMatch(/cannot be used: a parent of it is a file, not a directory \(ENOTDIR\)|cannot be created: a parent of it is a file/);
    expect((e as OpsError).hint).toMatch(/STORAGE_OPS_DATA_DIR/);
    expect(exitCodeFor(e as OpsError)).toBe(2);
    const fresh = join(scratch, 'new', 'deeper');
    expect(await prepareDataDir(fresh)).toEqual({ path: fresh, writable: true, reason: null });
  });

  it('turns a raw EROFS under the data dir into a sentence', () => {
    const raw = Object.assign(new Error("EROFS: read-only file system, open '/d/state.json.lock'"), { code: 'EROFS', path: '/d/state.json.lock', syscall: 'open' });
    const e = dataDirWriteError(raw, '/d') as OpsError;
    expect(e.message).toBe('cannot write /d/state.json.lock in the data directory /d: it is on a read-only file system (EROFS)');
    expect(e.hint).toMatch(/STORAGE_OPS_DATA_DIR/);
    expect(dataDirWriteError(raw, '/elsewhere')).toBe(raw);
  });
});

describe('config checks', () => {
  it('refuses http:// and https:// engine URLs at load, naming the key, exit 2', () => {
    const dir = join(scratch, 'http');
    mkdirSync(dir);
    for (const url of ['http://10.0.0.1:2375', 'https://10.0.0.1:2376']) {
      writeFileSync(join(dir, 'c.json'), JSON.stringify({ hosts: [{ name: 'h', url }] }));
      const e = thrown(() => loadConfig({ STORAGE_OPS_CONFIG: join(dir, 'c.json') }));
      expect(e.message).toMatch(/key "hosts\[0\]\.url" is invalid: .*http:\/\/ and https:\/\/ are not engine URLs, write tcp:\/\/ instead/);
      expect(exitCodeFor(e)).toBe(2);
    }
    expect(thrown(() => loadConfig({ DOCKER_HOST: 'http://h:2375' })).message).toBe('DOCKER_HOST=http://h:2375 is not an engine URL storage-ops accepts');
  });
});

describe('engine errors', () => {
  const host = { name: 'prod-2', url: 'tcp://10.0.0.12:2376' };
  it('finds the socket error behind wrappers, never an empty reason', () => {
    const aggregate = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNRESET ::1'), { code: 'ECONNRESET' })], ''), {});
    expect(underlyingCode(aggregate)).toBe('ECONNRESET');
    expect(engineError(aggregate, host, 'listing volumes').message).toBe('engine "prod-2" (tcp://10.0.0.12:2376) is unreachable: ECONNRESET');
    const wrapped = new Error('', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    expect(engineError(wrapped, host, 'listing volumes').message).toMatch(/is unreachable: ECONNRESET/);
    const empty = engineError({ statusCode: 502, reason: 'bad gateway', message: '(HTTP code 502) bad gateway - ' }, host, 'listing volumes');
    expect(empty.message).toBe('listing volumes on prod-2 failed: HTTP 502 bad gateway with no message');
  });
});

describe('did you mean', () => {
  it('suggests the closest verb or flag for a typo, nothing for noise', () => {
    expect(editDistance('bakcup', 'backup')).toBe(1);
    expect(closest('bakcup', ['backup', 'backups', 'restore'])).toBe('backup');
    expect(closest('volumse', ['volumes', 'inspect'])).toBe('volumes');
    expect(closest('xyzzy', ['backup', 'restore'])).toBeNull();
    expect(thrown(() => requireOp('bakcup')).message).toBe('unknown command "bakcup" (did you mean "backup"?)');
    expect(thrown(() => requireOpWords(['schedule', 'ad', 'x'])).message).toBe('unknown command "schedule ad" (did you mean "schedule add"?)');
    expect(thrown(() => requireOpWords(['bakcup', 'db'])).message).toBe('unknown command "bakcup" (did you mean "backup"?)');
    expect(thrown(() => parseOpArgs(requireOp('volumes'), ['--lable', 'a=b'])).message).toMatch(/^volumes: unknown option --lable \(did you mean --label\?\)/);
  });

  it('lists on-by-default flags as their --no- form', () => {
    const e = thrown(() => parseOpArgs(requireOp('volumes'), ['--colour', 'red']));
    expect(e.message).toContain('--no-sizes');
    expect(e.message).not.toMatch(/--sizes\b/);
  });
});

describe('help for --no- flags', () => {
  it('says what the --no- form does', () => {
    expect(commandHelp(requireOp('volumes'))).toMatch(/--no-sizes\s+turn off: compute sizes/);
    expect(commandHelp(requireOp('backup'))).toMatch(/--no-prune\s+turn off: run retention/);
    expect(commandHelp(requireOp('bench'))).toMatch(/--no-direct\s+turn off: O_DIRECT/);
  });
});

describe('input errors use the words typed', () => {
  it('flags on the CLI and in Slack, field names for MCP', () => {
    const cleanup = requireOp('cleanup');
    expect(thrown(() => parseInput(cleanup, { imagesOlderThan: 'soon' }, 'cli')).message).toMatch(/^cleanup: --images-older-than is invalid/);
    expect(thrown(() => parseInput(cleanup, { imagesOlderThan: 'soon' }, 'mcp')).message).toMatch(/^cleanup: imagesOlderThan is invalid/);
    expect(thrown(() => parseInput(requireOp('create'), { name: 'a/b' }, 'slack')).message).toMatch(/^create: <name> is invalid/);
  });
});

describe('tests clean up after themselves', () => {
  it('every temp dir of the run is under one root in $TMPDIR, removed when the run ends', async () => {
    const root = process.env.STORAGE_OPS_TEST_TMP_ROOT;
    expect(root).toMatch(/\/so-run-[^/]+$/);
    expect(tmpdir()).toBe(root);
    expect(scratch.startsWith(`${root}/`)).toBe(true);
    // The setup itself: a second user shares the root; the last one out removes it.
    const { default: setup } = await import('../harness/temp-root.js');
    const saved = { root: process.env.STORAGE_OPS_TEST_TMP_ROOT, tmp: process.env.TMPDIR };
    delete process.env.STORAGE_OPS_TEST_TMP_ROOT;
    process.env.TMPDIR = scratch;
    try {
      const first = setup();
      const own = process.env.STORAGE_OPS_TEST_TMP_ROOT ?? '';
      expect(own.startsWith(`${scratch}/so-run-`)).toBe(true);
      const second = setup();
      writeFileSync(join(own, 'leftover'), 'x');
      second();
      expect(existsSync(own)).toBe(true);
      first();
      expect(existsSync(own)).toBe(false);
    } finally {
      process.env.STORAGE_OPS_TEST_TMP_ROOT = saved.root ?? '';
      process.env.TMPDIR = saved.tmp ?? '';
    }
  });

  it('no test or harness file writes to a fixed /tmp path', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && /mkdtempSync\(\s*['`]\/tmp/.test(readFileSync(path, 'utf8'))) offenders.push(path);
      }
    };
    walk(new URL('..', import.meta.url).pathname);
    expect(offenders).toEqual([]);
  });
});
