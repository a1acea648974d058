/**
 * Pure parts of the backup feature: retention selection and its guard, backup naming and id
 * safety, manifest validation, the store scan and catalog rebuild, and the backup config.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildCatalog, listBackups, getBackup } from '../../src/backup/catalog.js';
import { planRetention, ruleFor } from '../../src/backup/retention.js';
import { archivePath, assertBackupId, candidateIds, scanStore, stamp, storeDir } from '../../src/backup/store.js';
import { parseConfig } from '../../src/config/load-config.js';
import { OpsError } from '../../src/core/errors.js';
import { MANIFEST_FORMAT, type BackupManifest } from '../../src/state/backup-record.js';
import { fakeDeps } from './fakes.js';

export function manifest(over: Partial<BackupManifest> & { id: string }): BackupManifest {
  const volume = over.volume ?? over.id.replace(/_\d{8}_\d{6}(-\d+)?$/, '');
  return {
    format: MANIFEST_FORMAT,
    kind: 'manual',
    reason: null,
    volume,
    host: 'local',
    volumeDriver: 'local',
    labels: {},
    createdAt: '2026-11-30T12:00:00.000Z',
    finishedAt: '2026-11-30T12:00:01.000Z',
    durationMs: 1000,
    actor: 'test',
    archive: { file: `${over.id}.tar.zst`, bytes: 100, sha256: 'a'.repeat(64), format: 'tar', compression: 'zstd', encryption: null },
    content: { tarBytes: 2048, entries: 1, files: 1, dirs: 0, symlinks: 0, hardlinks: 0, others: 0, dataBytes: 5, root: null },
    consistency: { stoppedContainers: [], hooks: [] },
    verification: null,
    tool: { name: 'storage-ops', version: 'test' },
    ...over,
  };
}

const day = (n: number): string => new Date(Date.parse('2026-11-30T12:00:00Z') - n * 86_400_000).toISOString();
const now = new Date('2026-11-30T12:00:00Z');
const verifiedOk = { at: day(0), ok: true, level: 'full' as const, detail: 'ok' };

describe('retention', () => {
  const series = [0, 1, 2, 5, 10, 20, 40].map((d) => manifest({ id: `db_2026110${d % 10}_0000${String(d).padStart(2, '0')}`, volume: 'db', createdAt: day(d) }));

  const kept = (rule: { days: number | null; keepLast: number | null }, records = series): number[] =>
    planRetention(records, () => rule, now)
      .filter((d) => d.keep)
      .map((d) => Math.round((now.getTime() - Date.parse(d.record.createdAt)) / 86_400_000))
      .sort((a, b) => a - b);

  it('keeps by age, by count, and by either when both are set', () => {
    expect(kept({ days: 7, keepLast: null })).toEqual([0, 1, 2, 5]);
    expect(kept({ days: null, keepLast: 3 })).toEqual([0, 1, 2]);
    expect(kept({ days: 3, keepLast: 5 })).toEqual([0, 1, 2, 5, 10]);
    expect(kept({ days: null, keepLast: null })).toEqual([0, 1, 2, 5, 10, 20, 40]);
  });

  it('never deletes the newest verified backup, nor the newest while none is verified', () => {
    const old = series.map((r) => ({ ...r, createdAt: day(100 + Number(r.createdAt.slice(8, 10))) }));
    const none = planRetention(old, () => ({ days: 7, keepLast: null }), now);
    expect(none.filter((d) => d.keep)).toHaveLength(1);
    expect(none.find((d) => d.keep)?.reasons[0]).toMatch(/newest backup, and none is verified yet/);

    const withVerified = series.map((r, i) => (i === 4 ? { ...r, verification: verifiedOk } : r));
    const plan = planRetention(withVerified, () => ({ days: null, keepLast: 1 }), now);
    expect(plan.filter((d) => d.keep).map((d) => d.record.id)).toEqual([series[0]!.id, series[4]!.id]);
    expect(plan.find((d) => d.record.id === series[4]!.id)?.reasons).toEqual(['newest verified backup (never pruned)']);
    // A failed or checksum-only verification protects nothing.
    const failed = series.map((r, i) => (i === 4 ? { ...r, verification: { ...verifiedOk, ok: false } } : i === 5 ? { ...r, verification: { ...verifiedOk, level: 'checksum' as const } } : r));
    expect(planRetention(failed, () => ({ days: null, keepLast: 1 }), now).filter((d) => d.keep)).toHaveLength(1);
  });

  it('decides per host and volume', () => {
    const records = [
      manifest({ id: 'a_20261101_000000', volume: 'a', createdAt: day(30) }),
      manifest({ id: 'a_20261102_000000', volume: 'a', createdAt: day(29) }),
      manifest({ id: 'a_20261102_000000-2', volume: 'a', host: 'other', createdAt: day(29) }),
      manifest({ id: 'b_20261101_000000', volume: 'b', createdAt: day(30) }),
    ];
    const plan = planRetention(records, () => ({ days: 1, keepLast: null }), now);
    expect(plan.filter((d) => !d.keep).map((d) => d.record.id)).toEqual(['a_20261101_000000']);
  });

  it('takes per-volume overrides and explicit flags over the defaults', () => {
    const r = parseConfig({ backup: { retention: { days: 7, keepLast: 2, volumes: { db: { keepLast: 10 }, logs: { days: null } } } } }, 'test').backup.retention;
    expect(ruleFor(r, 'app')).toEqual({ days: 7, keepLast: 2 });
    expect(ruleFor(r, 'db')).toEqual({ days: 7, keepLast: 10 });
    expect(ruleFor(r, 'logs')).toEqual({ days: null, keepLast: 2 });
    expect(ruleFor(r, 'db', { keepLast: 1 })).toEqual({ days: 7, keepLast: 1 });
  });
});

describe('backup names and ids', () => {
  it('names backups <volume>_<YYYYMMDD_HHmmss> in UTC, then -2, -3', () => {
    const at = new Date('2026-01-05T03:04:05.678Z');
    expect(stamp(at)).toBe('20260105_030405');
    const ids = candidateIds('db_data', at);
    expect([ids.next().value, ids.next().value, ids.next().value]).toEqual(['db_data_20260105_030405', 'db_data_20260105_030405-2', 'db_data_20260105_030405-3']);
  });

  it.each(['../x', 'x', '../../etc/passwd_20260101_000000', 'a/b_20260101_000000', '.hidden_20260101_000000', 'db_20260101_0000', 'db_20260101_000000/', ''])(
    'refuses %j before touching the filesystem',
    (id) => {
      expect(() => assertBackupId(id)).toThrow(OpsError);
      try {
        assertBackupId(id);
      } catch (e) {
        expect((e as OpsError).code).toBe('invalid_input');
        expect((e as OpsError).message).toContain('is not a backup id');
      }
    },
  );

  it('accepts real ids', () => {
    for (const id of ['db_data_20260101_000000', 'my.vol-1_20261231_235959-12']) expect(() => assertBackupId(id)).not.toThrow();
  });

  it('refuses manifests that point outside their own archive name', () => {
    for (const file of ['../../etc/passwd', 'other_20260101_000000.tar.zst', 'db_20260101_000000.tar.zst/../../x', 'db_20260101_000000.sh']) {
      expect(() => archivePath('/store', { id: 'db_20260101_000000', archive: { ...manifest({ id: 'db_20260101_000000' }).archive, file } })).toThrow(/unexpected archive file/);
    }
    expect(archivePath('/store', manifest({ id: 'db_20260101_000000' }))).toBe('/store/db_20260101_000000.tar.zst');
  });
});

describe('store scan and catalog rebuild', () => {
  it('rebuilds the catalog from sidecar manifests, reporting what it cannot use', async () => {
    const deps = await fakeDeps();
    const dir = storeDir(deps);
    expect(dir).toBe(join(deps.dataDir, 'backups'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const good = manifest({ id: 'db_20261130_120000', archive: { ...manifest({ id: 'db_20261130_120000' }).archive, bytes: 3 } });
    writeFileSync(join(dir, 'db_20261130_120000.tar.zst'), 'abc');
    writeFileSync(join(dir, 'db_20261130_120000.manifest.json'), JSON.stringify(good));
    writeFileSync(join(dir, 'gone_20261130_120000.manifest.json'), JSON.stringify(manifest({ id: 'gone_20261130_120000' })));
    writeFileSync(join(dir, 'bad_20261130_120000.manifest.json'), '{ nope');
    writeFileSync(join(dir, 'orphan_20261130_120000.tar.gz'), 'x');
    writeFileSync(join(dir, '.db_data.tar.zst.999999.0badc0de.tmp'), 'partial');
    await deps.state.update((d) => {
      d.backups = [manifest({ id: 'stale_20261130_120000' })];
    });

    const r = await rebuildCatalog(deps);
    expect(r.added).toEqual(['db_20261130_120000']);
    expect(r.dropped).toEqual(['stale_20261130_120000']);
    expect(r.scan.orphans).toEqual(['orphan_20261130_120000.tar.gz']);
    expect(r.scan.partials).toEqual([{ name: '.db_data.tar.zst.999999.0badc0de.tmp', pid: 999999, live: false }]);
    expect(r.scan.problems.join('\n')).toMatch(/bad_20261130_120000\.manifest\.json: manifest .* is not valid JSON/);
    expect(r.scan.problems.join('\n')).toMatch(/gone_20261130_120000: its archive gone_20261130_120000\.tar\.zst is missing/);
    expect((await listBackups(deps)).map((b) => b.id)).toEqual(['db_20261130_120000']);
    // Unknown ids are not_found; an id only in the store is still found.
    await deps.state.update((d) => {
      d.backups = [];
    });
    expect((await getBackup(deps, 'db_20261130_120000')).id).toBe('db_20261130_120000');
    await expect(getBackup(deps, 'nope_20261130_120000')).rejects.toMatchObject({ code: 'not_found' });
    await expect(getBackup(deps, '../x')).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await scanStore(join(deps.dataDir, 'no-such-dir'))).manifests).toEqual([]);
  });
});

describe('backup config', () => {
  it('has safe defaults and refuses bad keys, recipients and combinations', () => {
    expect(parseConfig({}, 'test').backup).toEqual({ compression: 'zstd', encrypt: false, recipients: [], retention: { days: 7, keepLast: null, volumes: {} }, stores: [], defaultStore: 'local' });
    expect(() => parseConfig({ backup: { compresion: 'zstd' } }, 'test')).toThrow(/key "backup" has unknown key\(s\) "compresion"/);
    expect(() => parseConfig({ backup: { recipients: ['age1abc'] } }, 'test')).toThrow(/backup\.recipients\[0\]" is invalid: is not an age X25519 recipient/);
    expect(() => parseConfig({ backup: { encrypt: true } }, 'test')).toThrow(/encrypt is true but no recipients/);
    expect(() => parseConfig({ backup: { compression: 'gzip', compressionLevel: 12 } }, 'test')).toThrow(/gzip levels are 1-9/);
    expect(() => parseConfig({ backup: { retention: { volumes: { '../x': { days: 1 } } } } }, 'test')).toThrow(/backup\.retention\.volumes/);
    const dataDir = mkdtempSync(join(tmpdir(), 'so-cfg-'));
    expect(storeDir({ dataDir, config: parseConfig({ backup: { dir: 'elsewhere' } }, 'test') })).toBe(join(dataDir, 'elsewhere'));
    expect(storeDir({ dataDir, config: parseConfig({ backup: { dir: '/srv/backups' } }, 'test') })).toBe('/srv/backups');
  });
});
