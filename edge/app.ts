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
    jwks: jwksCacheFor(config.oidc.jwksUrl, (e) => log(e.level, { msg: e.msg, reason: e.reason })),
  };
}

export function createApp(deps: AppDeps) {
  const app = new Hono<EdgeHono>();
  app.use(requestContext(deps));
  app.onError(onError);

  app.get('/_edge/healthz', (c) => c.json({ ok: true, service: 'edge', instances: [...deps.config.instances.keys()] }));

  // CSRF: the IdP keeps its own protections (pass-through untouched); everything else is checked here.
  app.use(async function originCheck(c, next) {
    if (c.var.route.kind !== 'idp' && isForeignRequest(c.req.raw, c.var.url)) {
      c.var.logFields.reason = 'foreign_origin';
      return errorResponse(c, 'forbidden', 'Cross-origin request refused.');
    }
    await next();
  });

  app.route('/_auth', authRoutes(deps));
  app.all('*', gateway(deps));
  return app;
}

export type EdgeApp = ReturnType<typeof createApp>;
