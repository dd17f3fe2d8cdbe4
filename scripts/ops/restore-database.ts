// `platform restore` (and the listing `backups` and `restore` share): download one backup into a private
// temp file, check it is byte for byte what `backup` uploaded (size and sha256 recorded at upload), then
// pg_restore it into the database in a single transaction. Nothing touches the database before the check.
import { join } from 'node:path';
import { parseBackupKey, type BackupObject } from './backup-key.ts';
import type { BackupSettings } from './backup-inputs.ts';
import { formatBytes } from './backup-report.ts';
import type { BackupStore } from './backup-store.ts';
import type { BackupTarget } from './backup-targets.ts';
import { describeError } from './describe-error.ts';
import { runPgRestore, serverVersion, toolVersion } from './pg-tools.ts';
import { versionProblem } from './pg-version.ts';
import { withPrivateTempDir } from './private-temp-dir.ts';
import { every } from './progress-ticker.ts';
import { redactSecrets } from './redact-url.ts';
import { RESTORE_FLAGS } from './restore-plan.ts';

export interface RestoreRun {
  store: BackupStore;
  settings: BackupSettings;
  say(line: string): void;
  progressEveryMs?: number;
}

export type RestoreOutcome = { ok: true; ms: number } | { ok: false; reason: string; ms: number };

export interface BackupListing {
  backups: Required<BackupObject>[];
  /** Objects under the prefix not named like a backup. */
  others: number;
}

export async function listBackups(store: BackupStore, prefix: string): Promise<BackupListing> {
  const objects = await store.list(prefix);
  const backups = objects.flatMap((o) => {
    const parsed = parseBackupKey(o.key, prefix);
    return parsed ? [{ ...parsed, size: o.size }] : [];
  });
  return { backups, others: objects.length - backups.length };
}

export async function restoreDatabase(target: BackupTarget, backup: BackupObject, run: RestoreRun): Promise<RestoreOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const say = (text: string) => run.say(`${target.name}: ${text}`);
  try {
    const stored = await run.store.head(backup.key);
    if (!stored) throw new Error(`${backup.key} is gone from the bucket`);
    const expected = stored.metadata.sha256 ?? '';
    if (!/^[0-9a-f]{64}$/.test(expected)) throw new Error(`${backup.key} has no sha256 metadata, so it cannot be verified (not made by \`platform backup\`?); not restoring`);

    const [restoreVersion, server] = await Promise.all([toolVersion(run.settings.pgRestore, 'PG_RESTORE'), serverVersion(target.url)]);
    const dumpedWith = stored.metadata['pg-dump-version'];
    if (dumpedWith && /^\d+(\.\d+)*$/.test(dumpedWith)) {
      const problem = versionProblem('pg_restore', restoreVersion, { major: Number(dumpedWith.split('.')[0]), text: dumpedWith }, 'the pg_dump that wrote the backup', 'PG_RESTORE');
      if (problem) throw new Error(problem);
    }

    await withPrivateTempDir(async (dir) => {
      const file = join(dir, 'restore.dump');
      say(`downloading ${backup.key} (${formatBytes(stored.size)})…`);
      const got = await every(run.progressEveryMs, (bytes) => say(`downloading… ${formatBytes(bytes)} of ${formatBytes(stored.size)}`), (progress) => run.store.download(backup.key, file, progress));
      if (got.sha256 !== expected || got.size !== stored.size) {
        throw new Error(
          `${backup.key} does not match what was backed up (sha256 ${got.sha256}, ${got.size} bytes; recorded sha256 ${expected}, ${stored.size} bytes): ` +
            'the object was changed or damaged in the bucket; not restoring, the database was not touched',
        );
      }
      say(`sha256 verified (${expected})`);
      say(`restoring into the database (pg_restore ${restoreVersion.text} ${RESTORE_FLAGS.join(' ')}, server ${server.text})…`);
      await runPgRestore(run.settings.pgRestore, target.url, file).catch((err: unknown) => {
        // --single-transaction: a failed restore rolled back, and saying so spares the operator a panic.
        throw new Error(`${describeError(err)} (the restore ran in one transaction and was rolled back: the database is as it was)`);
      });
    });
    return { ok: true, ms: ms() };
  } catch (err) {
    return { ok: false, reason: redactSecrets(describeError(err), target.url, [run.settings.s3.secretAccessKey]), ms: ms() };
  }
}
