// Page rows: create, conditional update (the optimistic-concurrency guard), trash, restore, purge, list.
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../deps.ts';
import { encodeKeyCursor, pageOf } from '../policy/paging.ts';
import type { RenderedPage } from '../policy/render/markdown.ts';
import { pages, users } from '../schema.ts';

export interface PageWrite {
  path: string;
  title: string;
  content: string;
  rendered: RenderedPage;
  authorId: number | null;
  /** Text-search configuration (instance setting), e.g. "english". */
  language: string;
}

export const pageColumns = {
  id: pages.id,
  path: pages.path,
  title: pages.title,
  content: pages.content,
  html: pages.html,
  toc: pages.toc,
  revision: pages.revision,
  createdAt: pages.createdAt,
  updatedAt: pages.updatedAt,
  deletedAt: pages.deletedAt,
};
export type PageRow = { id: number; path: string; title: string; content: string; html: string; toc: unknown; revision: number; createdAt: Date; updatedAt: Date; deletedAt: Date | null };

/** Title weighs most (A), then the path words (C) and body (B) — the ranking search relies on. */
export function searchVector(language: string, title: string | SQL, path: string | SQL, body: string | SQL) {
  const lang = sql`${language}::regconfig`;
  return sql`setweight(to_tsvector(${lang}, wiki_unaccent(${title})), 'A')
    || setweight(to_tsvector(${lang}, wiki_unaccent(${body})), 'B')
    || setweight(to_tsvector(${lang}, wiki_unaccent(translate(${path}, '/-', '  '))), 'C')`;
}

function renderedColumns(w: PageWrite) {
  return {
    path: w.path,
    title: w.title,
    content: w.content,
    html: w.rendered.html,
    toc: w.rendered.toc,
    plainText: w.rendered.plainText,
    search: searchVector(w.language, w.title, w.path, w.rendered.plainText),
  };
}

export async function insertPage(db: Executor, w: PageWrite): Promise<PageRow> {
  const [row] = await db
    .insert(pages)
    .values({ ...renderedColumns(w), revision: 1, createdBy: w.authorId, updatedBy: w.authorId })
    .returning(pageColumns);
  return row as PageRow;
}

/**
 * Applies an edit only if the page is still at `baseRevision`. Concurrent edits from the same base queue
 * on the row lock; Postgres re-checks the condition for each after the first commits, so one wins.
 */
export async function updatePageIfAt(db: Executor, id: number, baseRevision: number, w: PageWrite): Promise<PageRow | undefined> {
  const [row] = await db
    .update(pages)
    .set({ ...renderedColumns(w), revision: sql`${pages.revision} + 1`, updatedBy: w.authorId, updatedAt: sql`now()` })
    .where(and(eq(pages.id, id), eq(pages.revision, baseRevision), isNull(pages.deletedAt)))
    .returning(pageColumns);
  return row as PageRow | undefined;
}

/**
 * Re-renders a page whose links changed meaning (a target moved or appeared); not a new revision. Writes
 * only what rendering derives from the source, and only while the page is still at the revision that was
 * rendered: the source columns belong to edits. False if the page moved on meanwhile.
 */
export async function updateRendering(db: Executor, id: number, atRevision: number, w: PageWrite): Promise<boolean> {
  const { html, toc, plainText, search } = renderedColumns(w);
  const rows = await db
    .update(pages)
    .set({ html, toc, plainText, search })
    .where(and(eq(pages.id, id), eq(pages.revision, atRevision)))
    .returning({ id: pages.id });
  return rows.length > 0;
}

