// The hot path: everything a page view shows, in one indexed read (page + backlinks; the last author's
// name is stored on the page, kept by triggers, see migration 0002). Written
// with postgres.js directly so the statement is prepared once per connection. The browser view reads the
// page and its backlinks separately (readPage, readBacklinks) so it can keep backlinks in memory.
import type { Sql } from 'postgres';
import type { TocEntry } from '../schema.ts';

export type PageView = {
  id: number;
  path: string;
  title: string;
  html: string;
  toc: TocEntry[];
  revision: number;
  updatedAt: string;
  updatedByName: string | null;
  backlinks: { path: string; title: string }[];
};

export async function readPageView(sql: Sql, path: string): Promise<PageView | undefined> {
  const rows = await sql<PageView[]>`
    select p.id, p.path, p.title, p.html, p.toc, p.revision, p.updated_at as "updatedAt", p.updated_by_name as "updatedByName",
      coalesce((
        select json_agg(json_build_object('path', b.path, 'title', b.title) order by b.title, b.path)
        from (
          select distinct s.path, s.title from links l join pages s on s.id = l.source_id and s.deleted_at is null
          where l.target_id = p.id and l.source_id <> p.id
        ) b
      ), '[]'::json) as backlinks
    from pages p
    where p.path = ${path} and p.deleted_at is null`;
  return rows[0];
}

export type PageCore = Omit<PageView, 'backlinks'>;
export type Backlink = PageView['backlinks'][number];

/**
 * The page and its last author's name, without backlinks: one row of one table by the unique path index,
 * the same shape of read as a bare select of the HTML (the name is stored on the page, see migration 0002).
 */
export async function readPage(sql: Sql, path: string): Promise<PageCore | undefined> {
  const rows = await sql<(Omit<PageCore, 'toc'> & { toc: string | TocEntry[] })[]>`
    select id, path, title, html, toc::text as toc, revision, updated_at as "updatedAt", updated_by_name as "updatedByName"
    from pages
    where path = ${path} and deleted_at is null`;
  const row = rows[0];
  if (row && typeof row.toc === 'string') row.toc = parsedToc(row.toc);
  return row as PageCore | undefined;
}

// The table of contents comes as JSON text and is parsed once per distinct text: a page view reads the
// same few pages over and over. Parsed entries are shared between views, so they are frozen.
const tocs = new Map<string, TocEntry[]>();
const MAX_TOCS = 1_000;

function parsedToc(text: string): TocEntry[] {
  let toc = tocs.get(text);
  if (toc === undefined) {
    toc = Object.freeze((JSON.parse(text) as TocEntry[]).map((entry) => Object.freeze(entry))) as TocEntry[];
    // Map iteration is insertion order: the first key is the oldest.
    if (tocs.size >= MAX_TOCS) tocs.delete(tocs.keys().next().value as string);
    tocs.set(text, toc);
  }
  return toc;
}

/** Live pages linking to a page, in the order readPageView gives them. */
export async function readBacklinks(sql: Sql, pageId: number): Promise<Backlink[]> {
  return sql<Backlink[]>`
    select distinct s.path, s.title from links l join pages s on s.id = l.source_id and s.deleted_at is null
    where l.target_id = ${pageId} and l.source_id <> ${pageId}
    order by s.title, s.path`;
}
