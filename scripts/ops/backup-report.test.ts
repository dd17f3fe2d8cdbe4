import { describe, expect, it } from 'vitest';
import { backupExitCode, backupSummaryLine, formatBytes, retentionLine, type BackupOutcome, type RetentionOutcome } from './backup-report.ts';

const ok = (name: string, retention: RetentionOutcome = { ok: true, kept: 3, deleted: [] }): BackupOutcome => ({
  name,
  status: 'backed-up',
  key: `tenants/${name}/backups/2026-11-21T03-00-00Z.dump`,
  size: 10,
  sha256: 'a'.repeat(64),
  ms: 100,
  retention,
});
const failed = (name: string): BackupOutcome => ({ name, status: 'failed', reason: 'connect ECONNREFUSED', ms: 5 });

describe('backup report', () => {
  it.each([
    [999, '999 B'],
    [32_140, '32.1 kB'],
    [5_200_000, '5.2 MB'],
    [6_400_000_000, '6.40 GB'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('exits 0 only when every backup and its retention succeeded', () => {
    expect(backupExitCode([ok('a'), ok('b')])).toBe(0);
    expect(backupExitCode([ok('a'), failed('b')])).toBe(1);
    expect(backupExitCode([ok('a', { ok: false, reason: 'HTTP 403', deleted: [] })])).toBe(1);
  });

  it('sums up failures of backups and of retention separately', () => {
    expect(backupSummaryLine([ok('a'), failed('b'), ok('portal', { ok: false, reason: 'x', deleted: [] })])).toBe('2 of 3 databases backed up; failed: b; retention failed: portal');
    expect(backupSummaryLine([ok('a')])).toBe('1 of 1 database backed up');
  });

  it('says what retention deleted, and how far it got when it failed', () => {
    const policy = { keepDaily: 7, keepWeekly: 4 };
    expect(retentionLine('a', policy, { ok: true, kept: 8, deleted: ['k1', 'k2'] })).toBe('a: retention (keep 7 daily, 4 weekly): 8 kept, 2 deleted: k1, k2');
    expect(retentionLine('a', policy, { ok: false, reason: 'storage DELETE k2 failed: HTTP 403', deleted: ['k1'] })).toBe(
      'a: retention (keep 7 daily, 4 weekly) FAILED: storage DELETE k2 failed: HTTP 403 (deleted before that: k1)',
    );
    expect(retentionLine('a', policy, { ok: false, reason: 'storage LIST failed', deleted: [] })).toBe('a: retention (keep 7 daily, 4 weekly) FAILED: storage LIST failed (nothing deleted)');
  });
});
