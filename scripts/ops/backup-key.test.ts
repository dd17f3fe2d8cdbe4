import { describe, expect, it } from 'vitest';
import { backupKey, backupPrefix, formatBackupStamp, parseBackupKey, parseBackupStamp } from './backup-key.ts';

const T = new Date('2026-11-21T03:00:00.789Z');

describe('backup keys', () => {
  it('puts an instance under its tenant prefix and the portal under its own', () => {
    expect(backupKey('instance1', 'instance', T)).toBe('tenants/instance1/backups/2026-11-21T03-00-00Z.dump');
    expect(backupKey('portal', 'portal', T)).toBe('portal/backups/2026-11-21T03-00-00Z.dump');
  });

  it('writes the stamp in UTC to the second, with no colons', () => {
    expect(formatBackupStamp(new Date('2026-01-02T23:59:59.999+01:00'))).toBe('2026-01-02T22-59-59Z');
  });

  it('reads a stamp back in the key form and the ISO form', () => {
    expect(parseBackupStamp('2026-11-21T03-00-00Z')?.toISOString()).toBe('2026-11-21T03:00:00.000Z');
    expect(parseBackupStamp('2026-11-21T03:00:00Z')?.toISOString()).toBe('2026-11-21T03:00:00.000Z');
  });

  it.each(['2026-02-30T03-00-00Z', '2026-11-21T03-00-00', '2026-11-21', 'latest', '2026-11-21T25-00-00Z'])('refuses %s as a stamp', (text) => {
    expect(parseBackupStamp(text)).toBeNull();
  });

  it('recognises only keys it could have built under the prefix', () => {
    const prefix = backupPrefix('instance1', 'instance');
    expect(parseBackupKey(`${prefix}2026-11-21T03-00-00Z.dump`, prefix)).toEqual({ key: `${prefix}2026-11-21T03-00-00Z.dump`, time: new Date('2026-11-21T03:00:00Z') });
    for (const key of [`${prefix}notes.txt`, `${prefix}2026-11-21T03:00:00Z.dump`, `${prefix}old/2026-11-21T03-00-00Z.dump`, 'tenants/instance2/backups/2026-11-21T03-00-00Z.dump']) {
      expect(parseBackupKey(key, prefix), key).toBeNull();
    }
  });
});
