// Revision snapshots: appended on every save, listed newest first, read one at a time.
import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../deps.ts';
import { revisions, users } from '../schema.ts';

export interface RevisionInput {
  pageId: number;
  revision: number;
  path: string;
  title: string;
  content: string;
  message: string;
  authorId: number | null;
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

export async function listRevisions(db: Executor, pageId: number) {
  return db
    .select(summary)
    .from(revisions)
    .leftJoin(users, eq(users.id, revisions.authorId))
    .where(eq(revisions.pageId, pageId))
    .orderBy(desc(revisions.revision));
}

export async function findRevision(db: Executor, pageId: number, revision: number) {
  const [row] = await db
    .select({ ...summary, content: revisions.content })
    .from(revisions)
    .leftJoin(users, eq(users.id, revisions.authorId))
    .where(and(eq(revisions.pageId, pageId), eq(revisions.revision, revision)));
  return row;
}
