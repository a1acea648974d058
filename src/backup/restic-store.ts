/**
 * restic repositories as backup stores (config backup.stores, kind "restic"). Everything here
 * runs the restic program as a child process: storage-ops implements no repository format.
 * The child gets a small environment of its own (PATH, HOME, the repository, the password as
 * RESTIC_PASSWORD_FILE or RESTIC_PASSWORD, a cache directory under the data dir, and the
 * store's env/envFrom), never this process's whole environment (Slack and MCP tokens stay
 * here). Its command line is built in one place (resticArgs): the store's extended options
 * (`-o key=value`), then the command. Every text restic writes that leaves this file (errors)
 * is redacted first: the password, the envFrom values and credentials in the repository URL
 * are masked.
 */
import { spawn } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OpsError } from '../core/errors.js';
import type { Deps } from '../core/ports.js';
import { maskValues, redactText, registerSecret } from '../core/redact.js';
import { LOCAL_STORE, type ResticStoreConfig } from '../config/restic-store-config.js';
import { hasProgram } from './compression.js';
import { ProcessStream } from './process-stream.js';

export type StoreChoice = { kind: 'local'; name: typeof LOCAL_STORE } | { kind: 'restic'; name: string; config: ResticStoreConfig };

/** The store a backup goes to: the named one, else backup.defaultStore. */
export function resolveStore(deps: Pick<Deps, 'config'>, name?: string): StoreChoice {
  const wanted = name ?? deps.config.backup.defaultStore;
  if (wanted === LOCAL_STORE) return { kind: 'local', name: LOCAL_STORE };
  const config = deps.config.backup.stores.find((s) => s.name === wanted);
  if (!config) {
    throw new OpsError('invalid_input', `no backup store named "${wanted}"`, {
      hint: `Known stores: ${[LOCAL_STORE, ...deps.config.backup.stores.map((s) => s.name)].join(', ')} (config backup.stores)`,
    });
  }
  return { kind: 'restic', name: config.name, config };
}

/** The restic store a catalog record lives in (the config may have lost it since). */
export function resticStoreNamed(deps: Pick<Deps, 'config'>, name: string, what: string): ResticStoreConfig {
  const config = deps.config.backup.stores.find((s) => s.name === name);
  if (!config) {
    throw new OpsError('config', `${what} lives in the restic store "${name}", which is no longer in the configuration`, {
      hint: `Add it back to backup.stores (name "${name}", its repository and password)`,
    });
  }
  return config;
}

export function requireRestic(what: string): void {
  if (!hasProgram('restic')) {
    throw new OpsError('unavailable', `${what} needs the restic program, which is not installed on this machine`, {
      hint: 'Install it (apt-get install restic; the storage-ops image has it), or back up to the local store (--store local)',
    });
  }
}

function storeKey(deps: Pick<Deps, 'config'>, s: ResticStoreConfig): string {
  const i = deps.config.backup.stores.findIndex((x) => x.name === s.name);
  return `backup.stores[${i < 0 ? '?' : i}]`;
}

/** The password in a repository URL (`rest:https://user:password@host/`), as written and decoded. */
function urlPassword(repository: string): string[] {
  const m = /^[a-z0-9]+:[a-z][a-z0-9+.-]*:\/\/[^/@\s]*?:([^/@\s]+)@/i.exec(repository);
  if (!m) return [];
  let decoded = m[1]!;
  try {
    decoded = decodeURIComponent(m[1]!);
  } catch {
    // Not valid percent-encoding: restic would refuse the URL; mask it as written.
  }
  return [...new Set([m[1]!, decoded])];
}

/** The values this store's child sees that must never be printed. */
function secretsOf(s: ResticStoreConfig): string[] {
  const out: string[] = [...urlPassword(s.repository)];
  if (s.passwordEnv) out.push(process.env[s.passwordEnv] ?? '');
  for (const from of Object.values(s.envFrom)) out.push(process.env[from] ?? '');
  return out.filter((v) => v.length > 0);
}

/**
 * restic's command line for a store: its extended options, then the command. Both ways of
 * running restic (runRestic, resticStream) build it here, so no command can go without them
 * (an sftp repository behind a non-standard port is unreachable without its sftp.command).
 */
