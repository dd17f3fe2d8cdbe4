// One JSON line per request: what ops search by (request id, route, status, duration). No headers, no
// query string, no body: nothing that could carry a credential or personal search terms.
import { createMiddleware } from 'hono/factory';
import type { BaseEnv } from './env.ts';
import { UNAUTHENTICATED_PATHS } from './assertion.ts';
import { routeLabel } from './metrics.ts';

export function accessLog() {
  return createMiddleware<BaseEnv>(async function logRequest(c, next) {
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    // Probes and scrapes arrive every few seconds; they would drown the lines people read.
    const level = UNAUTHENTICATED_PATHS.has(c.req.path) && c.res.status < 400 ? 'debug' : 'info';
    c.var.log[level]({ method: c.req.method, path: c.req.path, route: routeLabel(c), status: c.res.status, ms, user: c.var.assertion?.sub }, 'request');
  });
}