export async function findPage(db: Executor, id: number, options: { lock?: boolean } = {}): Promise<PageRow | undefined> {
  const query = db.select(pageColumns).from(pages).where(eq(pages.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  return row as PageRow | undefined;
}

export async function findLiveByPath(db: Executor, path: string): Promise<PageRow | undefined> {
  const [row] = await db.select(pageColumns).from(pages).where(and(eq(pages.path, path), isNull(pages.deletedAt)));
  return row as PageRow | undefined;
}

/** Paths strictly below `prefix` (LIKE's wildcards in it escaped). */
const belowPrefix = (prefix: string) => like(pages.path, `${prefix.replace(/[\\%_]/g, '\\$&')}/%`);
const underPrefix = (prefix?: string) => (prefix && prefix !== '/' ? or(eq(pages.path, prefix), belowPrefix(prefix)) : undefined);
const liveItem = { id: pages.id, path: pages.path, title: pages.title, revision: pages.revision, updatedAt: pages.updatedAt };

/** Which of these paths have a live page. */
export async function livePathsAmong(db: Executor, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const rows = await db
    .select({ path: pages.path })
    .from(pages)
    .where(and(isNull(pages.deletedAt), inArray(pages.path, [...paths])));
  return new Set(rows.map((r) => r.path));
}

/** Every live page in path order: the tree is built from all of them, so nothing is cut off. */
export async function listLivePages(db: Executor) {
  return db.select(liveItem).from(pages).where(isNull(pages.deletedAt)).orderBy(asc(pages.path));
}

/**
 * One page of live pages, optionally only `prefix` and below, in path order. The key is the path itself
 * (unique among live pages, its unique index serves the order): `after` is the last path of the previous
 * page, compared in the database's collation so the order and the cursor agree.
 */
export async function pageLivePages(db: Executor, options: { prefix?: string; limit: number; after?: string }) {
  const rows = await db
    .select(liveItem)
    .from(pages)
    .where(and(isNull(pages.deletedAt), underPrefix(options.prefix), options.after === undefined ? undefined : gt(pages.path, options.after)))
    .orderBy(asc(pages.path))
    .limit(options.limit + 1);
  return pageOf(rows, options.limit, (last) => last.path);
}

/** The first `limit` live pages strictly below `prefix` by title (then path): a short list to choose from. */
export async function livePagesBelow(db: Executor, prefix: string, limit: number) {
  return db
    .select({ path: pages.path, title: pages.title })
    .from(pages)
    .where(and(isNull(pages.deletedAt), belowPrefix(prefix)))
    .orderBy(asc(pages.title), asc(pages.path))
    .limit(limit);
}

/**
 * Live pages with their Markdown, in path order from after `after`: what a wiki export writes. The
 * export walks these in batches, so no query holds every page's content at once.
 */
export async function livePagesWithContent(db: Executor, options: { limit: number; after?: string }) {
  return db
    .select({
      path: pages.path,
      title: pages.title,
      content: pages.content,
      revision: pages.revision,
      createdAt: pages.createdAt,
      updatedAt: pages.updatedAt,
      updatedBy: pages.updatedByName,
    })
    .from(pages)
    .where(and(isNull(pages.deletedAt), options.after === undefined ? undefined : gt(pages.path, options.after)))
    .orderBy(asc(pages.path))
    .limit(options.limit);
}

/** Microseconds since 1970 of the deletion, exact (a JavaScript Date would drop the last three digits). */
const deletedMicros = sql<string>`(extract(epoch from ${pages.deletedAt}) * 1000000)::bigint`;

/**
 * One page of the trash, most recently deleted first, ties (one transaction) by id. `before` is the
 * cursor of the previous page: the deletion time in microseconds and the id of its last row.
 */
export async function listTrash(db: Executor, options: { limit: number; before?: readonly [number, number] }) {
  const rows = await db
    .select({ id: pages.id, path: pages.path, title: pages.title, revision: pages.revision, deletedAt: pages.deletedAt, deletedBy: users.name, micros: deletedMicros })
    .from(pages)
    .leftJoin(users, eq(users.id, pages.deletedBy))
    .where(and(isNotNull(pages.deletedAt), options.before ? sql`(${deletedMicros}, ${pages.id}) < (${options.before[0]}::bigint, ${options.before[1]}::int)` : undefined))
    .orderBy(desc(pages.deletedAt), desc(pages.id))
    .limit(options.limit + 1);
  const { items, next } = pageOf(rows, options.limit, (last) => encodeKeyCursor([Number(last.micros), last.id]));
  return { items: items.map(({ micros: _, ...row }) => row), next };
}

export async function markTrashed(db: Executor, id: number, by: number | null): Promise<PageRow | undefined> {
  const [row] = await db
    .update(pages)
    .set({ deletedAt: sql`now()`, deletedBy: by })
    .where(and(eq(pages.id, id), isNull(pages.deletedAt)))
    .returning(pageColumns);
  return row as PageRow | undefined;
}

export async function markRestored(db: Executor, id: number): Promise<PageRow | undefined> {
  const [row] = await db
    .update(pages)
    .set({ deletedAt: null, deletedBy: null })
    .where(and(eq(pages.id, id), isNotNull(pages.deletedAt)))
    .returning(pageColumns);
  return row as PageRow | undefined;
}

export async function deleteTrashed(db: Executor, id: number): Promise<boolean> {
  const rows = await db.delete(pages).where(and(eq(pages.id, id), isNotNull(pages.deletedAt))).returning({ id: pages.id });
  return rows.length > 0;
}

/** After the search language changes, every page is indexed again with the new configuration. */
export async function reindexAll(db: Executor, language: string): Promise<void> {
  await db.update(pages).set({ search: searchVector(language, sql`${pages.title}`, sql`${pages.path}`, sql`${pages.plainText}`) });
}

export async function countPages(db: Executor) {
  const [row] = await db.execute<{ live: number; trashed: number; revisions: number }>(sql`
    select count(*) filter (where deleted_at is null)::int as live, count(*) filter (where deleted_at is not null)::int as trashed,
      (select count(*)::int from revisions) as revisions from pages`);
  return row ?? { live: 0, trashed: 0, revisions: 0 };
}
