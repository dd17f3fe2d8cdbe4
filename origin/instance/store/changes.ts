// Recent changes: every revision and every move to or from the trash, newest first, a page at a time;
// and the record of those trash moves (they write no revision).
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../deps.ts';
import { pageOf } from '../policy/paging.ts';
import { boundFor, classifyChange, encodeChangeCursor, SOURCE, type ChangeCursor, type ChangeKind, type Source } from '../policy/recent-changes.ts';
import { trashEvents } from '../schema.ts';

export async function recordTrashEvent(db: Executor, event: { pageId: number; kind: 'trashed' | 'untrashed'; revision: number; actorId: number | null }) {
  await db.insert(trashEvents).values(event);
}

export interface ChangeEntry {
  kind: ChangeKind;
  pageId: number;
  /** The revision made (or, for a trash move, the page's revision at the time). */
  revision: number;
  /** Path and title as of this change. */
  path: string;
  title: string;
  /** Where the page was and what it was called before, when this change moved or renamed it. */
  previousPath: string | null;
  previousTitle: string | null;
  /** Where the page is now. */
  currentPath: string;
  /** The page is in the trash now. */
  trashed: boolean;
  /** The old revision a restore brought back. */
  restoredFrom: number | null;
  /** The revision's note; null for a trash move, which has none. */
  message: string | null;
  authorName: string | null;
  createdAt: Date;
}

type Row = {
  source: Source;
  id: number;
  pageId: number;
  revision: number;
  path: string;
  title: string;
  message: string | null;
  restoredFrom: number | null;
  previousPath: string | null;
  previousTitle: string | null;
  event: 'trashed' | 'untrashed' | null;
  currentPath: string;
  trashed: boolean;
  authorName: string | null;
  /** Microseconds since 1970, as text (a bigint): exact, unlike a JavaScript Date. */
  micros: string;
};

/** The cursor's instant as a timestamptz, built from whole microseconds so it equals the stored value. */
const instant = (cursor: ChangeCursor) => sql`(timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond')`;

/** The rows of one source that come after `cursor`, as a range of that table's (created_at, id) index. */
function after(source: Source, cursor: ChangeCursor | undefined, at: SQL, id: SQL): SQL {
  if (!cursor) return sql`true`;
  switch (boundFor(source, cursor)) {
    case 'at-or-before':
      return sql`${at} <= ${instant(cursor)}`;
    case 'before-id':
      return sql`(${at}, ${id}) < (${instant(cursor)}, ${cursor.id}::int)`;
    case 'before':
      return sql`${at} < ${instant(cursor)}`;
  }
}

/** `column` is `prefix` or below it (LIKE wildcards in the prefix escaped). */
function under(column: SQL, prefix: string): SQL {
  return sql`(${column} = ${prefix} or ${column} like ${`${prefix.replace(/[\\%_]/g, '\\$&')}/%`})`;
}

export interface ListChangesOptions {
  limit: number;
  before?: ChangeCursor;
  /** Only changes made at this path or below (a move in or out counts); `/` or absent: the whole wiki. */
  prefix?: string;
  /** Include the changes of pages now in the trash: the trash, and what is in it, is for writers. */
  includeTrashed: boolean;
}

/**
 * One page of recent changes, newest first; at the same instant trash moves before revisions, then by id,
 * descending. Each source is read in that order from its (created_at, id) index, at most `limit + 1` rows
 * past the cursor, and the two are merged: no scan of either table, whatever its size. Purged pages'
 * revisions and trash moves are deleted with them (foreign keys, on delete cascade).
 */
export async function listChanges(db: Executor, options: ListChangesOptions): Promise<{ items: ChangeEntry[]; next: string | null }> {
  const { limit, before, includeTrashed } = options;
  const prefix = options.prefix && options.prefix !== '/' ? options.prefix : undefined;
  const live = includeTrashed ? sql`` : sql`and p.deleted_at is null`;
  const rows = await db.execute<Row>(sql`
    select c.source, c.id, c.page_id as "pageId", c.revision, c.path, c.title, c.message, c.restored_from as "restoredFrom",
      c.previous_path as "previousPath", c.previous_title as "previousTitle", c.event,
      c.current_path as "currentPath", c.trashed, u.name as "authorName",
      (extract(epoch from c.created_at) * 1000000)::bigint::text as micros
    from (
      (select ${SOURCE.revision}::int as source, r.id, r.page_id, r.revision, r.path, r.title, r.message, r.restored_from,
          prev.path as previous_path, prev.title as previous_title, null::text as event, r.author_id as actor_id, r.created_at,
          p.path as current_path, p.deleted_at is not null as trashed
        from revisions r
        join pages p on p.id = r.page_id ${live}
        left join revisions prev on prev.page_id = r.page_id and prev.revision = r.revision - 1
        where ${after(SOURCE.revision, before, sql`r.created_at`, sql`r.id`)}
          ${prefix ? sql`and (${under(sql`r.path`, prefix)} or ${under(sql`prev.path`, prefix)})` : sql``}
        order by r.created_at desc, r.id desc
        limit ${limit + 1})
      union all
      (select ${SOURCE.trash}::int, e.id, e.page_id, e.revision, rv.path, rv.title, null::text, null::int,
          null::text, null::text, e.kind, e.actor_id, e.created_at,
          p.path, p.deleted_at is not null
        from trash_events e
        join pages p on p.id = e.page_id ${live}
        join revisions rv on rv.page_id = e.page_id and rv.revision = e.revision
        where ${after(SOURCE.trash, before, sql`e.created_at`, sql`e.id`)}
          ${prefix ? sql`and ${under(sql`rv.path`, prefix)}` : sql``}
        order by e.created_at desc, e.id desc
        limit ${limit + 1})
    ) c
    left join users u on u.id = c.actor_id
    order by c.created_at desc, c.source desc, c.id desc
    limit ${limit + 1}`);
  const { items, next } = pageOf([...rows], limit, (last) => encodeChangeCursor({ micros: Number(last.micros), source: last.source, id: last.id }));
  return { items: items.map(toEntry), next };
}

function toEntry(row: Row): ChangeEntry {
  const previous = row.previousPath === null || row.previousTitle === null ? null : { path: row.previousPath, title: row.previousTitle };
  return {
    kind: classifyChange({ event: row.event, revision: row.revision, restoredFrom: row.restoredFrom, path: row.path, title: row.title, previous }),
    pageId: row.pageId,
    revision: row.revision,
    path: row.path,
    title: row.title,
    previousPath: previous && previous.path !== row.path ? previous.path : null,
    previousTitle: previous && previous.title !== row.title ? previous.title : null,
    currentPath: row.currentPath,
    trashed: row.trashed,
    restoredFrom: row.restoredFrom,
    message: row.message,
    authorName: row.authorName,
    // Milliseconds, as every other time the API gives; the cursor keeps the microseconds.
    createdAt: new Date(Math.floor(Number(row.micros) / 1000)),
  };
}
