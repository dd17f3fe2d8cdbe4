// What every origin request passes through first: its id (the edge's, or a new one) on the context, the
// log and the response; the security headers and the edge's Server-Timing entry; then, once it is answered, its metrics and access line.
// One middleware layer rather than four: every async layer costs each request promises, microtask hops
// and, once anything has enabled async hooks (hono/jsx's AsyncLocalStorage does on Node 20), a hook call
// per promise. A page view is short enough for four of them to show in its throughput.
import { createMiddleware } from 'hono/factory';
import { EDGE_TIMING_HEADER, EDGE_TIMING_PATTERN, REQUEST_ID_HEADER } from '#shared/headers';
import { accessLineWriter } from './access-log.ts';
import { UNAUTHENTICATED_PATHS } from './assertion.ts';
import type { BaseEnv } from './env.ts';
import type { Logger } from './logger.ts';
import { requestObserver, routeLabel, type Metrics } from './metrics.ts';
import { requestIdFrom, requestLogger } from './request-id.ts';
import { securityHeaderEntries } from './security-headers.ts';

export function requestEnvelope(deps: { logger: Logger; metrics: Metrics; connectSrc?: readonly string[]; formAction?: readonly string[]; hsts?: boolean }) {
  const { logger } = deps;
  const headers = securityHeaderEntries({ connectSrc: deps.connectSrc, formAction: deps.formAction, hsts: deps.hsts });
  const observe = requestObserver(deps.metrics);
  const writeAccessLine = accessLineWriter(logger);
  return createMiddleware<BaseEnv>(async function envelope(c, next) {
    const started = performance.now();
    const rid = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    c.set('requestId', rid);
    c.set('log', requestLogger(logger, rid));
    // Set before the handler runs, not patched onto the finished response: touching a finished
    // response's headers makes @hono/node-server build them again before writing.
    c.header(REQUEST_ID_HEADER, rid);
    for (const [name, value] of headers) c.header(name, value);
    // The edge's timing entry, returned as is: with it, the edge passes this answer on without copying it.
    const edgeTiming = c.req.header(EDGE_TIMING_HEADER);
    if (edgeTiming !== undefined && EDGE_TIMING_PATTERN.test(edgeTiming)) c.header('server-timing', edgeTiming);

    await next(); // errors are answered inside (the app's onError), so c.res is always the answer

    const ms = performance.now() - started;
    const method = c.req.method;
    const route = routeLabel(c);
    const status = c.res.status;
    observe(method, route, status, ms / 1000);
    // Probes and scrapes arrive every few seconds; they would drown the lines people read.
    const level = status < 400 && UNAUTHENTICATED_PATHS.has(c.req.path) ? 'debug' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    // c.get, not c.var: each c.var read copies every variable of the request into a new object.
    writeAccessLine(level, { rid, method, path: c.req.path, route, status, ms: Math.round(ms * 10) / 10, user: c.get('assertion')?.sub });
  });
}
