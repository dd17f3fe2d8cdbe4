/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Reading pages in the browser: the home page and any page by its path.
import { Hono } from 'hono';
import type { InstanceEnv } from '../deps.ts';
import { memoizedNormalizePagePath } from '../policy/page-path.ts';
import type { InstanceServices } from '../services/services.tsx';
import { findAliasTarget } from '../store/links.ts';
import { MissingPageScreen } from '../views/missing-page.tsx';
import { createPageViewRenderer } from '../views/page-view-html.ts';
import { pageUrl } from '../views/links.tsx';
import { uiContext } from '../views/ui-context.ts';

const HTML = { 'content-type': 'text/html; charset=UTF-8' };

export function viewRoutes(services: InstanceServices) {
  const app = new Hono<InstanceEnv>();
  const renderPageView = createPageViewRenderer();
  const normalizePagePath = memoizedNormalizePagePath();
  app.get('/*', async (c, next) => {
    const requested = c.req.path; // already percent-decoded by Hono
    if (requested.startsWith('/_') || requested.startsWith('/api/')) return next();
    const path = normalizePagePath(requested);
    const ui = uiContext(c, services);
    if (!path.ok) return c.html(<MissingPageScreen ui={ui} path={requested} reason={path.reason} />, 404);
    // Old links keep working: a path that is not canonical redirects to its canonical form.
    if (path.path !== requested && path.path !== requested.replace(/\/$/, '')) return c.redirect(pageUrl(path.path), 301);
    const page = await services.pageView(path.path);
    // The hot path: string assembly, the same markup as <PageViewScreen> (views/page-view-html.ts).
    // Sent as bytes: encoded once (the sidebar is cached encoded), where a string body is measured (UTF-8
    // length) and then encoded again.
    if (page) return c.body(renderPageView(ui, page, await services.sidebar(page.path)), 200, HTML);
    // A page that moved keeps answering at its former path.
    const movedTo = await findAliasTarget(services.db, path.path);
    if (movedTo) return c.redirect(pageUrl(movedTo), 301);
    // The home page of a fresh instance is a welcome, not an error.
    return c.html(<MissingPageScreen ui={ui} path={path.path} />, path.path === '/' ? 200 : 404);
  });
  return app;
}
