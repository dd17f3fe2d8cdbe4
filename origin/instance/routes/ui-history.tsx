/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// History in the browser: the revision list, one old revision, a diff between two, and restore.
import { Hono, type Context } from 'hono';
import { AppError } from '#shared/errors';
import type { InstanceEnv } from '../deps.ts';
import { diffRevisions } from '../policy/diff.ts';
import { numberQuery, pageSize } from '../policy/paging.ts';
import { renderMarkdown } from '../policy/render/markdown.ts';
import type { InstanceServices } from '../services/services.tsx';
import { findLiveByPath } from '../store/pages.ts';
import { findRevision, listRevisions } from '../store/revisions.ts';
import { DiffScreen, HistoryScreen, RevisionScreen } from '../views/history.tsx';
import { listPageUrl, pageUrl } from '../views/links.tsx';
import { uiContext } from '../views/ui-context.ts';
import { actorOf, RevisionNumber } from './api-support.ts';
import { pathAfter, seeOther } from './ui-support.ts';


export function historyRoutes(services: InstanceServices) {
  const { db, wiki } = services;
  const app = new Hono<InstanceEnv>();
  const pageAt = async (c: Context<InstanceEnv>, prefix: string) => {
    const page = await findLiveByPath(db, pathAfter(c, prefix));
    if (!page) throw new AppError('not_found', 'No such page.');
    return page;
  };

  app.get('/_history/*', async (c) => {
    // Paged like GET /api/pages/:id/revisions: the "Older" link carries `before`.
    const limit = pageSize(c.req.query('limit'));
    const before = numberQuery(c.req.query('before'), 'before');
    const page = await pageAt(c, '/_history');
    const { items, next } = await listRevisions(db, page.id, { limit, before });
    const base = pageUrl(page.path, '_history');
    const pager = { next: next === null ? null : listPageUrl(base, { name: 'before', value: next }, limit), first: before ? base : undefined };
    return c.html(<HistoryScreen ui={uiContext(c, services)} page={page} revisions={items} pager={pager} />);
  });

  app.get('/_revision/*', async (c) => {
    const page = await pageAt(c, '/_revision');
    const revision = await findRevision(db, page.id, RevisionNumber.parse(c.req.query('rev')));
    if (!revision) throw new AppError('not_found', 'This page has no such revision.');
    const html = renderMarkdown(revision.content, revision.path).html;
    return c.html(<RevisionScreen ui={uiContext(c, services)} page={page} revision={{ ...revision, html }} />);
  });

  app.get('/_diff/*', async (c) => {
    const page = await pageAt(c, '/_diff');
    const from = RevisionNumber.parse(c.req.query('from') ?? Math.max(1, page.revision - 1));
    const to = RevisionNumber.parse(c.req.query('to') ?? page.revision);
    const [a, b] = await Promise.all([findRevision(db, page.id, from), findRevision(db, page.id, to)]);
    if (!a || !b) throw new AppError('not_found', 'This page has no such revision.');
    const diff = diffRevisions(a.content, b.content);
    // Too different to compare: the same screen says so (with links to both revisions), as a 422 like the API.
    return c.html(<DiffScreen ui={uiContext(c, services)} page={page} from={from} to={to} diff={diff} />, diff ? 200 : 422);
  });

  app.post('/_restore/*', async (c) => {
    const page = await pageAt(c, '/_restore');
    const row = await wiki.restoreRevision(actorOf(c), page.id, RevisionNumber.parse(c.req.query('rev')), c.var.settings.searchLanguage);
    return seeOther(c, pageUrl(row.path));
  });

  return app;
}
