// Every request except health and metrics must carry the edge's signed assertion for this audience.
// The client gets one vague 401; the precise reason goes to the log.
import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AssertionResult } from '#shared/edge-assertion';
import { AppError } from '#shared/errors';
import { ASSERTION_HEADER } from '#shared/headers';
import type { BaseEnv } from './env.ts';

export type AssertionVerifier = (token: string | undefined | null, audience: string) => Promise<AssertionResult>;
/** A verifier that may answer from memory without a promise (assertion-cache.ts). */
export type MaybeAsyncVerifier = (token: string | undefined | null, audience: string) => AssertionResult | Promise<AssertionResult>;

/** Paths that answer without an assertion: probes and scrapers do not come through the edge. */
export const UNAUTHENTICATED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export function requireAssertion(options: { verify: MaybeAsyncVerifier; audience: string }) {
  const { verify, audience } = options;
  const accept = (c: Context<BaseEnv>, result: AssertionResult, next: Next) => {
    if (!result.ok) {
      c.get('log').warn({ reason: result.reason, path: c.req.path }, 'assertion refused');
      throw new AppError('unauthenticated', 'Sign-in required: this request did not come through the platform.');
    }
    // The edge reuses one assertion per session for a few seconds, so its `rid` names the request that
    // minted it; this request's own id is the X-Request-Id header (request-id.ts).
    c.set('assertion', result.payload);
    return next();
  };
  // Not an async function: a remembered assertion is accepted without a promise or a microtask hop.
  return createMiddleware<BaseEnv>(function checkAssertion(c, next) {
    if (UNAUTHENTICATED_PATHS.has(c.req.path)) return next();
    const result = verify(c.req.header(ASSERTION_HEADER), audience);
    return result instanceof Promise ? result.then((r) => accept(c, r, next)) : accept(c, result, next);
  });
}
