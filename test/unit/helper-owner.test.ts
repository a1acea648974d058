/**
 * When a helper container counts as left behind: the owner rule (exact where we share the
 * owner's kernel boot and pid namespace, "unknown" elsewhere) and the sweep's use of it (age,
 * and the volume lock for backup/restore helpers). The real sweep is in the integration tests.
 */
import { describe, expect, it } from 'vitest';
import { HELPER_PROFILES, helperProfile } from '../../src/engine/helper-container.js';
import { HELPER_MAX_AGE_MS, ownerLabels, ownerState, procStartTicks, selfIdentity, type ProcessIdentity } from '../../src/engine/helper-owner.js';
import { leftoverReason, type HelperContainer } from '../../src/engine/helper-sweep.js';

const me: ProcessIdentity = { id: 'me', pid: 100, hostname: 'box', boot: 'boot-1', pidns: 'pid:[1]', start: '5000' };
const owner = (o: Partial<ProcessIdentity>): Record<string, string> => ownerLabels({ ...me, id: 'other', ...o });
/** pid → start ticks of the processes "running" now. */
const procs = (table: Record<number, string>) => (pid: number): string => table[pid] ?? '';

describe('helper owners', () => {
  it('reads our own start time from /proc', () => {
    expect(selfIdentity().start).toMatch(/^\d+$/);
    expect(procStartTicks(process.pid)).toBe(selfIdentity().start);
    expect(procStartTicks(2 ** 22 + 12345)).toBe('');
  });

  it('is exact where it sees the owner: same boot and pid namespace, whatever the hostname', () => {
    expect(ownerState(ownerLabels(me), me)).toBe('ours');
    expect(ownerState(owner({ pid: 7, start: '900' }), me, procs({ 7: '900' }))).toBe('alive');
    expect(ownerState(owner({ pid: 7, start: '900', hostname: 'other-uts' }), me, procs({ 7: '900' }))).toBe('alive');
    expect(ownerState(owner({ pid: 7, start: '900', hostname: 'other-uts' }), me, procs({}))).toBe('dead');
    // The pid was reused by another process: another start time.
    expect(ownerState(owner({ pid: 7, start: '900' }), me, procs({ 7: '4711' }))).toBe('dead');
    // A previous process of ours with our very pid (a recreated container) is not us.
    expect(ownerState(owner({ pid: 100, start: '12' }), me, procs({ 100: '5000' }))).toBe('dead');
  });

  it('cannot tell across machines, boots and pid namespaces', () => {
    expect(ownerState(owner({ boot: 'boot-2' }), me, procs({}))).toBe('unknown');
    expect(ownerState(owner({ pidns: 'pid:[2]' }), me, procs({}))).toBe('unknown');
    expect(ownerState({ 'storage-ops.helper': 'df' }, me)).toBe('unknown');
    expect(ownerState(owner({}), { ...me, boot: '' }, procs({}))).toBe('unknown');
  });
});

describe('leftover helpers', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  const helper = (purpose: string, labels: Record<string, string>, ageMs: number, volumes = ['db']): HelperContainer => ({
    id: 'c1', name: `storage-ops-${purpose}-1`, purpose, volumes, labels: { 'storage-ops.helper': purpose, ...labels }, createdMs: now - ageMs, state: 'created',
  });
  const stateOf = (labels: Record<string, string>) => ownerState(labels, me, procs({ 7: '900' }));

  it('removes helpers of dead owners at once, keeps live and our own', () => {
    expect(leftoverReason(helper('backup-read', owner({ pid: 8, start: '1' }), 1000), { now, stateOf })).toMatch(/^its owner \(pid 8 on box\) is gone$/);
    expect(leftoverReason(helper('bench', owner({ pid: 7, start: '900' }), 3 * HELPER_MAX_AGE_MS), { now, stateOf })).toBeNull();
    expect(leftoverReason(helper('backup-read', ownerLabels(me), 3 * HELPER_MAX_AGE_MS), { now, stateOf, lockedVolume: 'db' })).toBeNull();
  });

  it('removes helpers of owners it cannot see only when older than any run', () => {
    const far = owner({ boot: 'elsewhere', pid: 1, hostname: 'ctr-2' });
    expect(leftoverReason(helper('df', far, HELPER_MAX_AGE_MS - 60_000), { now, stateOf })).toBeNull();
    expect(leftoverReason(helper('df', far, HELPER_MAX_AGE_MS + 3_600_000), { now, stateOf })).toMatch(/^it is 25 h old, older than any run \(owner pid 1 on ctr-2\)$/);
  });

  it("under a volume's lock, removes that volume's backup/restore helpers of owners it cannot see", () => {
    const far = { ...owner({ boot: 'elsewhere', pid: 1, hostname: 'ctr-2' }), 'storage-ops.job': 'job-9' };
    expect(leftoverReason(helper('backup-read', far, 5000), { now, stateOf, lockedVolume: 'db' })).toBe('we hold the lock of volume db, so its owner (pid 1 on ctr-2 (job job-9)) no longer runs there');
    expect(leftoverReason(helper('restore-clear', far, 5000), { now, stateOf, lockedVolume: 'db' })).not.toBeNull();
    // Not that volume, or not a locked purpose (a benchmark runs without the lock): kept.
    expect(leftoverReason(helper('backup-read', far, 5000, ['db_data']), { now, stateOf, lockedVolume: 'db' })).toBeNull();
    expect(leftoverReason(helper('bench', far, 5000), { now, stateOf, lockedVolume: 'db' })).toBeNull();
    // A live owner is never overruled, lock or not (another data dir's run).
    expect(leftoverReason(helper('backup-read', owner({ pid: 7, start: '900' }), 5000), { now, stateOf, lockedVolume: 'db' })).toBeNull();
  });
});

describe('helper profiles', () => {
  it('gives capabilities back only to started helpers that need them', () => {
    for (const p of ['backup-read', 'restore-write', 'restore-root', 'df']) expect(helperProfile(p).capAdd).toEqual([]);
    expect(helperProfile('bench').capAdd).toEqual(['DAC_OVERRIDE']);
    expect(helperProfile('restore-clear').capAdd).toEqual(['DAC_OVERRIDE', 'FOWNER']);
    expect(helperProfile('something-new').capAdd).toEqual([]);
    for (const p of Object.values(HELPER_PROFILES)) {
      expect(p.memoryBytes).toBeGreaterThan(0);
      expect(p.pidsLimit).toBeGreaterThan(0);
    }
  });
});
