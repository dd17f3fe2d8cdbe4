// Media rows: pending uploads (reserved against the quota), confirmed files, usage, and the sweep.
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { Sql } from 'postgres';
import { users } from '../schema.ts';
import { media, mediaSchema, mediaTombstones, mediaUploads, type MediaSchema } from './schema.ts';

export type MediaDb = PostgresJsDatabase<MediaSchema>;

export function mediaDb(client: Sql): MediaDb {
  return drizzle({ client, schema: mediaSchema });
}

// One lock for the instance's quota: two uploads signed at once must not both fit in the last free bytes.
const QUOTA_LOCK_KEY = 7_406_311_006;

export interface PendingUpload {
  key: string;
  filename: string;
  contentType: string;
  size: number;
  checksum: string | null;
  userId: number;
  expiresAt: Date;
}

export interface ReserveLimits {
  /** The instance's storage quota: confirmed files plus everyone's unexpired reservations. */
  quotaBytes: number;
  /** What this user may have reserved and not yet confirmed (unexpired reservations), this one included. */
  userPendingBytes: number;
}

export type ReserveResult =
  | { ok: true }
  | { ok: false; reason: 'user_pending'; pendingBytes: number; limitBytes: number; nextExpiry: Date | null }
  | { ok: false; reason: 'quota'; usedBytes: number };

/**
 * Records a pending upload if it fits both the user's pending allowance and the instance quota, under
 * one lock: two uploads signed at once must not both fit in the last free bytes, of either.
 */
export async function reserveUpload(db: MediaDb, upload: PendingUpload, limits: ReserveLimits, now: Date): Promise<ReserveResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${QUOTA_LOCK_KEY})`);
    const mine = await tx.execute<{ pending: string; next_expiry: Date | string | null }>(sql`
      select coalesce(sum(size), 0)::text as pending, min(expires_at) as next_expiry
        from media_uploads where user_id = ${upload.userId} and expires_at > ${now.toISOString()}`);
    const pendingBytes = Number(mine[0]?.pending ?? 0);
    if (pendingBytes + upload.size > limits.userPendingBytes) {
      const next = mine[0]?.next_expiry;
      return { ok: false, reason: 'user_pending', pendingBytes, limitBytes: limits.userPendingBytes, nextExpiry: next ? new Date(next) : null };
    }
    const usedBytes = await bytesInUse(tx, now);
    if (usedBytes + upload.size > limits.quotaBytes) return { ok: false, reason: 'quota', usedBytes };
    await tx.insert(mediaUploads).values(upload);
    return { ok: true };
  });
}

/**
 * Reserves the files of a wiki import together, under the quota lock: all of them fit, or none is
 * reserved. (No per-user allowance: nothing is signed for a browser, the origin stores them itself.)
 */
export async function reserveImport(db: MediaDb, uploads: readonly PendingUpload[], quotaBytes: number, now: Date): Promise<{ ok: true } | { ok: false; usedBytes: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${QUOTA_LOCK_KEY})`);
    const usedBytes = await bytesInUse(tx, now);
    const total = uploads.reduce((sum, u) => sum + u.size, 0);
    if (usedBytes + total > quotaBytes) return { ok: false, usedBytes };
    if (uploads.length > 0) await tx.insert(mediaUploads).values([...uploads]);
    return { ok: true };
  });
}

/** What inserts into the media tables: the media database, or a transaction of the wiki's on the same database. */
type MediaWriter = Pick<MediaDb, 'insert' | 'delete'>;

/** Turns an import's reservations into media records, inside the transaction that writes its pages. */
export async function recordImported(tx: MediaWriter, files: readonly { key: string; filename: string; contentType: string; size: number; etag: string | null }[], userId: number): Promise<void> {
  if (files.length === 0) return;
  const keys = files.map((f) => f.key);
  const released = await tx.delete(mediaUploads).where(and(inArray(mediaUploads.key, keys), eq(mediaUploads.userId, userId))).returning({ key: mediaUploads.key });
  // A reservation swept meanwhile (an import slower than its expiry) took its object with it.
  if (released.length !== keys.length) throw new Error(`${keys.length - released.length} imported file reservations expired before the import was written`);
  await tx.insert(media).values(files.map((f) => ({ key: f.key, filename: f.filename, contentType: f.contentType, size: f.size, etag: f.etag, uploadedBy: userId })));
}

