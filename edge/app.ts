// Builds the edge's Hono app from a parsed config. Tests build the same app with their own deps.
import { Hono } from 'hono';
import { authRoutes } from './auth-routes.ts';
import type { EdgeConfig } from './config.ts';
import { importEdgeKeys, type EdgeKeys } from './crypto-keys.ts';
import { isForeignRequest } from './csrf.ts';
import type { AppDeps, EdgeHono } from './edge-context.ts';
import { gateway } from './gateway.ts';
import { jwksCacheFor } from './jwks-cache.ts';
import { log } from './logger.ts';
import { requestContext } from './request-context.ts';
import { errorResponse, onError } from './respond.ts';

/** Default dependencies for a config: keys imported once, the isolate's JWKS cache for the realm. */
export function defaultDeps(config: EdgeConfig): AppDeps {
  let keys: Promise<EdgeKeys> | undefined;
  const getKeys = () => {
    keys ??= importEdgeKeys(config).catch((err) => {
      keys = undefined;
      throw err;
    });
    return keys;
  };
  return {
    config,
    keys: getKeys,
    jwks: jwksCacheFor(config.oidc.jwksUrl, {
      originAccess: config.oidc.originAccess,
      onEvent: (e) => log(e.level, { msg: e.msg, reason: e.reason }),
    }),
  };
}

export function createApp(deps: AppDeps) {
  const app = new Hono<EdgeHono>();
  app.use(requestContext(deps));
  app.onError(onError);

  // On any host, the bare loopback address included, for load balancers; it names nothing behind the edge.
  app.get('/_edge/healthz', (c) => c.json({ ok: true, service: 'edge' }));

  // CSRF: the IdP's pages keep their own protections (pass-through untouched); everything else is checked
  // here, the edge's own /_auth and /_edge routes on the sso host included.
  app.use(async function originCheck(c, next) {
    // c.req.path is the path Hono routes on (decoded), so an escaped /%5Fauth is judged as the route it reaches.
    const passThrough = c.var.route.kind === 'idp' && !isEdgeOwnPath(c.req.path);
    if (!passThrough && isForeignRequest(c.req.raw, c.var.url)) {
      c.var.logFields.reason = 'foreign_origin';
      return errorResponse(c, 'forbidden', 'Cross-origin request refused.');
    }
    await next();
  });

  app.route('/_auth', authRoutes(deps));
  app.all('*', gateway(deps));
  return app;
}

/** Paths the edge answers itself on every host, the sso host included (never passed to the IdP). */
function isEdgeOwnPath(pathname: string): boolean {
  return pathname === '/_auth' || pathname.startsWith('/_auth/') || pathname === '/_edge' || pathname.startsWith('/_edge/');
}

export type EdgeApp = ReturnType<typeof createApp>;
