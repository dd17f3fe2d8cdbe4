/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Finding things in the browser: search, all pages, recent changes, and the trash (restore, purge).
import { Hono } from 'hono';
import type { InstanceEnv } from '../deps.ts';
import { decodeKeyCursor, pageSize } from '../policy/paging.ts';
import { changesQuery } from '../policy/recent-changes.ts';
import { can } from '../policy/roles.ts';
import { cleanQuery } from '../policy/search-query.ts';
import type { InstanceServices } from '../services/services.tsx';
import { requireRole } from '../services/wiki.ts';
import { listChanges } from '../store/changes.ts';
import { listTrash } from '../store/pages.ts';
import { searchPages } from '../store/search.ts';
import { AllPagesScreen, SearchScreen, TrashScreen } from '../views/browse.tsx';
import { ChangesScreen } from '../views/changes.tsx';
import { changesUrl, listPageUrl } from '../views/links.tsx';
import { uiContext } from '../views/ui-context.ts';
import { actorOf, intParam, snippetHtml } from './api-support.ts';
import { seeOther } from './ui-support.ts';

/** The query of a page of /_trash past the first (a cursor already checked), or nothing. */
const trashPage = (before: string | undefined, limit: number) => (before ? listPageUrl('', { name: 'before', value: before }, limit) : '');

export function browseRoutes(services: InstanceServices) {
  const { db, wiki } = services;
  const app = new Hono<InstanceEnv>();

  app.get('/_search', async (c) => {
    const query = cleanQuery(c.req.query('q'));
    const hits = query ? await searchPages(db, query, c.var.settings.searchLanguage) : [];
    const results = hits.map((h) => ({ path: h.path, title: h.title, snippetHtml: snippetHtml(h.snippet) }));
    return c.html(<SearchScreen ui={uiContext(c, services)} query={query} results={results} />);
  });

  app.get('/_pages', async (c) => {
    // Both from the cached tree: no query of its own for a list every sidebar already keeps.
    const [tree, count] = await Promise.all([services.tree(), services.livePageCount()]);
    return c.html(<AllPagesScreen ui={uiContext(c, services)} tree={tree} count={count} />);
  });

  app.get('/_changes', async (c) => {
    // Paged like GET /api/changes: the "Older" link carries `before`, and the filter stays on.
    const { limit, before, path } = changesQuery(c.req.query());
    const { items, next } = await listChanges(db, { limit, before, prefix: path, includeTrashed: can(c.var.role, 'write') });
    const pager = { next: next === null ? null : changesUrl({ path, before: next, limit }), first: before ? changesUrl({ path }) : undefined };
    return c.html(<ChangesScreen ui={uiContext(c, services)} path={path} changes={items} pager={pager} />);
  });

  app.get('/_trash', async (c) => {
    requireRole(actorOf(c), 'write');
    // Paged like GET /api/trash: the "Older" link carries `before`.
    const limit = pageSize(c.req.query('limit'));
    const before = decodeKeyCursor(c.req.query('before'), 'before', ['number', 'id']);
    const { items, next } = await listTrash(db, { limit, before });
    const pager = { next: next === null ? null : listPageUrl('/_trash', { name: 'before', value: next }, limit), first: before ? '/_trash' : undefined };
    return c.html(<TrashScreen ui={uiContext(c, services)} pages={items} pager={pager} here={trashPage(c.req.query('before'), limit)} canPurge={can(c.var.role, 'purge')} />);
  });

  app.post('/_trash/:id/restore', async (c) => {
    const row = await wiki.untrash(actorOf(c), intParam(c, 'id'), c.var.settings.searchLanguage);
    return seeOther(c, row.path.split('/').map(encodeURIComponent).join('/'));
  });

  app.post('/_trash/:id/purge', async (c) => {
    // Back to the page of the trash the form was on (its action carries that page's cursor), checked first.
    const before = c.req.query('before');
    decodeKeyCursor(before, 'before', ['number', 'id']);
    const back = `/_trash${trashPage(before, pageSize(c.req.query('limit')))}`;
    await wiki.purge(actorOf(c), intParam(c, 'id'));
    return seeOther(c, back);
  });

  return app;
}