/** Drops reservations whose objects are known gone (an import that failed after storing them). */
export async function releaseReservations(db: MediaDb, keys: readonly string[]): Promise<void> {
  if (keys.length > 0) await db.delete(mediaUploads).where(inArray(mediaUploads.key, [...keys]));
}

async function bytesInUse(db: Pick<MediaDb, 'execute'>, now: Date): Promise<number> {
  const rows = await db.execute<{ used: string }>(sql`
    select (coalesce((select sum(size) from media), 0)
          + coalesce((select sum(size) from media_uploads where expires_at > ${now.toISOString()}), 0))::text as used`);
  return Number(rows[0]?.used ?? 0);
}

export async function findPending(db: MediaDb, key: string, userId: number) {
  const [row] = await db
    .select()
    .from(mediaUploads)
    .where(and(eq(mediaUploads.key, key), eq(mediaUploads.userId, userId)));
  return row;
}

/**
 * Drops a reservation whose object was refused and deleted, leaving a tombstone until its URL (and any
 * PUT started with it) is over: the URL is reusable, and a second PUT must not leave an untracked object.
 */
export async function dropPending(db: MediaDb, key: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [pending] = await tx.delete(mediaUploads).where(eq(mediaUploads.key, key)).returning({ expiresAt: mediaUploads.expiresAt });
    if (pending) await addTombstone(tx, key, pending.expiresAt);
  });
}

const recordColumns = {
  id: media.id,
  key: media.key,
  filename: media.filename,
  contentType: media.contentType,
  size: media.size,
  etag: media.etag,
  createdAt: media.createdAt,
  uploadedBy: media.uploadedBy,
  uploaderName: users.name,
};

export type MediaRow = {
  id: number;
  key: string;
  filename: string;
  contentType: string;
  size: number;
  /** The storage's ETag when the file was recorded. */
  etag: string | null;
  createdAt: Date;
  uploadedBy: number | null;
  uploaderName: string | null;
};

/** Turns a pending upload into a media record, in one transaction; null when it was already confirmed or swept. */
export async function confirmUpload(db: MediaDb, key: string, userId: number, etag: string | null): Promise<MediaRow | null> {
  const id = await db.transaction(async (tx) => {
    const [pending] = await tx
      .delete(mediaUploads)
      .where(and(eq(mediaUploads.key, key), eq(mediaUploads.userId, userId)))
      .returning();
    if (!pending) return null;
    const [row] = await tx
      .insert(media)
      .values({ key, filename: pending.filename, contentType: pending.contentType, size: pending.size, etag, uploadedBy: userId })
      .returning({ id: media.id });
    return row!.id;
  });
  return id === null ? null : findMedia(db, { id });
}

export async function findMedia(db: MediaDb, by: { id: number } | { key: string }): Promise<MediaRow | null> {
  const [row] = await db
    .select(recordColumns)
    .from(media)
    .leftJoin(users, eq(users.id, media.uploadedBy))
    .where('id' in by ? eq(media.id, by.id) : eq(media.key, by.key));
  return row ?? null;
}

/** The records stored under any of `keys`, in one query, by key. */
export async function findMediaByKeys(db: MediaDb, keys: readonly string[]): Promise<Map<string, MediaRow>> {
  if (keys.length === 0) return new Map();
  const rows = await db.select(recordColumns).from(media).leftJoin(users, eq(users.id, media.uploadedBy)).where(inArray(media.key, [...keys]));
  return new Map(rows.map((row) => [row.key, row]));
}

/** Newest first; `before` is the id the previous page ended with. */
export async function listMedia(db: MediaDb, options: { limit: number; before?: number }): Promise<MediaRow[]> {
  return db
    .select(recordColumns)
    .from(media)
    .leftJoin(users, eq(users.id, media.uploadedBy))
    .where(options.before ? lt(media.id, options.before) : undefined)
    .orderBy(desc(media.id))
    .limit(options.limit);
}