export function resticArgs(s: ResticStoreConfig, args: readonly string[]): string[] {
  return [...Object.entries(s.options).flatMap(([k, v]) => ['-o', `${k}=${v}`]), ...args];
}

/** Text from restic, safe to show: store secrets and credentials by shape masked. */
export function redactRestic(s: ResticStoreConfig, text: string): string {
  return redactText(maskValues(text, secretsOf(s)));
}

/** The child's environment; checks the password source first, with errors naming the key. */
export async function resticEnv(deps: Pick<Deps, 'config' | 'dataDir'>, s: ResticStoreConfig): Promise<NodeJS.ProcessEnv> {
  const key = storeKey(deps, s);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    ...s.env,
    RESTIC_REPOSITORY: s.repository,
    RESTIC_CACHE_DIR: join(deps.dataDir, 'cache', 'restic'),
  };
  if (s.passwordFile) {
    try {
      await access(s.passwordFile, constants.R_OK);
    } catch (err) {
      throw new OpsError('config', `the password file of restic store "${s.name}" (${key}.passwordFile = ${s.passwordFile}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, {
        hint: 'Check the path and that this user can read it',
      });
    }
    env.RESTIC_PASSWORD_FILE = s.passwordFile;
  } else if (s.passwordEnv) {
    const value = process.env[s.passwordEnv];
    if (!value) {
      throw new OpsError('config', `the password of restic store "${s.name}" is to come from the environment variable ${s.passwordEnv} (${key}.passwordEnv), which is not set`, {
        hint: `Set ${s.passwordEnv} in the environment of storage-ops, or use ${key}.passwordFile`,
      });
    }
    registerSecret(value, 1);
    env.RESTIC_PASSWORD = value;
  }
  for (const [name, from] of Object.entries(s.envFrom)) {
    const value = process.env[from];
    if (value === undefined) {
      throw new OpsError('config', `restic store "${s.name}" needs the environment variable ${from} (${key}.envFrom.${name}), which is not set`, {
        hint: `Set ${from} in the environment of storage-ops`,
      });
    }
    registerSecret(value);
    env[name] = value;
  }
  // Whatever else prints text from this run (logs, job errors) masks the URL's password too.
  for (const v of urlPassword(s.repository)) registerSecret(v);
  await mkdir(env.RESTIC_CACHE_DIR as string, { recursive: true, mode: 0o700 }).catch(() => undefined);
  return env;
}

/** Turns restic's failure (its stderr tail, how it ended) into an error that says what to do. */
export function resticFailure(s: ResticStoreConfig, what: string, stderr: string, how: string): OpsError {
  const text = redactRestic(s, stderr);
  // restic asks "Is there a repository at the following location?" after any failure to read the
  // config file, a refused connection included: the question says nothing about the cause.
  const detail = text
    .trim()
    .split('\n')
    .filter((l) => l.trim() && !/^Is there a repository at the following location\?/.test(l))
    .map((l) => l.replace(/^Fatal: /, ''))
    .slice(-3)
    .join('; ');
  const where = `restic store "${s.name}"`;
  if (/wrong password or no key found/i.test(text)) {
    return new OpsError('config', `${what} failed: the repository of ${where} refused the password (wrong password or no key found)`, {
      hint: 'Check the store\'s passwordFile / passwordEnv: it must hold the password the repository was created with',
    });
  }
  const option = /option (\S+) is not known/i.exec(text);
  if (option) {
    return new OpsError('config', `${what} failed: restic does not know the option ${option[1]!} in the "options" of ${where}`, {
      hint: '`restic options` lists the options this restic version knows',
    });
  }
  if (/^strconv\.\w+: parsing /m.test(text)) {
    return new OpsError('config', `${what} failed: a value in the "options" of ${where} is not what restic expects: ${detail}`, {
      hint: '`restic options` says what each option takes',
    });
  }
  if (/repository is already locked/i.test(text)) {
    return new OpsError('busy', `${what} failed: the repository of ${where} is locked by another restic process`, {
      hint: 'Try again when it is done; a lock left by a killed process goes with `restic unlock`',
    });
  }
  // The causes below are checked before "no repository": restic words all of them as that question.
  if (/unable to start the sftp session|ssh command exited/i.test(text)) return sftpFailure(what, where, text, detail);
  if (/unexpected HTTP response \((?:401|403)\)|\b401 Unauthorized|\b403 Forbidden|AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/i.test(text)) {
    return new OpsError('config', `${what} failed: the backend of ${where} refused the login: ${detail}`, {
      hint: 'Check the store\'s credentials: the user and password in a rest: URL, the variables in envFrom',
    });
  }
  if (/connection refused|no such host|could not resolve|timeout|dial tcp|ssh: connect to host|network is unreachable|no route to host|connection reset|unable to open repository at/i.test(text)) {
    return new OpsError('unavailable', `${what} failed: the repository of ${where} cannot be reached: ${detail}`, {
      hint: 'Check that its server is up and reachable from this machine at the store\'s repository, then try again',
    });
  }
  if (/Is there a repository at the following location|unable to open config file|repository does not exist/i.test(text)) {
    return new OpsError('not_found', `${what} failed: there is no restic repository at the location of ${where} (not initialised yet, or the wrong location)`, {
      hint: `Create it with \`restic init\` (RESTIC_REPOSITORY and RESTIC_PASSWORD_FILE set as for the store), or set "init": true on the store to let storage-ops create it`,
    });
  }
  return new OpsError('unavailable', `${what} failed: restic ${how}${detail ? `: ${detail}` : ''}`);
}

