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

/**
 * Probes and metrics answer only callers on the origin host's network. A request that came through the
 * edge carries its assertion and x-forwarded-host (the edge always sets both); the edge refuses these
 * paths itself, and this second layer holds if a spelling slips past it (`/%6Detrics` is `/metrics` here).
 */
export const directCallersOnly = createMiddleware<BaseEnv>(function directCallersOnly(c, next) {
  if (c.req.header(ASSERTION_HEADER) !== undefined || c.req.header('x-forwarded-host') !== undefined) {
    throw new AppError('not_found', 'Nothing here.');
  }
  return next();
});

/**
 * `publicPaths`: pages open without sign-in (exact paths, or prefixes ending in "/"), which also take the
 * edge's `public` assertion (nobody signed in; see isAnonymous). Everywhere else that assertion is
 * refused like a missing one.
 */
export function requireAssertion(options: { verify: MaybeAsyncVerifier; audience: string; publicPaths?: readonly string[] }) {
  const { verify, audience } = options;
  const publicPaths = options.publicPaths ?? [];
  const isPublic = (path: string) => publicPaths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));
  const accept = (c: Context<BaseEnv>, result: AssertionResult, next: Next) => {
    if (!result.ok || (result.payload.purpose === 'public' && !isPublic(c.req.path))) {
      c.get('log').warn({ reason: result.ok ? 'public_assertion' : result.reason, path: c.req.path }, 'assertion refused');
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

/** True when the request's assertion is the edge's `public` one: a visitor who is not signed in. */
export function isAnonymous(assertion: BaseEnv['Variables']['assertion']): boolean {
  return assertion.purpose === 'public';
}
