// The link graph: resolving what a page links to, recording it, and finding who links to what.
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../deps.ts';
import { refId, type LinkRef, type Resolution } from '../policy/render/link-refs.ts';
import { aliases, links, pages } from '../schema.ts';

/**
 * Resolves references to live pages: by current path or title first, then by a former path or title
 * (aliases), so links written before a move or rename still land on the page.
 */
export async function resolveRefs(db: Executor, refs: readonly LinkRef[]): Promise<Resolution> {
  const resolution: Resolution = new Map(refs.map((r) => [refId(r), null]));
  if (refs.length === 0) return resolution;
  const paths = refs.filter((r) => r.kind === 'path').map((r) => r.key);
  const titles = refs.filter((r) => r.kind === 'title').map((r) => r.key);
  const rows = await db.execute<{ kind: string; key: string; id: number; path: string }>(sql`
    select distinct on (kind, key) kind, key, id, path from (
      select 'path' as kind, p.path as key, p.id, p.path, 0 as pref, 0 as len from pages p
        where p.deleted_at is null and p.path = any(${sql.param(paths)}::text[])
      union all
      select 'title', lower(p.title), p.id, p.path, 0, length(p.path) from pages p
        where p.deleted_at is null and lower(p.title) = any(${sql.param(titles)}::text[])
      union all
      select a.kind, a.key, p.id, p.path, 1, 0 from aliases a join pages p on p.id = a.page_id and p.deleted_at is null
        where (a.kind = 'path' and a.key = any(${sql.param(paths)}::text[])) or (a.kind = 'title' and a.key = any(${sql.param(titles)}::text[]))
    ) candidates
    order by kind, key, pref, len, id`);
  for (const row of rows) resolution.set(`${row.kind}:${row.key}`, { id: row.id, path: row.path });
  return resolution;
}

export async function replaceLinks(db: Executor, sourceId: number, refs: readonly LinkRef[], resolution: Resolution): Promise<void> {
  await db.delete(links).where(eq(links.sourceId, sourceId));
  if (refs.length === 0) return;
  await db.insert(links).values(refs.map((r) => ({ sourceId, kind: r.kind, key: r.key, targetId: resolution.get(refId(r))?.id ?? null })));
}

/**
 * Pages whose rendering may change because `targetIds` moved, were renamed, trashed or restored, or
 * because a page now answers to one of `refs` that used to lead nowhere.
 */
export async function linkersOf(db: Executor, targetIds: readonly number[], refs: readonly LinkRef[]): Promise<number[]> {
  const byTarget = targetIds.length ? inArray(links.targetId, [...targetIds]) : undefined;
  const byKey = refs.map((r) => and(isNull(links.targetId), eq(links.kind, r.kind), eq(links.key, r.key)));
  const condition = or(byTarget, ...byKey);
  if (!condition) return [];
  const rows = await db.selectDistinct({ id: links.sourceId }).from(links).innerJoin(pages, eq(pages.id, links.sourceId)).where(condition).limit(1000);
  return rows.map((r) => r.id);
}

/** Remembers a former path or title of a page; the newest owner of a name wins. */
export async function addAlias(db: Executor, kind: 'path' | 'title', key: string, pageId: number): Promise<void> {
  await db
    .insert(aliases)
    .values({ kind, key, pageId })
    .onConflictDoUpdate({ target: [aliases.kind, aliases.key], set: { pageId, createdAt: sql`now()` } });
}

/** Where a former path now lives, for redirects. */
export async function findAliasTarget(db: Executor, path: string): Promise<string | undefined> {
  const [row] = await db
    .select({ path: pages.path })
    .from(aliases)
    .innerJoin(pages, and(eq(pages.id, aliases.pageId), isNull(pages.deletedAt)))
    .where(and(eq(aliases.kind, 'path'), eq(aliases.key, path)));
  return row?.path;
}
