/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Finding things in the browser: search, all pages, and the trash (restore, purge).
import { Hono } from 'hono';
import type { InstanceEnv } from '../deps.ts';
import { can } from '../policy/roles.ts';
import { cleanQuery } from '../policy/search-query.ts';
import type { InstanceServices } from '../services/services.tsx';
import { requireRole } from '../services/wiki.ts';
import { listLivePages, listTrash } from '../store/pages.ts';
import { searchPages } from '../store/search.ts';
import { AllPagesScreen, SearchScreen, TrashScreen } from '../views/browse.tsx';
import { uiContext } from '../views/ui-context.ts';
import { actorOf, intParam, snippetHtml } from './api-support.ts';
import { seeOther } from './ui-support.ts';

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
    const [tree, rows] = await Promise.all([services.tree(), listLivePages(db)]);
    return c.html(<AllPagesScreen ui={uiContext(c, services)} tree={tree} count={rows.length} />);
  });

  app.get('/_trash', async (c) => {
    requireRole(actorOf(c), 'write');
    return c.html(<TrashScreen ui={uiContext(c, services)} pages={await listTrash(db)} canPurge={can(c.var.role, 'purge')} />);
  });

  app.post('/_trash/:id/restore', async (c) => {
    const row = await wiki.untrash(actorOf(c), intParam(c, 'id'), c.var.settings.searchLanguage);
    return seeOther(c, row.path.split('/').map(encodeURIComponent).join('/'));
  });

  app.post('/_trash/:id/purge', async (c) => {
    await wiki.purge(actorOf(c), intParam(c, 'id'));
    return seeOther(c, '/_trash');
  });

  return app;
}
