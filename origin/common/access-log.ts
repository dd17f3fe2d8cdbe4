// One JSON line per request: what ops search by (request id, route, status, duration). No headers, no
// query string, no body: nothing that could carry a credential or personal search terms.
import { createMiddleware } from 'hono/factory';
import type { BaseEnv } from './env.ts';
import { UNAUTHENTICATED_PATHS } from './assertion.ts';
import type { Logger } from './logger.ts';
import { routeLabel } from './metrics.ts';

export function accessLog(logger: Logger) {
  // The line's fields are fixed above and none is redactable, so it skips the redaction pass (half the
  // cost of a line); `rid` goes first, which gives byte for byte the line the request's child logger would.
  const lines = logger.child({}, { redact: [] });
  return createMiddleware<BaseEnv>(async function logRequest(c, next) {
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    // Probes and scrapes arrive every few seconds; they would drown the lines people read.
    const level = UNAUTHENTICATED_PATHS.has(c.req.path) && c.res.status < 400 ? 'debug' : 'info';
    if (!lines.isLevelEnabled(level)) return;
    // c.get, not c.var: each c.var read copies every variable of the request into a new object.
    lines[level]({ rid: c.get('requestId'), method: c.req.method, path: c.req.path, route: routeLabel(c), status: c.res.status, ms, user: c.get('assertion')?.sub }, 'request');
  });
}
