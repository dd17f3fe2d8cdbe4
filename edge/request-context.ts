// First middleware of every request: request id, host route, scheme-dependent flags; and, on the way
// out, X-Request-Id, security headers, Server-Timing and one JSON log line.
import { createMiddleware } from 'hono/factory';
import { REQUEST_ID_HEADER } from '#shared/headers';
import type { AppDeps, EdgeHono } from './edge-context.ts';
import { useSecureCookies } from './cookies.ts';
import { isLocalhost, routeForHost, siblingOrigin } from './host-router.ts';
import { log, logEnabled } from './logger.ts';
import { applySecurityHeaders } from './security-headers.ts';

/** Inbound request ids are kept (tracing across hops) when they look like ids, never arbitrary text. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestContext(deps: AppDeps) {
  const { config } = deps;
  return createMiddleware<EdgeHono>(async function requestContextMiddleware(c, next) {
    const started = Date.now();
    const url = new URL(c.req.url);
    const inboundId = c.req.header(REQUEST_ID_HEADER);
    c.set('rid', inboundId && REQUEST_ID_PATTERN.test(inboundId) ? inboundId : crypto.randomUUID());
    c.set('url', url);
    c.set('route', routeForHost(url.host, config.domain, config.instances));
    c.set('https', url.protocol === 'https:');
    c.set('secureCookies', useSecureCookies(config.secureCookies, url.host));
    c.set('appOrigin', siblingOrigin(url, 'app', config.domain));
    c.set('headerProfile', 'edge');
    c.set('logFields', {});

    await next();

    const res = c.res;
    const total = Date.now() - started;
    // A 101 carries a live WebSocket; its headers are the origin's and immutable.
    if (res.status !== 101) {
      res.headers.set(REQUEST_ID_HEADER, c.var.rid);
      applySecurityHeaders(res.headers, c.var.headerProfile, c.var.https && !isLocalhost(url.host));
      const origin = c.var.originMs;
      res.headers.set(
        'server-timing',
        origin === undefined ? `edge;dur=${total}` : `edge;dur=${Math.max(0, total - origin)}, origin;dur=${origin}`,
      );
    }
    const route = c.var.route;
    const level = res.status >= 500 ? 'error' : 'info';
    if (!logEnabled(level)) return;
    log(level, {
      msg: 'request',
      rid: c.var.rid,
      method: c.req.method,
      host: url.host,
      // Path only: queries carry codes and states.
      path: url.pathname,
      instance: route.kind === 'instance' ? route.instance.id : route.kind,
      status: res.status,
      ms: total,
      ...c.var.logFields,
    });
  });
}