/**
 * An sftp repository whose ssh session did not start. restic passes on what ssh said
 * ("subprocess ssh: ...") only when it wins a race with ssh's exit, so the same failure may come
 * with or without ssh's reason: the code is the same either way (unavailable), and the reason is
 * named when it is there.
 */
function sftpFailure(what: string, where: string, text: string, detail: string): OpsError {
  const ssh = text
    .split('\n')
    .filter((l) => l.startsWith('subprocess ssh: '))
    .map((l) => l.slice('subprocess ssh: '.length).trim().replace(/\.$/, ''));
  const said = ssh.length ? ssh.join('; ') : detail;
  const knownHosts = 'add the server\'s host key (after checking its fingerprint) to the known_hosts file ssh reads, or name one with -o UserKnownHostsFile=FILE in the store\'s options."sftp.command"';
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key is known for/i.test(text)) {
    return new OpsError('unavailable', `${what} failed: the repository of ${where} cannot be reached: ssh did not accept the sftp server's host key (unknown or changed): ${said}`, { hint: `If the server is the right one, ${knownHosts}` });
  }
  if (/Permission denied \(/i.test(text)) {
    return new OpsError('unavailable', `${what} failed: the repository of ${where} cannot be reached: the sftp server refused the login: ${said}`, {
      hint: 'Check the user in the repository and the key ssh offers (-i KEY in the store\'s options."sftp.command", or ~/.ssh of the user running storage-ops)',
    });
  }
  if (ssh.length) {
    return new OpsError('unavailable', `${what} failed: the repository of ${where} cannot be reached: ${said}`, {
      hint: 'Check that the sftp server is up and reachable from this machine (host and port in the repository or its options."sftp.command"), then try again',
    });
  }
  return new OpsError('unavailable', `${what} failed: the repository of ${where} cannot be reached: ssh ended before the sftp session started (${detail}); restic did not pass on ssh's reason`, {
    hint: `Run the store's options."sftp.command" (or ssh to the host) by hand to see why: the server may be down, or ssh refused its host key (${knownHosts}), or the server refused the key`,
  });
}

export interface ResticRun {
  stdout: string;
}