/**
 * Deletes a media record (its object is already deleted) and, when a PUT URL signed for its key may still
 * be used (`urlUsableUntil`: URL expiry plus the upload grace, in the future), tombstones the key in the
 * same transaction so the sweeper deletes whatever that URL puts back.
 */
export async function deleteMediaRow(db: MediaDb, id: number, tombstone: { key: string; urlUsableUntil: Date; now: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(media).where(eq(media.id, id));
    if (tombstone.urlUsableUntil > tombstone.now) await addTombstone(tx, tombstone.key, tombstone.urlUsableUntil);
  });
}

type Tx = Parameters<Parameters<MediaDb['transaction']>[0]>[0];

async function addTombstone(tx: Tx, key: string, expiresAt: Date): Promise<void> {
  await tx
    .insert(mediaTombstones)
    .values({ key, expiresAt })
    .onConflictDoUpdate({ target: mediaTombstones.key, set: { expiresAt: sql`greatest(${mediaTombstones.expiresAt}, excluded.expires_at)` } });
}

export interface Tombstone {
  key: string;
  expiresAt: Date;
}

/** Tombstones to act on, the ones expiring first first. */
export async function listTombstones(db: MediaDb, limit: number): Promise<Tombstone[]> {
  return db.select({ key: mediaTombstones.key, expiresAt: mediaTombstones.expiresAt }).from(mediaTombstones).orderBy(mediaTombstones.expiresAt).limit(limit);
}

/**
 * Deletes whatever is stored under a tombstoned key, unless a media record owns the key (never the case
 * for keys built from a fresh random id, but an object that is listed must not vanish). Once the tombstone
 * has expired it is dropped after this last delete; a failed delete leaves it for the next pass. Returns
 * whether the tombstone was dropped.
 */
export async function sweepTombstone(db: MediaDb, key: string, now: Date, deleteObject: (key: string) => Promise<void>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.execute<{ expired: boolean; owned: boolean }>(sql`
      select expires_at < ${now.toISOString()} as expired, exists (select 1 from media where media.key = media_tombstones.key) as owned
        from media_tombstones where key = ${key} for update skip locked`);
    const row = rows[0];
    if (!row) return false;
    if (!row.owned) await deleteObject(key);
    if (!row.expired) return false;
    await tx.delete(mediaTombstones).where(eq(mediaTombstones.key, key));
    return true;
  });
}

export interface MediaUsage {
  files: number;
  storedBytes: number;
  pendingUploads: number;
  pendingBytes: number;
}

export async function mediaUsage(db: MediaDb, now: Date): Promise<MediaUsage> {
  const rows = await db.execute<{ files: string; stored: string; pending: string; pending_bytes: string }>(sql`
    select (select count(*) from media)::text as files,
           (select coalesce(sum(size), 0) from media)::text as stored,
           (select count(*) from media_uploads where expires_at > ${now.toISOString()})::text as pending,
           (select coalesce(sum(size), 0) from media_uploads where expires_at > ${now.toISOString()})::text as pending_bytes`);
  const r = rows[0]!;
  return { files: Number(r.files), storedBytes: Number(r.stored), pendingUploads: Number(r.pending), pendingBytes: Number(r.pending_bytes) };
}

/** Keys of reservations past their expiry, oldest first. */
export async function expiredUploadKeys(db: MediaDb, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ key: mediaUploads.key })
    .from(mediaUploads)
    .where(lt(mediaUploads.expiresAt, now))
    .orderBy(mediaUploads.expiresAt)
    .limit(limit);
  return rows.map((r) => r.key);
}

/**
 * Removes one expired reservation and its object. The row stays locked while the object is deleted, so
 * a confirmation racing the sweep waits and then finds nothing; if the delete fails, the row stays for
 * the next sweep instead of leaving an untracked object behind.
 */
export async function sweepExpiredUpload(db: MediaDb, key: string, now: Date, deleteObject: (key: string) => Promise<void>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.execute<{ key: string }>(sql`
      select key from media_uploads where key = ${key} and expires_at < ${now.toISOString()} for update skip locked`);
    if (rows.length === 0) return false;
    await deleteObject(key);
    await tx.delete(mediaUploads).where(eq(mediaUploads.key, key));
    return true;
  });
}
