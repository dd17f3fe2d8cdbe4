// JSON API for pages and their history (documented in openapi.ts).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from '#shared/errors';
import type { InstanceEnv } from '../deps.ts';
import { diffRevisions, MAX_DIFF_CHANGES } from '../policy/diff.ts';
import { ChangeMessage, PageContent, PagePathInput, PageTitle } from '../policy/page-input.ts';
import { renderMarkdown } from '../policy/render/markdown.ts';
import { can } from '../policy/roles.ts';
import type { InstanceServices } from '../services/services.tsx';
import { checkedPath } from '../services/wiki.ts';
import { readPageView } from '../store/page-view.ts';
import { numberQuery, pageSize, textCursor } from '../policy/paging.ts';
import { findPage, pageLivePages } from '../store/pages.ts';
import { findRevision, listRevisions } from '../store/revisions.ts';
import { actorOf, intParam, pageSummary, readJson, RevisionNumber } from './api-support.ts';

export const CreatePageBody = z.object({ path: PagePathInput.optional(), title: PageTitle, content: PageContent, message: ChangeMessage.optional() });
export const UpdatePageBody = z.object({
  revision: z.number({ error: 'is required: the revision your edit started from' }).int().positive(),
  title: PageTitle.optional(),
  content: PageContent.optional(),
  path: PagePathInput.optional(),
  message: ChangeMessage.optional(),
});

const tooDifferent = () =>
  new AppError('unprocessable_content', `These revisions differ in more than ${MAX_DIFF_CHANGES} lines: too large to compare line by line.`, { maxChanges: MAX_DIFF_CHANGES });

export function pageApi(services: InstanceServices) {
  const { db, wiki } = services;
  const app = new Hono<InstanceEnv>();
  const lang = (c: { var: InstanceEnv['Variables'] }) => c.var.settings.searchLanguage;

  app.get('/api/pages', async (c) => {
    // In path order; `after` is the `next` (the last path) of the previous page.
    const limit = pageSize(c.req.query('limit'));
    const after = textCursor(c.req.query('after'), 'after');
    const prefix = c.req.query('prefix');
    const { items, next } = await pageLivePages(db, { prefix: prefix ? checkedPath(prefix) : undefined, limit, after });
    return c.json({ pages: items, next });
  });

  app.post('/api/pages', async (c) => {
    const body = await readJson(c, CreatePageBody);
    const row = await wiki.create(actorOf(c), body, lang(c));
    c.header('location', `/api/pages/${row.id}`);
    return c.json(pageSummary(row), 201);
  });

  app.get('/api/pages/:id', async (c) => {
    const row = await findPage(db, intParam(c, 'id'));
    if (!row || row.deletedAt) throw new AppError('not_found', 'No such page.');
    const view = await readPageView(services.sql, row.path);
    return c.json({ ...pageSummary(row), content: row.content, toc: row.toc, createdAt: row.createdAt, updatedAt: row.updatedAt, updatedBy: view?.updatedByName ?? null, backlinks: view?.backlinks ?? [] });
  });

  app.put('/api/pages/:id', async (c) => {
    const id = intParam(c, 'id');
    const body = await readJson(c, UpdatePageBody);
    return c.json(pageSummary(await wiki.update(actorOf(c), id, body, lang(c))));
  });

  app.delete('/api/pages/:id', async (c) => {
    const row = await wiki.trash(actorOf(c), intParam(c, 'id'), lang(c));
    return c.json({ id: row.id, path: row.path, title: row.title, trashed: true, deletedAt: row.deletedAt });
  });

  /** The id of a page whose history this user may read: the trash, and what is in it, is for writers. */
  const historyOf = async (c: Context<InstanceEnv>): Promise<number> => {
    const page = await findPage(db, intParam(c, 'id'));
    if (!page || (page.deletedAt && !can(c.var.role, 'write'))) throw new AppError('not_found', 'No such page.');
    return page.id;
  };

  app.get('/api/pages/:id/revisions', async (c) => {
    // Newest first; `before` is the `next` (a revision number) of the previous page.
    const limit = pageSize(c.req.query('limit'));
    const before = numberQuery(c.req.query('before'), 'before');
    const id = await historyOf(c);
    const { items, next } = await listRevisions(db, id, { limit, before });
    return c.json({ revisions: items, next });
  });

  app.get('/api/pages/:id/revisions/:rev', async (c) => {
    const id = await historyOf(c);
    const revision = await findRevision(db, id, intParam(c, 'rev'));
    if (!revision) throw new AppError('not_found', 'No such revision.');
    // Old revisions are rendered on demand; their links are shown unresolved (a snapshot, not the live page).
    return c.json({ pageId: id, ...revision, html: renderMarkdown(revision.content, revision.path).html });
  });

  app.post('/api/pages/:id/revisions/:rev/restore', async (c) => {
    const row = await wiki.restoreRevision(actorOf(c), intParam(c, 'id'), intParam(c, 'rev'), lang(c));
    return c.json(pageSummary(row));
  });

  app.get('/api/pages/:id/diff', async (c) => {
    const id = await historyOf(c);
    const { from, to } = z.object({ from: RevisionNumber, to: RevisionNumber }).parse({ from: c.req.query('from'), to: c.req.query('to') });
    const [a, b] = await Promise.all([findRevision(db, id, from), findRevision(db, id, to)]);
    if (!a || !b) throw new AppError('not_found', 'No such revision.');
    const diff = diffRevisions(a.content, b.content);
    if (!diff) throw tooDifferent();
    return c.json({ pageId: id, from, to, titleChanged: a.title !== b.title, ...diff });
  });

  return app;
}
