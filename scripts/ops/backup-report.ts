// What the backup commands print and how `backup` exits. Pure.
import type { BackupObject } from './backup-key.ts';
import type { RetentionPolicy } from './backup-retention.ts';

export type RetentionOutcome =
  | { ok: true; kept: number; deleted: string[] }
  /** Listing or a deletion failed: `deleted` are those that went before it did. */
  | { ok: false; reason: string; deleted: string[] };

export type BackupOutcome =
  | { name: string; status: 'backed-up'; key: string; size: number; sha256: string; ms: number; retention: RetentionOutcome }
  | { name: string; status: 'failed'; reason: string; ms: number };

/** 1234567 → "1.2 MB" (decimal units, as R2's dashboard shows sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1_000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

const seconds = (ms: number) => `(${(ms / 1000).toFixed(1)} s)`;

export function backupStatusLine(outcome: BackupOutcome): string {
  if (outcome.status === 'failed') return `${outcome.name}: FAILED: ${outcome.reason} ${seconds(outcome.ms)}`;
  return `${outcome.name}: backed up to ${outcome.key} (${formatBytes(outcome.size)}, ${outcome.size} bytes, sha256 ${outcome.sha256}) ${seconds(outcome.ms)}`;
}

export function retentionLine(name: string, policy: RetentionPolicy, outcome: RetentionOutcome): string {
  const rule = `keep ${policy.keepDaily} daily, ${policy.keepWeekly} weekly`;
  if (!outcome.ok) {
    const before = outcome.deleted.length ? `deleted before that: ${outcome.deleted.join(', ')}` : 'nothing deleted';
    return `${name}: retention (${rule}) FAILED: ${outcome.reason} (${before})`;
  }
  return `${name}: retention (${rule}): ${outcome.kept} kept, ${outcome.deleted.length} deleted${outcome.deleted.length ? `: ${outcome.deleted.join(', ')}` : ''}`;
}

export function backupSummaryLine(outcomes: readonly BackupOutcome[]): string {
  const failed = outcomes.filter((o) => o.status === 'failed').map((o) => o.name);
  const retentionFailed = outcomes.filter((o) => o.status === 'backed-up' && !o.retention.ok).map((o) => o.name);
  const n = outcomes.length;
  let line = `${n - failed.length} of ${n} database${n === 1 ? '' : 's'} backed up`;
  if (failed.length) line += `; failed: ${failed.join(', ')}`;
  if (retentionFailed.length) line += `; retention failed: ${retentionFailed.join(', ')}`;
  return line;
}

/** 1 when a backup or its retention failed: a failed cleanup left the bucket other than the policy says. */
export function backupExitCode(outcomes: readonly BackupOutcome[]): 0 | 1 {
  return outcomes.some((o) => o.status === 'failed' || !o.retention.ok) ? 1 : 0;
}

/** The `backups` listing: newest first, one line each, then a total. */
export function backupListing(name: string, prefix: string, backups: readonly Required<BackupObject>[], others: number): string[] {
  const lines = [`Backups of ${name} (${prefix}), newest first:`];
  const sorted = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime());
  for (const b of sorted) lines.push(`  ${b.time.toISOString().replace('.000Z', 'Z')}  ${formatBytes(b.size).padStart(9)}  ${b.key}`);
  const total = backups.reduce((sum, b) => sum + b.size, 0);
  lines.push(backups.length ? `${backups.length} backup${backups.length === 1 ? '' : 's'}, ${formatBytes(total)}` : 'no backups');
  if (others) lines.push(`(${others} other object${others === 1 ? '' : 's'} under ${prefix} not named like a backup: left alone by retention)`);
  return lines;
}
