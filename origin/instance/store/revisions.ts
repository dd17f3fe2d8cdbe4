// Revision snapshots: appended on every save, listed newest first, read one at a time.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Executor } from '../deps.ts';
import { pageOf } from '../policy/paging.ts';
import { revisions, users } from '../schema.ts';

export interface RevisionInput {
  pageId: number;
  revision: number;
  path: string;
  title: string;
  content: string;
  message: string;
  authorId: number | null;
  /** Set by a restore of an old revision: the revision it brought back. */
  restoredFrom?: number;
}

export async function insertRevision(db: Executor, r: RevisionInput): Promise<void> {
  await db.insert(revisions).values(r);
}

const summary = {
  revision: revisions.revision,
  title: revisions.title,
  path: revisions.path,
  message: revisions.message,
  createdAt: revisions.createdAt,
  authorId: revisions.authorId,
  authorName: users.name,
};

/**
 * One page of a page's history, newest first. The key is the revision number (unique per page, the
 * unique index serves the order); `before` is the `next` of the previous page.
 */
export async function listRevisions(db: Executor, pageId: number, options: { limit: number; before?: number }) {
  const rows = await db
    .select(summary)
    .from(revisions)
    .leftJoin(users, eq(users.id, revisions.authorId))
    .where(and(eq(revisions.pageId, pageId), options.before ? lt(revisions.revision, options.before) : undefined))
    .orderBy(desc(revisions.revision))
    .limit(options.limit + 1);
  return pageOf(rows, options.limit, (last) => last.revision);
}

export async function findRevision(db: Executor, pageId: number, revision: number) {
  const [row] = await db
    .select({ ...summary, content: revisions.content })
    .from(revisions)
    .leftJoin(users, eq(users.id, revisions.authorId))
    .where(and(eq(revisions.pageId, pageId), eq(revisions.revision, revision)));
  return row;
}
