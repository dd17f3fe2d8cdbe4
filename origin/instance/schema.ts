// The instance database: people, settings, pages with their revisions and trash events, links between pages,
// old names and the files pages use.
import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export interface TocEntry {
  level: number;
  id: string;
  text: string;
}

/** People who opened this instance, kept in sync with the edge assertion on each visit. */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    sub: text('sub').notNull().unique(),
    username: text('username').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** Role chosen by an instance admin; null means "the instance default". */
    role: text('role'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [check('users_role_check', sql`${t.role} in ('reader', 'editor', 'admin')`)],
);

/** Exactly one row (id = 1). */
export const settings = pgTable(
  'settings',
  {
    id: integer('id').primaryKey().default(1),
    /** Null shows the instance id. */
    title: text('title'),
    description: text('description').notNull().default(''),
    searchLanguage: text('search_language').notNull().default('english'),
    defaultRole: text('default_role').notNull().default('editor'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('settings_singleton', sql`${t.id} = 1`),
    check('settings_default_role_check', sql`${t.defaultRole} in ('reader', 'editor', 'admin')`),
  ],
);

export const pages = pgTable(
  'pages',
  {
    id: serial('id').primaryKey(),
    path: text('path').notNull(),
    title: text('title').notNull(),
    content: text('content').notNull(),
    /** Sanitised HTML rendered at save time, so a page view is one indexed read. */
    html: text('html').notNull(),
    toc: jsonb('toc').$type<TocEntry[]>().notNull().default([]),
    /** Plain text of the body, for search snippets. */
    plainText: text('plain_text').notNull().default(''),
    search: tsvector('search'),
    /** Number of the current revision; edits are accepted only against it. */
    revision: integer('revision').notNull().default(1),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    /**
     * The name of `updated_by`, copied so a page view is a read of one row of one table. Kept by triggers
     * (migration 0002): set from users on every write of updated_by, rewritten when a user is renamed.
     */
    updatedByName: text('updated_by_name'),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedBy: integer('deleted_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    // A path belongs to one live page; trashed pages keep theirs until restored or purged.
    uniqueIndex('pages_live_path_unique').on(t.path).where(sql`${t.deletedAt} is null`),
    index('pages_search_idx').using('gin', t.search),
    index('pages_lower_title_idx').on(sql`lower(${t.title}) text_pattern_ops`),
    // A user's rename rewrites updated_by_name on the pages they last edited.
    index('pages_updated_by_idx').on(t.updatedBy),
  ],
);

/** Full snapshots: every save, restore and move adds one. */
export const revisions = pgTable(
  'revisions',
  {
    id: serial('id').primaryKey(),
    pageId: integer('page_id').notNull().references(() => pages.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    path: text('path').notNull(),
    title: text('title').notNull(),
    content: text('content').notNull(),
    message: text('message').notNull().default(''),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** The revision a restore brought back; null for every other save (migration 0003: older restores are null too). */
    restoredFrom: integer('restored_from'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('revisions_page_revision_unique').on(t.pageId, t.revision),
    // Recent changes: every revision of the wiki, newest first, ties by id.
    index('revisions_created_at_idx').on(t.createdAt, t.id),
  ],
);

/**
 * Moves to and from the trash, which write no revision (pages.deleted_at keeps only the latest deletion):
 * recent changes lists them beside the revisions. Purging a page deletes its events with it.
 */
export const trashEvents = pgTable(
  'trash_events',
  {
    id: serial('id').primaryKey(),
    pageId: integer('page_id').notNull().references(() => pages.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** The page's revision at the time: its path and title then are that revision's. */
    revision: integer('revision').notNull(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('trash_events_kind_check', sql`${t.kind} in ('trashed', 'untrashed')`),
    index('trash_events_created_at_idx').on(t.createdAt, t.id),
    // The purge of a page deletes its events through this.
    index('trash_events_page_idx').on(t.pageId),
  ],
);

/** Outgoing internal links of each page, as written (kind + key) and as resolved (target). */
export const links = pgTable(
  'links',
  {
    sourceId: integer('source_id').notNull().references(() => pages.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    targetId: integer('target_id').references(() => pages.id, { onDelete: 'set null' }),
  },
  (t) => [
    primaryKey({ columns: [t.sourceId, t.kind, t.key] }),
    index('links_target_idx').on(t.targetId),
    index('links_key_idx').on(t.kind, t.key),
    check('links_kind_check', sql`${t.kind} in ('path', 'title')`),
  ],
);

/** Former paths and titles of pages, so links and bookmarks survive a move or rename. */
export const aliases = pgTable(
  'aliases',
  {
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    pageId: integer('page_id').notNull().references(() => pages.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] }), check('aliases_kind_check', sql`${t.kind} in ('path', 'title')`)],
);

/**
 * The uploaded files each page shows or links to (policy/render/media-refs.ts), written with the page at
 * every save like its links. By storage key, not media id: a page keeps naming a file that was deleted or
 * is not uploaded yet. A trashed page keeps its rows (a restore needs them); a purge deletes them.
 */
export const mediaRefs = pgTable(
  'media_refs',
  {
    pageId: integer('page_id').notNull().references(() => pages.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pageId, t.key] }), index('media_refs_key_idx').on(t.key)],
);

/**
 * One row while the pages saved before media_refs existed are still to be scanned (store/media-refs.ts,
 * backfillMediaRefs, at the instance's start), from `after_page_id` on; deleted when done.
 */
export const mediaRefsBackfill = pgTable('media_refs_backfill', {
  afterPageId: integer('after_page_id').notNull(),
});

export const instanceSchema = { users, settings, pages, revisions, trashEvents, links, aliases, mediaRefs, mediaRefsBackfill };
export type InstanceSchema = typeof instanceSchema;
