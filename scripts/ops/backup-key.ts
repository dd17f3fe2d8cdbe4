// Where a database's backups live in the bucket and how a backup's key encodes its time. Pure.
//   instance: tenants/<id>/backups/2026-11-21T03-00-00Z.dump
//   portal:   portal/backups/2026-11-21T03-00-00Z.dump
// The portal is not a tenant: keeping it outside tenants/ means removing a tenant's prefix can never touch
// it, and no instance id (the registry does not forbid "portal") can share its backups.
import type { MigrationRole } from './migration-targets.ts';

export interface BackupObject {
  key: string;
  /** When the dump started, from the key (second precision, UTC). */
  time: Date;
  /** Bytes, when listed. */
  size?: number;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})[-:](\d{2})[-:](\d{2})Z$/;
const EXTENSION = '.dump';

export function backupPrefix(name: string, role: MigrationRole): string {
  return role === 'portal' ? 'portal/backups/' : `tenants/${name}/backups/`;
}

/** 2026-11-21T03-00-00Z: ISO 8601 in UTC, colons as dashes so the key is a safe file name everywhere. */
export function formatBackupStamp(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new TypeError('formatBackupStamp needs a valid date');
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

export function backupKey(name: string, role: MigrationRole, at: Date): string {
  return `${backupPrefix(name, role)}${formatBackupStamp(at)}${EXTENSION}`;
}

/** The time of a stamp written as in keys (03-00-00Z) or as ISO (03:00:00Z); null for anything else. */
export function parseBackupStamp(text: string): Date | null {
  const m = STAMP.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const time = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 2026-02-30 over to March; a stamp that does not round-trip is not one of ours.
  return formatBackupStamp(time) === text.replace(/:/g, '-') ? time : null;
}

/** A key this module could have built under `prefix`, with its time; null for any other object there. */
export function parseBackupKey(key: string, prefix: string): BackupObject | null {
  if (!key.startsWith(prefix) || !key.endsWith(EXTENSION)) return null;
  const stamp = key.slice(prefix.length, -EXTENSION.length);
  if (stamp.includes(':')) return null;
  const time = parseBackupStamp(stamp);
  return time ? { key, time } : null;
}
