// Carries the edge's request id through the origin (logs, error bodies, response header); mints one if absent.
import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { REQUEST_ID_HEADER } from '#shared/headers';
import type { BaseEnv } from './env.ts';
import type { Logger } from './logger.ts';

// An id from outside ends up in logs and headers, so it is kept to a boring shape.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(logger: Logger) {
  return createMiddleware<BaseEnv>(async function assignRequestId(c, next) {
    const inbound = c.req.header(REQUEST_ID_HEADER);
    const id = inbound && SAFE_ID.test(inbound) ? inbound : randomUUID();
    c.set('requestId', id);
    c.set('log', logger.child({ rid: id }));
    c.header(REQUEST_ID_HEADER, id);
    await next();
  });
}
