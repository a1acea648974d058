/**
 * The restic store's pieces that need no repository: the config keys (errors name the key), the
 * parser of `restic backup --json` lines, the snapshot tags read back, and the redaction of what
 * restic prints (the password and backend secrets never reach an error).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { OpsError } from '../../src/core/errors.js';
import { ResticJsonSink } from '../../src/backup/restic-progress.js';
import { contentFromTags, contentTag, rootTag } from '../../src/backup/restic-tags.js';
import { resolveStore, resticArgs, resticEnv, resticFailure } from '../../src/backup/restic-store.js';
import type { ResticStoreConfig } from '../../src/config/restic-store-config.js';

function configError(backup: unknown): string {
  try {
    parseConfig({ backup }, 'test');
  } catch (e) {
    return (e as OpsError).message;
  }
  throw new Error('expected the config to be refused');
}

const store = { name: 'offsite', kind: 'restic', repository: '/srv/restic', passwordFile: '/etc/so/restic-pw' };

describe('backup.stores', () => {
  it('accepts a restic store and a default store, and resolves --store', () => {
    const config = parseConfig({ backup: { stores: [store], defaultStore: 'offsite' } }, 'test');
    expect(config.backup.stores[0]).toMatchObject({ ...store, env: {}, envFrom: {}, options: {}, init: false, compression: 'auto' });
    expect(resolveStore({ config }).name).toBe('offsite');
    expect(resolveStore({ config }, 'local')).toEqual({ kind: 'local', name: 'local' });
    expect(() => resolveStore({ config }, 'nope')).toThrow(/no backup store named "nope"/);
    expect(resolveStore({ config: parseConfig({}, 'test') })).toEqual({ kind: 'local', name: 'local' });
  });

  it('refuses bad entries with a message naming the key', () => {
    expect(configError({ stores: [{ ...store, passwordFile: undefined }] })).toMatch(/key "backup\.stores\[0\]\.passwordFile" is invalid: set exactly one of passwordFile .* and passwordEnv/);
    expect(configError({ stores: [{ ...store, passwordEnv: 'RESTIC_PW' }] })).toMatch(/backup\.stores\[0\]\.passwordFile/);
    expect(configError({ stores: [{ ...store, env: { AWS_SECRET_ACCESS_KEY: 'abc' } }] })).toMatch(/key "backup\.stores\[0\]\.env\.AWS_SECRET_ACCESS_KEY" is invalid: looks like a secret; .*envFrom/);
    expect(configError({ stores: [{ ...store, env: { RESTIC_PASSWORD: 'x' } }] })).toMatch(/backup\.stores\[0\]\.env\.RESTIC_PASSWORD" is invalid: RESTIC_PASSWORD is set by storage-ops itself/);
    expect(configError({ stores: [{ ...store, compression: 'fast' }] })).toMatch(/backup\.stores\[0\]\.compression" is invalid/);
    expect(configError({ stores: [{ ...store, env: { 'AWS-REGION': 'x' } }] })).toMatch(/backup\.stores\[0\]\.env\.AWS-REGION" is invalid: keys are environment variable names/);
    expect(configError({ stores: [store, store] })).toMatch(/backup\.stores\[1\]\.name" is invalid: duplicate store name "offsite"/);
    expect(configError({ stores: [{ ...store, name: 'local' }] })).toMatch(/backup\.stores\[0\]\.name" is invalid: "local" is the built-in/);
    expect(configError({ stores: [{ ...store, kind: 'borg' }] })).toMatch(/backup\.stores\[0\]\.kind/);
    expect(configError({ stores: [{ ...store, repsitory: '/x' }] })).toMatch(/backup\.stores\[0\]" has unknown key\(s\) "repsitory"/);
    expect(configError({ stores: [store], defaultStore: 'offsight' })).toMatch(/backup\.defaultStore" is invalid: names no store: use "local" or one of stores\[\]\.name \(offsite\)/);
  });

  it('takes restic extended options, refusing secrets, typos and options of another backend', () => {
    const sftp = { ...store, repository: 'sftp:backup@vault:/srv/restic' };
    const command = 'ssh -p 2222 -i /keys/id_backup -o BatchMode=yes -o UserKnownHostsFile=/keys/known_hosts backup@vault -s sftp';
    const config = parseConfig({ backup: { stores: [{ ...sftp, options: { 'sftp.command': command, 'sftp.connections': '2' } }] } }, 'test');
    const s = config.backup.stores[0] as ResticStoreConfig;
    expect(s.options).toEqual({ 'sftp.command': command, 'sftp.connections': '2' });
    // Every restic command line of the store starts with them.
    expect(resticArgs(s, ['snapshots', '--json'])).toEqual(['-o', `sftp.command=${command}`, '-o', 'sftp.connections=2', 'snapshots', '--json']);
    expect(resticArgs({ ...s, options: {} }, ['init'])).toEqual(['init']);
    const s3 = { ...store, repository: 's3:s3.eu-west-1.amazonaws.com/acme' };
    expect(parseConfig({ backup: { stores: [{ ...s3, options: { 's3.storage-class': 'STANDARD_IA' } }] } }, 'test').backup.stores[0]!.options).toEqual({ 's3.storage-class': 'STANDARD_IA' });
    expect(configError({ stores: [{ ...sftp, options: { command: 'ssh' } }] })).toMatch(/backup\.stores\[0\]\.options\.command" is invalid: keys are restic option names, backend\.name/);
    expect(configError({ stores: [{ ...sftp, options: { 'SFTP.Command': 'ssh' } }] })).toMatch(/options\.SFTP\.Command" is invalid: keys are restic option names/);
    expect(configError({ stores: [{ ...s3, options: { 's3.secret-key': 'abc' } }] })).toMatch(/backup\.stores\[0\]\.options\.s3\.secret-key" is invalid: looks like a secret; restic options are passed on its command line.*envFrom/);
    expect(configError({ stores: [{ ...sftp, options: { 'sftp.command': 'sshpass -p hunter2 ssh backup@vault -s sftp' } }] })).toMatch(/options\.sftp\.command" is invalid: the value holds what looks like a credential/);
    expect(configError({ stores: [{ ...sftp, options: { 'sftp.command': 'env SSHPASS_PASSWORD=hunter2 ssh vault -s sftp' } }] })).toMatch(/the value holds what looks like a credential/);
    expect(configError({ stores: [{ ...sftp, options: { 'sftp.command': 'ssh vault -s sftp\nrm -rf /' } }] })).toMatch(/options\.sftp\.command" is invalid: values are one line/);
    expect(configError({ stores: [{ ...store, repository: 'rest:https://vault:8000/', options: { 'sftp.command': command } }] })).toMatch(/options\.sftp\.command" is invalid: is an option of restic's sftp backend, but this store's repository uses the rest backend/);
    expect(configError({ stores: [{ ...store, options: { 's3.region': 'eu-west-1' } }] })).toMatch(/repository uses the local backend/);
  });

  it('tells an unreachable backend, a refused login and a missing repository apart', () => {
    const rest: ResticStoreConfig = { ...(store as unknown as ResticStoreConfig), name: 'vault', repository: 'rest:http://backup:s%3Acr3t-pw@127.0.0.1:8000/', env: {}, envFrom: {}, options: {}, init: true };
    const ask = 'Is there a repository at the following location?\nrest:http://backup:***@127.0.0.1:8000/';
    // restic asks its question after a refused connection too: that is no missing repository.
    const down = resticFailure(rest, 'backup', `Fatal: unable to open config file: client.Head: Head "http://backup:***@127.0.0.1:8000/config": dial tcp 127.0.0.1:8000: connect: connection refused\n${ask}`, 'exited with status 1');
    expect(down.code).toBe('unavailable');
    expect(down.message).toMatch(/^backup failed: the repository of restic store "vault" cannot be reached: .*connection refused/);
    expect(down.message).not.toMatch(/Is there a repository/);
    const login = resticFailure(rest, 'backup', `Fatal: unable to open config file: unexpected HTTP response (401): 401 Unauthorized\n${ask}`, 'exited with status 1');
    expect([login.code, login.message]).toEqual(['config', expect.stringMatching(/the backend of restic store "vault" refused the login: .*401 Unauthorized/)]);
    expect(resticFailure(rest, 'backup', `Fatal: unable to open config file: <config/> does not exist\n${ask}`, 'exited with status 1').code).toBe('not_found');
    // The password in the URL is masked as written and decoded, wherever restic (or a server) echoes it.
    const echoed = resticFailure(rest, 'backup', 'Fatal: s%3Acr3t-pw s:cr3t-pw http://backup:s%3Acr3t-pw@127.0.0.1:8000/ dial tcp: timeout', 'exited with status 1');
    expect(echoed.message).not.toMatch(/cr3t/);
    const sftp: ResticStoreConfig = { ...rest, name: 'far', repository: 'sftp:backup@vault:/srv/restic', options: { 'sftp.command': 'ssh -p 2222 backup@vault -s sftp' } };
    const session = 'Fatal: unable to open repository at sftp:backup@vault:/srv/restic: unable to start the sftp session, error: EOF';
    const hostKey = resticFailure(sftp, 'backup', `subprocess ssh: No ED25519 host key is known for [vault]:2222 and you have requested strict checking.\nsubprocess ssh: Host key verification failed.\n${session}`, 'exited with status 1');
    expect([hostKey.code, hostKey.message]).toEqual(['unavailable', expect.stringMatching(/restic store "far" cannot be reached: ssh did not accept the sftp server's host key .*Host key verification failed/)]);
    expect(hostKey.hint).toMatch(/known_hosts.*UserKnownHostsFile/);
    const denied = resticFailure(sftp, 'backup', `subprocess ssh: backup@vault: Permission denied (publickey).\n${session}`, 'exited with status 1');
    expect(denied.message).toMatch(/the sftp server refused the login: backup@vault: Permission denied/);
    // restic loses ssh's words when ssh exits first: the same code, and a hint that covers every cause.
    const silent = resticFailure(sftp, 'backup', session, 'exited with status 1');
    expect([silent.code, silent.message]).toEqual(['unavailable', expect.stringMatching(/cannot be reached: ssh ended before the sftp session started/)]);
    expect(silent.hint).toMatch(/sftp\.command.*by hand.*down.*host key.*key/);
    const unknown = resticFailure(sftp, 'backup', 'Fatal: option sftp.comand is not known', 'exited with status 1');
    expect([unknown.code, unknown.message]).toEqual(['config', 'backup failed: restic does not know the option sftp.comand in the "options" of restic store "far"']);
    expect(resticFailure(sftp, 'backup', 'strconv.ParseUint: parsing "two": invalid syntax', 'exited with status 1').message).toMatch(/a value in the "options" of restic store "far" is not what restic expects/);
  });

  it('gives restic only its own environment, with secrets from files or variables', async () => {
    const config = parseConfig({ backup: { stores: [{ name: 's', kind: 'restic', repository: 's3:s3.example.com/b', passwordEnv: 'SO_UT_RESTIC_PW', env: { AWS_DEFAULT_REGION: 'eu-west-1' }, envFrom: { AWS_SECRET_ACCESS_KEY: 'SO_UT_AWS_SECRET' } }] } }, 'test');
    const s = config.backup.stores[0] as ResticStoreConfig;
    const deps = { config, dataDir: '/tmp/so-ut-restic' };
    await expect(resticEnv(deps, s)).rejects.toThrow(/environment variable SO_UT_RESTIC_PW \(backup\.stores\[0\]\.passwordEnv\), which is not set/);
    process.env.SO_UT_RESTIC_PW = 'hunter2-restic-pw';
    await expect(resticEnv(deps, s)).rejects.toThrow(/needs the environment variable SO_UT_AWS_SECRET \(backup\.stores\[0\]\.envFrom\.AWS_SECRET_ACCESS_KEY\)/);
    process.env.SO_UT_AWS_SECRET = 'aws-secret-value-123';
    process.env.SLACK_BOT_TOKEN_UT = 'xoxb-not-for-restic';
    const env = await resticEnv(deps, s);
    expect(env).toMatchObject({ RESTIC_REPOSITORY: 's3:s3.example.com/b', RESTIC_PASSWORD: 'hunter2-restic-pw', AWS_SECRET_ACCESS_KEY: 'aws-secret-value-123', AWS_DEFAULT_REGION: 'eu-west-1', RESTIC_CACHE_DIR: '/tmp/so-ut-restic/cache/restic' });
    expect(Object.values(env)).not.toContain('xoxb-not-for-restic');
    // Whatever restic prints is masked before it becomes an error.
    const e = resticFailure(s, 'backup', 'Fatal: s3.getCredentials: aws-secret-value-123 hunter2-restic-pw rest:http://u:pa55word@h/', 'exited with status 1');
    expect(e.message).not.toMatch(/aws-secret-value-123|hunter2-restic-pw|pa55word/);
    expect(resticFailure(s, 'backup', 'Fatal: wrong password or no key found', 'exited with status 1').message).toMatch(/refused the password/);
    expect(resticFailure(s, 'backup', 'Fatal: unable to open config file: stat /x/config: no such file or directory\nIs there a repository at the following location?', 'exited with status 1').hint).toMatch(/restic init.*"init": true/);
    delete process.env.SO_UT_RESTIC_PW;
    delete process.env.SO_UT_AWS_SECRET;
    delete process.env.SLACK_BOT_TOKEN_UT;
  });
});

describe('restic backup --json output', () => {
  it('turns status lines into progress and keeps the summary, across chunk boundaries', async () => {
    const deltas: number[] = [];
    const sink = new ResticJsonSink((d) => deltas.push(d));
    const text = [
      '{"message_type":"status","percent_done":0,"total_files":1,"bytes_done":1000}',
      'not json',
      '{"message_type":"status","percent_done":0,"total_files":1,"bytes_done":2500}',
      '{"message_type":"summary","files_new":1,"data_added":1234,"total_bytes_processed":3000,"snapshot_id":"db1acd2d"}',
    ].join('\n');
    sink.write(Buffer.from(text.slice(0, 50)));
    sink.write(Buffer.from(text.slice(50)));
    await new Promise<void>((r) => sink.end(r));
    expect(deltas).toEqual([1000, 1500, 500]);
    expect(sink.summary).toEqual({ snapshotId: 'db1acd2d', dataAdded: 1234, totalBytesProcessed: 3000 });
  });
});

describe('snapshot tags', () => {
  it('carry the tar counts and the volume root, and read back', () => {
    const s = { tarBytes: 10240, entries: 5, files: 3, dirs: 1, symlinks: 1, hardlinks: 0, others: 0, dataBytes: 99, root: { mode: 0o750, uid: 999, gid: 998, mtime: 1262304000 } };
    const tags = ['storage-ops', contentTag({ ...s, root: s.root }), rootTag(s.root)];
    expect(tags[1]).not.toContain(',');
    expect(contentFromTags({ tags })).toEqual(s);
    expect(contentFromTags({ tags: ['storage-ops', contentTag(s), rootTag(null)] })).toEqual({ ...s, root: null });
    expect(contentFromTags({ tags: ['content=1:2'] })).toBeNull();
  });
});
