// Which backups to keep and which to delete. Pure: the caller lists the bucket and deletes.
//
//   - daily:  every backup of the newest `keepDaily` UTC days that have a backup (all of them, not one a
//             day: a backup taken by hand before a risky change must survive the next one that day);
//   - weekly: for each of the newest `keepWeekly` weeks (Monday to Sunday, UTC) that have a backup, that
//             week's newest backup — the weeks the daily rule covers count too;
//   - always: the newest backup, and every key in `protect` (the backup just made, whatever its clock said).
// Everything else is deleted. Days and weeks without a backup do not count, so a gap in the schedule never
// makes the policy delete the last good backups. With the daily schedule alone, the defaults keep a week of
// dailies and four weekly backups: 7 to 10 objects.
import type { BackupObject } from './backup-key.ts';

export interface RetentionPolicy {
  keepDaily: number;
  keepWeekly: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepDaily: 7, keepWeekly: 4 };

export type KeepReason = 'newest' | 'protected' | 'daily' | 'weekly';

export interface RetentionDecision {
  /** Newest first, each with why it stays. */
  keep: { key: string; reasons: KeepReason[] }[];
  /** Newest first. */
  delete: string[];
}

const DAY_MS = 86_400_000;

export function applyRetention(backups: readonly Pick<BackupObject, 'key' | 'time'>[], policy: RetentionPolicy, protect: readonly string[] = []): RetentionDecision {
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`retention ${name} must be a whole number ≥ 0`);
  }
  // Newest first; equal times fall back to the key so the outcome never depends on listing order.
  const sorted = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  const days = new Set<string>();
  const weeks = new Set<string>();
  const decision: RetentionDecision = { keep: [], delete: [] };
  for (const [index, backup] of sorted.entries()) {
    const reasons: KeepReason[] = [];
    if (index === 0) reasons.push('newest');
    if (protect.includes(backup.key)) reasons.push('protected');
    const day = dayOf(backup.time);
    if (!days.has(day) && days.size < policy.keepDaily) days.add(day);
    if (days.has(day)) reasons.push('daily');
    const week = weekOf(backup.time);
    if (!weeks.has(week) && weeks.size < policy.keepWeekly) {
      weeks.add(week);
      reasons.push('weekly');
    }
    if (reasons.length) decision.keep.push({ key: backup.key, reasons });
    else decision.delete.push(backup.key);
  }
  return decision;
}

function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** The week's Monday (UTC), as a date: a stable week label with no ISO week-year edge cases. */
function weekOf(time: Date): string {
  const midnight = Math.floor(time.getTime() / DAY_MS) * DAY_MS;
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  return dayOf(new Date(midnight - sinceMonday * DAY_MS));
}
