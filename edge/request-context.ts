// First middleware of every request: request id, host route, scheme-dependent flags; and, on the way
// out, X-Request-Id, security headers, Server-Timing and one JSON log line. The hot path (hot-path.ts)
// uses the same pieces without Hono.
import { createMiddleware } from 'hono/factory';
import { REQUEST_ID_HEADER } from '#shared/headers';
import type { AppDeps, EdgeHono } from './edge-context.ts';
import { useSecureCookies } from './cookies.ts';
import type { Route } from './host-router.ts';
import { isLocalhost, routeForHost, siblingOrigin } from './host-router.ts';
import { log, logEnabled } from './logger.ts';
import { applySecurityHeaders, type HeaderProfile } from './security-headers.ts';

/** Inbound request ids are kept (tracing across hops) when they look like ids, never arbitrary text. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFor(headers: Headers): string {
  const inboundId = headers.get(REQUEST_ID_HEADER);
  return inboundId && REQUEST_ID_PATTERN.test(inboundId) ? inboundId : crypto.randomUUID();
}

export interface Finish {
  rid: string;
  url: URL;
  https: boolean;
  profile: HeaderProfile;
  /** Date.now() when the request arrived. */
  started: number;
  originMs?: number;
}

/** X-Request-Id, security headers and Server-Timing on the way out; returns the request's duration. */
export function finishResponse(res: Response, f: Finish): number {
  const total = Date.now() - f.started;
  // A 101 carries a live WebSocket; its headers are the origin's and immutable.
  if (res.status !== 101) {
    res.headers.set(REQUEST_ID_HEADER, f.rid);
    applySecurityHeaders(res.headers, f.profile, hstsFor(f.https, f.url.host));
    const origin = f.originMs;
    res.headers.set(
      'server-timing',
      origin === undefined ? `edge;dur=${total}` : `edge;dur=${Math.max(0, total - origin)}, origin;dur=${origin}`,
    );
  }
  return total;
}

/** HSTS only for https to a real domain: on *.localhost it would outlive the dev session. */
export function hstsFor(https: boolean, host: string): boolean {
  return https && !isLocalhost(host);
}

export interface RequestLogFacts {
  rid: string;
  url: URL;
  route: Route;
  ms: number;
  fields: Record<string, unknown>;
}

/** The request's one log line (info, or error for a 5xx). */
export function logRequest(req: Request, res: Response, f: RequestLogFacts): void {
  const level = res.status >= 500 ? 'error' : 'info';
  if (!logEnabled(level)) return;
  log(level, {
    msg: 'request',
    rid: f.rid,
    method: req.method,
    host: f.url.host,
    // Path only: queries carry codes and states.
    path: f.url.pathname,
    instance: f.route.kind === 'instance' ? f.route.instance.id : f.route.kind,
    status: res.status,
    ms: f.ms,
    ...f.fields,
  });
}

/**
 * logRequest once the answer is on its way (the hot path): in workerd the line costs ≈ 20 µs, which the
 * client then does not wait for. The zero wait lets the runtime write the response first; waitUntil keeps
 * the invocation open until the line is written.
 */
export function logRequestAfterAnswer(ctx: ExecutionContext, req: Request, res: Response, f: RequestLogFacts): void {
  if (!logEnabled(res.status >= 500 ? 'error' : 'info')) return;
  ctx.waitUntil(scheduler.wait(0).then(() => logRequest(req, res, f)));
}

export function requestContext(deps: AppDeps) {
  const { config } = deps;
  return createMiddleware<EdgeHono>(async function requestContextMiddleware(c, next) {
    const started = Date.now();
    const url = new URL(c.req.url);
    const rid = requestIdFor(c.req.raw.headers);
    const https = url.protocol === 'https:';
    const route = routeForHost(url.host, config.domain, config.instances);
    const logFields: Record<string, unknown> = {};
    c.set('rid', rid);
    c.set('url', url);
    c.set('route', route);
    c.set('https', https);
    c.set('secureCookies', useSecureCookies(config.secureCookies, url.host));
    c.set('appOrigin', siblingOrigin(url, 'app', config.domain));
    c.set('headerProfile', 'edge');
    c.set('logFields', logFields);

    await next();

    const res = c.res;
    const ms = finishResponse(res, { rid, url, https, profile: c.get('headerProfile'), started, originMs: c.get('originMs') });
    logRequest(c.req.raw, res, { rid, url, route, ms, fields: logFields });
  });
}
