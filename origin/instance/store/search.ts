// Full-text search: websearch syntax (never errors on odd input), accent-insensitive, title hits first,
// plus prefix matching for quick navigation, with highlighted snippets.
import { sql } from 'drizzle-orm';
import type { Executor } from '../deps.ts';
import { prefixQuery } from '../policy/search-query.ts';

export type SearchHit = {
  id: number;
  path: string;
  title: string;
  /** Plain text with the matches between the markers below; callers escape it, then turn markers into <mark>. */
  snippet: string;
  rank: number;
};

// Private-use characters cannot come from page text through the renderer's plain-text extraction
// in any meaningful way, and never survive the escaping step as markup.
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

export async function searchPages(db: Executor, query: string, language: string, limit = 20): Promise<SearchHit[]> {
  // The prefix query is built from the unaccented text: unaccent turns some letters into tsquery syntax
  // (ʼ U+02BC into ', ː U+02D0 into :), which to_tsquery would refuse after the letters-only reduction.
  // unaccent maps only non-ASCII characters, so an ASCII query (most of them) needs no round trip.
  const unaccented = /^[\x00-\x7f]*$/.test(query) ? query : ((await db.execute<{ text: string }>(sql`select wiki_unaccent(${query}) as text`))[0]?.text ?? query);
  const prefix = prefixQuery(unaccented);
  const lang = sql`${language}::regconfig`;
  const rows = await db.execute<SearchHit>(sql`
    with q as (
      select websearch_to_tsquery(${lang}, wiki_unaccent(${query})) as words,
             case when ${prefix}::text is null then null else to_tsquery(${lang}, ${prefix}) end as prefix
    )
    select p.id, p.path, p.title,
      ts_headline(${lang}, p.plain_text, case when numnode(q.words) > 0 then q.words else coalesce(q.prefix, q.words) end,
        ${`StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`}) as snippet,
      (ts_rank(p.search, q.words) + coalesce(ts_rank(p.search, q.prefix), 0) * 0.5
        + case when lower(wiki_unaccent(p.title)) like lower(wiki_unaccent(${likePrefix(query)})) escape '\\' then 1 else 0 end)::float8 as rank
    from pages p, q
    where p.deleted_at is null
      and (p.search @@ q.words or (q.prefix is not null and p.search @@ q.prefix)
           or lower(wiki_unaccent(p.title)) like lower(wiki_unaccent(${likePrefix(query)})) escape '\\')
    order by rank desc, length(p.path), p.id
    limit ${limit}`);
  return [...rows];
}

function likePrefix(query: string): string {
  return `${query.replace(/[\\%_]/g, '\\$&')}%`;
}
