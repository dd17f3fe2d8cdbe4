import { describe, expect, it } from 'vitest';
import { backupSettings } from './backup-inputs.ts';

const S3 = {
  S3_ENDPOINT: 'https://account.r2.cloudflarestorage.com/',
  S3_BUCKET: 'wikiplatform-media',
  S3_ACCESS_KEY_ID: 'key-id',
  S3_SECRET_ACCESS_KEY: 'very-secret-value',
};

describe('backupSettings', () => {
  it('reads the bucket like the origins do, with R2 defaults, daily 7 / weekly 4 and the binaries on PATH', () => {
    expect(backupSettings(S3)).toEqual({
      ok: true,
      settings: {
        s3: { endpoint: 'https://account.r2.cloudflarestorage.com', bucket: 'wikiplatform-media', region: 'auto', accessKeyId: 'key-id', secretAccessKey: 'very-secret-value' },
        retention: { keepDaily: 7, keepWeekly: 4 },
        pgDump: 'pg_dump',
        pgRestore: 'pg_restore',
      },
    });
  });

  it('takes retention from the flags before the environment, and the binaries from PG_DUMP / PG_RESTORE', () => {
    const result = backupSettings(
      { ...S3, BACKUP_KEEP_DAILY: '14', BACKUP_KEEP_WEEKLY: '8', PG_DUMP: '/usr/lib/postgresql/16/bin/pg_dump', PG_RESTORE: '/opt/pg_restore' },
      { keepDaily: '3' },
    );
    expect(result.ok && result.settings).toMatchObject({ retention: { keepDaily: 3, keepWeekly: 8 }, pgDump: '/usr/lib/postgresql/16/bin/pg_dump', pgRestore: '/opt/pg_restore' });
  });

  it('names every bad input at once, and never a value of the secret', () => {
    const result = backupSettings({ S3_ENDPOINT: 'ftp://x', S3_SECRET_ACCESS_KEY: 'very-secret-value', BACKUP_KEEP_WEEKLY: 'four' }, { keepDaily: '-1' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(':')[0])).toEqual(['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', '--keep-daily', 'BACKUP_KEEP_WEEKLY']);
    expect(result.problems.join('\n')).not.toContain('very-secret-value');
  });
});
