/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The wiki of one instance: probes and metrics, the assertion check, then the user, then the routes.
import type { Hono } from 'hono';
import { createBaseApp } from '../common/base-app.ts';
import type { HtmlErrorRenderer } from '../common/error-handler.ts';
import { createMetrics } from '../common/metrics.ts';
import type { InstanceDeps, InstanceEnv } from './deps.ts';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '#shared/errors';
import { changesApi } from './routes/api-changes.ts';
import { exportApi } from './routes/api-export.ts';
import { importApi } from './routes/api-import.ts';
import { miscApi } from './routes/api-misc.ts';
import { pageApi } from './routes/api-pages.ts';
import { trashApi } from './routes/api-trash.ts';
import { openApiRoute } from './routes/openapi.ts';
import { adminRoutes } from './routes/ui-admin.tsx';
import { browseRoutes } from './routes/ui-browse.tsx';
import { editRoutes } from './routes/ui-edit.tsx';
import { filesRoutes } from './routes/ui-files.tsx';
import { historyRoutes } from './routes/ui-history.tsx';
import { sameSiteOnly } from './routes/ui-support.ts';
import { viewRoutes } from './routes/ui-view.tsx';
import { identify } from './services/identify.ts';
import { createServices, type InstanceServices } from './services/services.tsx';
import { MAX_IMPORT_BYTES } from './services/wiki-import.ts';
import { ErrorPage } from './views/layout.tsx';
import { uiContext } from './views/ui-context.ts';

/** The two routes that take a zip of pages (routes/api-import.ts, the settings page's form). */
const IMPORT_PATHS = new Set(['/api/import', '/_import']);
/** Pages are capped at 500k characters; this leaves room for JSON escaping and form encoding. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function createInstanceApp(deps: InstanceDeps): Hono<InstanceEnv> {
  const metrics = deps.metrics ?? createMetrics({ instance: deps.instanceId });
  const services = createServices(deps, metrics);
  const app = createBaseApp<InstanceEnv>({
    logger: deps.logger,
    metrics,
    verify: deps.verify,
    audience: deps.instanceId,
    ping: deps.database.ping,
    isDraining: deps.isDraining,
    renderHtmlError: htmlErrors(services),
    connectSrc: deps.media ? [deps.media.storageOrigin] : [],
    publicUrlPattern: deps.publicUrlPattern,
  });
  app.route('/', services.assets.routes());
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES / 1024 / 1024} MB.`);
    },
  });
  const limitImport = bodyLimit({
    maxSize: MAX_IMPORT_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', `An import archive is limited to ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`);
    },
  });
  // Only for methods with a body, chosen by the router: bodyLimit reads `request.body`, which makes
  // @hono/node-server build a full Request object, and a GET should not even pass through the layer.
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '*', (c, next) => (IMPORT_PATHS.has(c.req.path) ? limitImport(c, next) : limitBody(c, next)));
  app.use(identify(services.directory));
  // Before the API as before the forms: a bodiless POST (restore, trash) needs no JSON to be forged.
  app.use('/api/*', sameSiteOnly);
  app.route('/', openApiRoute());
  app.route('/', pageApi(services));
  app.route('/', trashApi(services));
  app.route('/', changesApi(services));
  app.route('/', miscApi(services));
  app.route('/', exportApi(services));
  app.route('/', importApi(services));
  if (deps.media) app.route('/', deps.media.routes);
  app.use('/_*', sameSiteOnly);
  app.route('/', editRoutes(services));
  app.route('/', historyRoutes(services));
  app.route('/', browseRoutes(services));
  app.route('/', adminRoutes(services));
  app.route('/', filesRoutes(services));
  app.route('/', viewRoutes(services)); // last: it answers every other path with a page (or a 404)
  return app;
}

function htmlErrors(services: InstanceServices): HtmlErrorRenderer {
  return (c, view) => {
    // The user may be unknown if the failure happened before identification.
    const ui = (c.var as InstanceEnv['Variables']).user ? uiContext(c as never, services) : null;
    return c.html(<ErrorPage ui={ui} status={view.status} message={view.message} requestId={view.requestId} />, view.status as 400);
  };
}
