import { describe, expect, it } from 'vitest';
import { migrationExitCode, statusLine, summaryLine, type MigrationOutcome } from './migration-report.ts';

const applied: MigrationOutcome = { name: 'instance1', status: 'applied', count: 5, ms: 1234 };
const current: MigrationOutcome = { name: 'portal', status: 'current', ms: 40 };
const failed: MigrationOutcome = { name: 'instance2', status: 'failed', reason: 'connect ECONNREFUSED 127.0.0.1:1', ms: 3 };

describe('migration report', () => {
  it('prints one status line per database: applied N, already current, or FAILED with the reason', () => {
    expect(statusLine(applied)).toBe('instance1: applied 5 migrations (1.2 s)');
    expect(statusLine({ ...applied, count: 1 })).toBe('instance1: applied 1 migration (1.2 s)');
    expect(statusLine(current)).toBe('portal: already current (0.0 s)');
    expect(statusLine(failed)).toBe('instance2: FAILED: connect ECONNREFUSED 127.0.0.1:1 (0.0 s)');
  });

  it('exits 1 when any database failed and 0 when none did', () => {
    expect(migrationExitCode([applied, current])).toBe(0);
    expect(migrationExitCode([applied, failed, current])).toBe(1);
  });

  it('sums up and names the failed databases', () => {
    expect(summaryLine([applied, failed, current])).toBe('2 of 3 databases migrated or current; failed: instance2');
  });
});