/** Runs restic to completion (short commands: snapshots, tag, forget, stats, check, init). */
export async function runRestic(
  deps: Pick<Deps, 'config' | 'dataDir'>,
  s: ResticStoreConfig,
  args: string[],
  opts: { what: string; signal?: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<ResticRun> {
  requireRestic(opts.what);
  const env = opts.env ?? (await resticEnv(deps, s));
  return new Promise<ResticRun>((resolve, reject) => {
    const child = spawn('restic', resticArgs(s, args), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString('utf8')).slice(-4000);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(e.code === 'ENOENT' ? new OpsError('unavailable', `${opts.what} needs the restic program, which is not installed on this machine`, { hint: 'Install it (apt-get install restic)' }) : new OpsError('internal', `${opts.what}: cannot run restic: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(new OpsError('cancelled', `${opts.what} was cancelled`));
      if (code === 0) return resolve({ stdout: Buffer.concat(out).toString('utf8') });
      reject(resticFailure(s, opts.what, err, signal ? `was killed by ${signal}` : `exited with status ${code}`));
    });
  });
}

const LOCK_RETRIES = 20;

/**
 * Runs a restic command that takes the repository's exclusive lock (tag, forget, prune, check),
 * waiting while other storage-ops runs (backups take a shared lock) hold it: restic 0.14 has no
 * --retry-lock of its own.
 */
export async function runResticExclusive(
  deps: Pick<Deps, 'config' | 'dataDir'>,
  s: ResticStoreConfig,
  args: string[],
  opts: { what: string; signal?: AbortSignal },
): Promise<ResticRun> {
  const env = await resticEnv(deps, s);
  for (let attempt = 1; ; attempt++) {
    try {
      return await runRestic(deps, s, args, { ...opts, env });
    } catch (err) {
      if (!(err instanceof OpsError && err.code === 'busy') || attempt >= LOCK_RETRIES) throw err;
      opts.signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, 500 + attempt * 250));
    }
  }
}

/** Repositories this process opened lately: each restic run costs a key derivation (~0.5 s), so the check is not repeated. */
const opened = new Map<string, number>();
const OPENED_FOR_MS = 60_000;

/** Makes sure the repository exists and opens with the password; creates it when the store says init. */
export async function ensureRepository(deps: Pick<Deps, 'config' | 'dataDir' | 'log'>, s: ResticStoreConfig, what: string, signal?: AbortSignal): Promise<void> {
  requireRestic(what);
  const key = `${s.name}\u0000${s.repository}`;
  if (performance.now() - (opened.get(key) ?? -Infinity) < OPENED_FOR_MS) return;
  try {
    await runRestic(deps, s, ['cat', 'config'], { what, signal });
  } catch (err) {
    if (!(err instanceof OpsError && err.code === 'not_found' && s.init)) throw err;
    await runRestic(deps, s, ['init'], { what: `creating the repository of restic store "${s.name}"`, signal });
    deps.log.info('restic repository created', { store: s.name });
  }
  opened.set(key, performance.now());
}

/** The arguments that make restic compress new data as the store says (commands that write data: backup, prune). */
export function compressionArgs(s: ResticStoreConfig): string[] {
  return ['--compression', s.compression];
}

/** restic as a stream stage (backup --stdin: write the tar in; dump: read it out). */
export async function resticStream(deps: Pick<Deps, 'config' | 'dataDir'>, s: ResticStoreConfig, args: string[], what: string): Promise<ProcessStream> {
  requireRestic(what);
  const env = await resticEnv(deps, s);
  return new ProcessStream('restic', resticArgs(s, args), what, 'internal', { env, failure: (stderr, how) => resticFailure(s, what, stderr, how) });
}

/** A snapshot as `restic snapshots --json` lists it. */
export interface ResticSnapshot {
  id: string;
  short_id?: string;
  time: string;
  hostname: string;
  paths: string[];
  tags?: string[];
}

export async function listSnapshots(deps: Pick<Deps, 'config' | 'dataDir'>, s: ResticStoreConfig, tags: string[], what: string, signal?: AbortSignal): Promise<ResticSnapshot[]> {
  const args = ['snapshots', '--json', ...(tags.length ? ['--tag', tags.join(',')] : [])];
  const { stdout } = await runRestic(deps, s, args, { what, signal });
  try {
    const parsed = JSON.parse(stdout || '[]') as ResticSnapshot[] | null;
    return parsed ?? [];
  } catch {
    throw new OpsError('internal', `${what}: restic snapshots --json printed something that is not JSON`);
  }
}

/** The value of a `key=value` tag, or null. */
export function tagValue(snap: Pick<ResticSnapshot, 'tags'>, key: string): string | null {
  const hit = (snap.tags ?? []).find((t) => t.startsWith(`${key}=`));
  return hit === undefined ? null : hit.slice(key.length + 1);
}
