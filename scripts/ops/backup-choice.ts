// Which backup `restore --from` means: "latest", a stamp (key form or ISO), or a whole key from `backups`. Pure.
import { parseBackupKey, parseBackupStamp, type BackupObject } from './backup-key.ts';

export type BackupChoice = { ok: true; backup: BackupObject } | { ok: false; reason: 'none' | 'unknown' | 'malformed'; problem: string };

/** `backups` are the database's parsed backups, in any order. */
export function chooseBackup(backups: readonly BackupObject[], from: string, prefix: string): BackupChoice {
  const newestFirst = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime());
  if (newestFirst.length === 0) return { ok: false, reason: 'none', problem: `no backups under ${prefix}` };
  if (from === 'latest') return { ok: true, backup: newestFirst[0]! };
  const time = parseBackupKey(from, prefix)?.time ?? parseBackupStamp(from);
  if (!time) return { ok: false, reason: 'malformed', problem: `--from ${JSON.stringify(from)}: give "latest", a stamp like 2026-11-21T03-00-00Z, or a key listed by \`backups\`` };
  const match = newestFirst.find((b) => b.time.getTime() === time.getTime());
  if (match) return { ok: true, backup: match };
  const newest = newestFirst.slice(0, 5).map((b) => b.key.slice(prefix.length, -'.dump'.length));
  return { ok: false, reason: 'unknown', problem: `--from ${from}: no such backup under ${prefix} (newest: ${newest.join(', ')})` };
}
