// One JSON line per request: what ops search by (request id, route, status, duration). No headers, no
// query string, no body: nothing that could carry a credential or personal search terms.
import { createMiddleware } from 'hono/factory';
import { pino } from 'pino';
import type { BaseEnv } from './env.ts';
import { UNAUTHENTICATED_PATHS } from './assertion.ts';
import { isoTime, type Logger } from './logger.ts';
import { routeLabel } from './metrics.ts';

type LineStream = { write(line: string): unknown };

/**
 * The line pino would write for `logger.info({ rid, method, path, route, status, ms, user }, 'request')`,
 * byte for byte (level, time, bindings, fields, msg), built with one native JSON.stringify: pino's
 * generic serialiser and redaction pass cost a page view more than its route handler. The fields are
 * fixed here and none of them can carry a credential, so there is nothing to redact.
 */
export function accessLineWriter(logger: Logger) {
  const stream = (logger as unknown as Record<symbol, LineStream>)[pino.symbols.streamSym]!;
  const bindings = JSON.stringify(logger.bindings()).slice(1, -1);
  const head = bindings ? `,${bindings},` : ',';
  return (level: 'debug' | 'info', fields: Record<string, string | number | undefined>) => {
    stream.write(`{"level":"${level}"${isoTime()}${head}${JSON.stringify(fields).slice(1, -1)},"msg":"request"}\n`);
  };
}

export function accessLog(logger: Logger) {
  const write = accessLineWriter(logger);
  return createMiddleware<BaseEnv>(async function logRequest(c, next) {
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    // Probes and scrapes arrive every few seconds; they would drown the lines people read.
    const level = UNAUTHENTICATED_PATHS.has(c.req.path) && c.res.status < 400 ? 'debug' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    // c.get, not c.var: each c.var read copies every variable of the request into a new object.
    write(level, { rid: c.get('requestId'), method: c.req.method, path: c.req.path, route: routeLabel(c), status: c.res.status, ms, user: c.get('assertion')?.sub });
  });
}
