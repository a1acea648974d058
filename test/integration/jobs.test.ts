/**
 * Jobs across real processes against a real engine: a backup started by one CLI process is listed
 * and cancelled from others (it ends cancelled, leaving no archive and no catalog entry, and the
 * first process exits 130); the CLI's progress bar on a pseudo-terminal; a killed process's job
 * is marked interrupted by the next process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JobRecord } from '../../src/core/job-record.js';
import { cli, CLI_MAIN, docker } from '../harness/docker-cli.js';
import { cliEnv, describeDocker, engineByDriver, HELPER_TAG, uniqueName, type TestEngine } from '../harness/engines.js';

const jobsOf = (env: NodeJS.ProcessEnv, ...args: string[]): JobRecord[] => (JSON.parse(cli(['jobs', '--json', ...args], env).stdout) as { jobs: JobRecord[] }).jobs;

async function until<T>(what: string, probe: () => T | undefined | null | false): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeDocker('jobs across processes', () => {
  let engine: TestEngine;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const vol = uniqueName('job_vol');
  const app = uniqueName('job_app');

  beforeAll(async () => {
    engine = engineByDriver('overlay2');
    dataDir = mkdtempSync(join(tmpdir(), 'so-jobs-'));
    env = cliEnv(engine, dataDir);
    await docker(engine, 'volume', 'create', vol);
    await docker(engine, 'run', '--rm', '--network', 'none', '-v', `${vol}:/v`, HELPER_TAG, 'sh', '-c', 'head -c 4000000 /dev/urandom > /v/data && echo hi > /v/small');
    // The application's pre-backup command takes a while: the backup is surely running when cancelled.
    await docker(engine, 'run', '-d', '--name', app, '--network', 'none', '-v', `${vol}:/v`, '--label', 'storage-ops.backup-pre=sleep 30', HELPER_TAG, 'sleep', '3600');
  });

  afterAll(async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (!engine) return;
    await docker(engine, 'rm', '-f', app).catch(() => undefined);
    await docker(engine, 'volume', 'rm', '-f', vol).catch(() => undefined);
  });

  it('a backup started in one process is listed and cancelled from others', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'backup', vol], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

    const job = await until('the backup job to run', () => jobsOf(env, '--status', 'running').find((j) => j.op === 'volume_backup'));
    expect(job).toMatchObject({ verb: 'backup', host: 'local', input: { volumes: [vol] }, cancelRequestedBy: null });
    const shown = cli(['job', job.id], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^Job ${job.id}: backup on local by \\S+ — running`));

    const cancel = cli(['cancel', job.id], env);
    expect(cancel.stderr).toBe('');
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(new RegExp(`^Cancel requested for job ${job.id}`));

    expect(await exited).toBe(130);
    expect(stderr).toMatch(new RegExp(`job ${job.id} cancelled`));
    const ended = (JSON.parse(cli(['job', job.id, '--json'], env).stdout) as { job: JobRecord }).job;
    expect(ended).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect(ended.cancelRequestedBy).toMatch(/^cli:/);
    // No archive, no catalog entry, and the application runs on.
    const store = join(dataDir, 'backups');
    expect(existsSync(store) ? readdirSync(store).filter((f) => f.startsWith(vol)) : []).toEqual([]);
    expect((JSON.parse(cli(['backups', vol, '--json'], env).stdout) as { backups: unknown[] }).backups).toEqual([]);
    expect((await docker(engine, 'inspect', '-f', '{{.State.Running}}', app)).trim()).toBe('true');

    const again = cli(['cancel', job.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^error: job ${job.id} \\(backup\\) already ended cancelled at \\S+; there is nothing to cancel\\n$`));
    const unknown = cli(['job', 'zzzz2222'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: no job "zzzz2222"\. `storage-ops jobs` lists recent jobs/);
    expect(cli(['job', 'NOT-AN-ID'], env).code).toBe(2);
  });

  it('a job whose process was killed is marked interrupted by the next process', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'backup', vol], { env, stdio: 'ignore' });
    const job = await until('the backup job to run', () => jobsOf(env, '--status', 'running').find((j) => j.op === 'volume_backup'));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const after = jobsOf(env).find((j) => j.id === job.id);
    expect(after).toMatchObject({ status: 'interrupted', error: { message: expect.stringMatching(/stopped before the job ended/) } });
    const audit = cli(['audit', '--json', '--limit', '200'], env);
    expect(audit.stdout).toContain('"interrupted"');
    // The pre-backup exec went with the process's request; the helper it never created leaves nothing in use.
    await docker(engine, 'rm', '-f', app).catch(() => undefined);
  });

  it('shows a live progress bar on a terminal, and plain lines when stderr is not one', () => {
    const plain = spawnSync(process.execPath, [CLI_MAIN, 'verify', 'nonexistent_20260101_000000'], { env, encoding: 'utf8' });
    expect(plain.status).toBe(1);
    // A pseudo-terminal through script(1): the bar draws with cli-progress's blocks and a percentage.
    const vol2 = uniqueName('job_tty');
    spawnSync('docker', ['-H', engine.url, 'volume', 'create', vol2]);
    spawnSync('docker', ['-H', engine.url, 'run', '--rm', '--network', 'none', '-v', `${vol2}:/v`, HELPER_TAG, 'sh', '-c', 'head -c 3000000 /dev/urandom > /v/data']);
    const cmd = `${process.execPath} ${CLI_MAIN} backup ${vol2}`;
    const tty = spawnSync('script', ['-qefc', cmd, '/dev/null'], { env, encoding: 'utf8' });
    spawnSync('docker', ['-H', engine.url, 'volume', 'rm', '-f', vol2]);
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/backup backing up \S+ \[[█░]+\] \d+% [\d.]+[kM]?B\/[\d.]+[kM]?B/);
    expect(tty.stdout).toMatch(new RegExp(`Backed up ${vol2} on local`));
  });
});
