// Media tables of an instance database: uploads signed but not yet confirmed, and confirmed files.
// Kept apart from ../schema.ts with their own migrations (./drizzle, own journal table), so the media
// work could land without touching the wiki's migration stream; both run at start (see migrate.ts).
import { bigint, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../schema.ts';

/** An upload the edge was allowed to sign: counts against the quota until confirmed or swept. */
export const mediaUploads = pgTable(
  'media_uploads',
  {
    id: serial('id').primaryKey(),
    key: text('key').notNull().unique(),
    /** The name the user chose, for display; the key holds the sanitised form. */
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    checksum: text('checksum'),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** After this the sweeper deletes the row and any object stored under the key. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('media_uploads_expires_idx').on(t.expiresAt), index('media_uploads_user_expires_idx').on(t.userId, t.expiresAt)],
);

/** A file in storage whose size and type were checked against what was signed. */
export const media = pgTable(
  'media',
  {
    id: serial('id').primaryKey(),
    key: text('key').notNull().unique(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    etag: text('etag'),
    uploadedBy: integer('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('media_created_idx').on(t.createdAt)],
);

/**
 * A key whose object must stay gone: the file was deleted (or its upload refused) while a presigned PUT
 * URL for it may still be used. Presigned URLs are reusable until they expire, so without this the old
 * URL could put the object back with no media row and no reservation: outside the quota, never swept,
 * still downloadable. The sweeper deletes the object again on every pass while the tombstone lives and
 * once more when it expires (the last moment a PUT started with the URL can land), then drops the row.
 */
export const mediaTombstones = pgTable(
  'media_tombstones',
  {
    key: text('key').primaryKey(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** URL expiry plus the upload grace: no PUT signed for this key can land after this. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('media_tombstones_expires_idx').on(t.expiresAt)],
);

export const mediaSchema = { mediaUploads, media, mediaTombstones };
export type MediaSchema = typeof mediaSchema;
