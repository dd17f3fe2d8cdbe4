// Every request except health and metrics must carry the edge's signed assertion for this audience.
// The client gets one vague 401; the precise reason goes to the log.
import { createMiddleware } from 'hono/factory';
import type { AssertionResult } from '#shared/edge-assertion';
import { AppError } from '#shared/errors';
import { ASSERTION_HEADER } from '#shared/headers';
import type { BaseEnv } from './env.ts';

export type AssertionVerifier = (token: string | undefined | null, audience: string) => Promise<AssertionResult>;

/** Paths that answer without an assertion: probes and scrapers do not come through the edge. */
export const UNAUTHENTICATED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export function requireAssertion(options: { verify: AssertionVerifier; audience: string }) {
  const { verify, audience } = options;
  return createMiddleware<BaseEnv>(async function checkAssertion(c, next) {
    if (UNAUTHENTICATED_PATHS.has(c.req.path)) return next();
    const result = await verify(c.req.header(ASSERTION_HEADER), audience);
    if (!result.ok) {
      c.get('log').warn({ reason: result.reason, path: c.req.path }, 'assertion refused');
      throw new AppError('unauthenticated', 'Sign-in required: this request did not come through the platform.');
    }
    // The edge reuses one assertion per session for a few seconds, so its `rid` names the request that
    // minted it; this request's own id is the X-Request-Id header (request-id.ts).
    c.set('assertion', result.payload);
    await next();
  });
}
