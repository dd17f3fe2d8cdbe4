// `platform backup`: for each target in turn, pg_dump into a private temp file, upload it with its sha256
// (in parts when it is large), then apply retention to that database's backups. One failure never stops the rest.
import { join } from 'node:path';
import { backupKey, backupPrefix, parseBackupKey } from './backup-key.ts';
import type { BackupSettings } from './backup-inputs.ts';
import { applyRetention } from './backup-retention.ts';
import type { BackupOutcome, RetentionOutcome } from './backup-report.ts';
import { formatBytes } from './backup-report.ts';
import type { BackupStore } from './backup-store.ts';
import type { BackupTarget } from './backup-targets.ts';
import { describeError } from './describe-error.ts';
import { runPgDump, serverVersion, toolVersion } from './pg-tools.ts';
import { versionProblem } from './pg-version.ts';
import { withPrivateTempDir } from './private-temp-dir.ts';
import { every } from './progress-ticker.ts';
import { redactSecrets } from './redact-url.ts';
import { formatMiB } from './upload-plan.ts';

export interface BackupRun {
  store: BackupStore;
  settings: BackupSettings;
  /** One progress or status line about the target being backed up. */
  say(line: string): void;
  now?: () => Date;
  /** How often long steps report progress. */
  progressEveryMs?: number;
}

export async function backupDatabase(target: BackupTarget, run: BackupRun): Promise<BackupOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const say = (text: string) => run.say(`${target.name}: ${text}`);
  let key: string;
  let size: number;
  let sha256: string;
  try {
    const [dumpVersion, server] = await Promise.all([toolVersion(run.settings.pgDump, 'PG_DUMP'), serverVersion(target.url)]);
    const problem = versionProblem('pg_dump', dumpVersion, server, `the server of ${target.name}`, 'PG_DUMP');
    if (problem) throw new Error(problem);
    key = backupKey(target.name, target.role, (run.now ?? (() => new Date()))());
    // Two runs in the same second would share a key; the second must not replace the first.
    if (await run.store.head(key)) throw new Error(`${key} already exists; try again in a second`);
    ({ size, sha256 } = await withPrivateTempDir(async (dir) => {
      const file = join(dir, 'backup.dump');
      say(`dumping… (pg_dump ${dumpVersion.text}, server ${server.text})`);
      const dumped = await every(run.progressEveryMs, (bytes) => say(`dumping… ${formatBytes(bytes)} so far`), (progress) => runPgDump(run.settings.pgDump, target.url, file, progress));
      say(`dumped ${formatBytes(dumped.size)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const plan = run.store.planUpload(dumped.size);
      say(`uploading ${formatBytes(dumped.size)} to ${key}${plan.kind === 'multipart' ? ` in ${plan.parts.length} parts of ${formatMiB(plan.partSize)}` : ''}…`);
      const metadata = { sha256: dumped.sha256, 'pg-dump-version': dumpVersion.text, 'server-version': server.text };
      await every(run.progressEveryMs, (bytes) => say(`uploading… ${formatBytes(bytes)} of ${formatBytes(dumped.size)}`), (progress) => run.store.upload(key, file, dumped, metadata, progress));
      return dumped;
    }));
  } catch (err) {
    return { name: target.name, status: 'failed', reason: redactSecrets(describeError(err), target.url, [run.settings.s3.secretAccessKey]), ms: ms() };
  }
  const took = ms();
  return { name: target.name, status: 'backed-up', key, size, sha256, ms: took, retention: await retain(target, key, run) };
}

/** Deletes what the policy says among this database's backups, never `justMade`; objects not named like a backup stay. */
async function retain(target: BackupTarget, justMade: string, run: BackupRun): Promise<RetentionOutcome> {
  const prefix = backupPrefix(target.name, target.role);
  const deleted: string[] = [];
  try {
    const backups = (await run.store.list(prefix)).flatMap((o) => parseBackupKey(o.key, prefix) ?? []);
    const decision = applyRetention(backups, run.settings.retention, [justMade]);
    for (const key of decision.delete) {
      await run.store.delete(key);
      deleted.push(key);
    }
    return { ok: true, kept: decision.keep.length, deleted };
  } catch (err) {
    return { ok: false, reason: redactSecrets(describeError(err), target.url, [run.settings.s3.secretAccessKey]), deleted };
  }
}
