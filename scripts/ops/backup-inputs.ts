// What the backup commands need besides the registry and database URLs: the bucket (the S3_* variables the
// origins read, validated the same way), the retention counts and the PostgreSQL client binaries. Pure:
// the caller hands in the environment and the flags; every problem is named at once.
import { loadS3Settings, type S3Settings } from '#shared/s3-settings';
import { DEFAULT_RETENTION, type RetentionPolicy } from './backup-retention.ts';

export interface BackupSettings {
  s3: S3Settings;
  retention: RetentionPolicy;
  /** Binary paths or names on PATH. */
  pgDump: string;
  pgRestore: string;
}

export interface RetentionFlags {
  keepDaily?: string;
  keepWeekly?: string;
}

export type BackupSettingsResult = { ok: true; settings: BackupSettings } | { ok: false; problems: string[] };

const MAX_KEEP = 1000;

export function backupSettings(env: Readonly<Record<string, string | undefined>>, flags: RetentionFlags = {}): BackupSettingsResult {
  const problems: string[] = [];
  const s3 = loadS3Settings(env);
  if (!s3.ok) problems.push(...s3.problems.map((p) => `${p} (the bucket backups go to: R2's S3 API in production)`));
  const keepDaily = count(flags.keepDaily, '--keep-daily', env.BACKUP_KEEP_DAILY, 'BACKUP_KEEP_DAILY', DEFAULT_RETENTION.keepDaily, problems);
  const keepWeekly = count(flags.keepWeekly, '--keep-weekly', env.BACKUP_KEEP_WEEKLY, 'BACKUP_KEEP_WEEKLY', DEFAULT_RETENTION.keepWeekly, problems);
  if (!s3.ok || problems.length) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      s3: s3.settings,
      retention: { keepDaily: keepDaily!, keepWeekly: keepWeekly! },
      pgDump: env.PG_DUMP || 'pg_dump',
      pgRestore: env.PG_RESTORE || 'pg_restore',
    },
  };
}

/** The flag if given, else the variable if set, else the default; a whole number 0…1000 either way. */
function count(flag: string | undefined, flagName: string, variable: string | undefined, variableName: string, fallback: number, problems: string[]): number | undefined {
  const [text, source] = flag !== undefined ? [flag, flagName] : variable ? [variable, variableName] : [undefined, ''];
  if (text === undefined) return fallback;
  const value = /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(value <= MAX_KEEP)) {
    problems.push(`${source}: must be a whole number from 0 to ${MAX_KEEP} (got ${JSON.stringify(text)})`);
    return undefined;
  }
  return value;
}
