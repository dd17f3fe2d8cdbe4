/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Reading pages in the browser: the home page and any page by its path.
import { Hono } from 'hono';
import { raw } from 'hono/html';
import type { InstanceEnv } from '../deps.ts';
import { normalizePagePath } from '../policy/page-path.ts';
import type { InstanceServices } from '../services/services.tsx';
import { findAliasTarget } from '../store/links.ts';
import { readPageView } from '../store/page-view.ts';
import { MissingPageScreen } from '../views/missing-page.tsx';
import { PageViewScreen } from '../views/page-view.tsx';
import { pageUrl } from '../views/links.tsx';
import { uiContext } from '../views/ui-context.ts';

export function viewRoutes(services: InstanceServices) {
  const app = new Hono<InstanceEnv>();
  app.get('/*', async (c, next) => {
    const requested = c.req.path; // already percent-decoded by Hono
    if (requested.startsWith('/_') || requested.startsWith('/api/')) return next();
    const path = normalizePagePath(requested);
    const ui = uiContext(c, services);
    if (!path.ok) return c.html(<MissingPageScreen ui={ui} path={requested} reason={path.reason} />, 404);
    // Old links keep working: a path that is not canonical redirects to its canonical form.
    if (path.path !== requested && path.path !== requested.replace(/\/$/, '')) return c.redirect(pageUrl(path.path), 301);
    const page = await readPageView(services.sql, path.path);
    if (page) return c.html(<PageViewScreen ui={ui} page={page} sidebar={raw(await services.sidebarHtml(page.path))} />);
    // A page that moved keeps answering at its former path.
    const movedTo = await findAliasTarget(services.db, path.path);
    if (movedTo) return c.redirect(pageUrl(movedTo), 301);
    // The home page of a fresh instance is a welcome, not an error.
    return c.html(<MissingPageScreen ui={ui} path={path.path} />, path.path === '/' ? 200 : 404);
  });
  return app;
}
