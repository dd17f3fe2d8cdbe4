// Which pages use which uploaded files: recorded with each save (like links), read by the files list and
// a file's own page, and filled in once for the pages saved before it was recorded.
import { eq, sql } from 'drizzle-orm';
import type { Executor, InstanceDb } from '../deps.ts';
import { mediaKeysIn } from '../policy/render/media-refs.ts';
import { mediaRefs } from '../schema.ts';

export async function replaceMediaRefs(db: Executor, pageId: number, keys: readonly string[]): Promise<void> {
  await db.delete(mediaRefs).where(eq(mediaRefs.pageId, pageId));
  if (keys.length > 0) await db.insert(mediaRefs).values(keys.map((key) => ({ pageId, key })));
}

/** Rows per INSERT: two parameters a row, well under Postgres's 65,535 parameters a statement. */
const INSERT_CHUNK = 5_000;

export interface UsingPage {
  id: number;
  path: string;
  title: string;
}

export interface FileUsage {
  /** Live pages using the file, by title, at most the `perFile` asked for. */
  pages: UsingPage[];
  /** How many live pages use it in all. */
  live: number;
  /** How many pages in the trash use it (restoring one brings the use back). */
  trashed: number;
}

/** Pages a file's record and its page list by name (GET /api/media/:id, /_files/:id); the counts cover them all. */
export const USING_PAGES_LISTED = 100;

export const NO_USE: FileUsage = Object.freeze({ pages: [], live: 0, trashed: 0 }) as FileUsage;

/**
 * The use of each of `keys` (one query whatever their number); a key no page names is absent from the map.
 * Any handle on the instance database will do (the media API has its own drizzle instance on it).
 */
export async function usageOfFiles(db: Pick<InstanceDb, 'execute'>, keys: readonly string[], perFile: number): Promise<Map<string, FileUsage>> {
  const usage = new Map<string, FileUsage>();
  if (keys.length === 0) return usage;
  const rows = await db.execute<{ key: string; id: number; path: string; title: string; trashed: boolean; live: number; in_trash: number }>(sql`
    select key, id, path, title, trashed, live, in_trash from (
      select r.key, p.id, p.path, p.title, p.deleted_at is not null as trashed,
             (count(*) filter (where p.deleted_at is null) over w)::int as live,
             (count(*) filter (where p.deleted_at is not null) over w)::int as in_trash,
             row_number() over (partition by r.key order by p.deleted_at is not null, lower(p.title), p.id) as n
        from media_refs r join pages p on p.id = r.page_id
       where r.key = any(${sql.param([...keys])}::text[])
      window w as (partition by r.key)
    ) ranked
    where n <= ${perFile} or n = 1`);
  for (const row of rows) {
    let entry = usage.get(row.key);
    if (!entry) usage.set(row.key, (entry = { pages: [], live: row.live, trashed: row.in_trash }));
    if (!row.trashed && entry.pages.length < perFile) entry.pages.push({ id: row.id, path: row.path, title: row.title });
  }
  return usage;
}

/** Pages scanned per transaction by the backfill: each holds a share lock on its pages until it commits. */
const BACKFILL_BATCH = 200;

/**
 * Records the files used by the pages saved before media_refs existed, from their stored HTML, while the
 * media_refs_backfill row (written by migration 0004) says some are left; returns how many pages named a
 * file. Resumable: each batch commits with its progress, so a start cut short goes on where it stopped.
 * Pages are share-locked while read, so a save cannot slip its own refs in between the read and the write.
 */
export async function backfillMediaRefs(db: InstanceDb): Promise<number> {
  let found = 0;
  for (;;) {
    const more = await db.transaction(async (tx) => {
      const [marker] = await tx.execute<{ after: number }>(sql`select after_page_id as after from media_refs_backfill for update`);
      if (!marker) return false;
      const batch = await tx.execute<{ id: number; html: string | null }>(sql`
        select id, case when position('/_media/' in html) > 0 then html end as html from pages
         where id > ${marker.after} order by id limit ${BACKFILL_BATCH} for share`);
      if (batch.length === 0) {
        await tx.execute(sql`delete from media_refs_backfill`);
        return false;
      }
      const refs = batch.flatMap((page) => (page.html ? mediaKeysIn(page.html).map((key) => ({ pageId: page.id, key })) : []));
      for (let at = 0; at < refs.length; at += INSERT_CHUNK) await tx.insert(mediaRefs).values(refs.slice(at, at + INSERT_CHUNK)).onConflictDoNothing();
      found += new Set(refs.map((r) => r.pageId)).size;
      await tx.execute(sql`update media_refs_backfill set after_page_id = ${batch[batch.length - 1]!.id}`);
      return true;
    });
    if (!more) return found;
  }
}
