/**
 * The docker CLI as the reference answer in integration tests, and the built storage-ops CLI as
 * the thing under test, both run as child processes.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestEngine } from './engines.js';

const run = promisify(execFile);

export async function docker(engine: TestEngine, ...args: string[]): Promise<string> {
  const { stdout } = await run('docker', ['-H', engine.url, ...args], { maxBuffer: 64 << 20 });
  return stdout;
}

export async function dockerJsonLines<T>(engine: TestEngine, ...args: string[]): Promise<T[]> {
  return (await docker(engine, ...args))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/** Runs the built CLI (npm test builds it first). */
export function cli(args: string[], env: NodeJS.ProcessEnv): CliResult {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the built CLI without blocking this process: needed when this process shares the data dir
 * and may hold the state file's lock mid-update (a running bot or relay), which spawnSync would
 * freeze while the CLI waits for that lock.
 */
export function cliAsync(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const CLI_MAIN = MAIN;

/** Bad-input cases: each must exit with its code, print nothing on stdout and one matching line on stderr. */
export function expectOneLineErrors(cases: Array<[string[], number, RegExp]>, env: NodeJS.ProcessEnv, check: (what: string, actual: unknown) => { toBe(v: unknown): void; toHaveLength(n: number): void; toMatch(r: RegExp): void }): void {
  for (const [args, code, pattern] of cases) {
    const r = cli(args, env);
    const what = args.join(' ');
    check(what, r.code).toBe(code);
    check(what, r.stdout).toBe('');
    check(what, r.stderr.trim().split('\n')).toHaveLength(1);
    check(what, r.stderr).toMatch(pattern);
  }
}
