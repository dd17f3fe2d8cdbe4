// The middleware stack every origin role shares, in order: the request envelope (id, security headers,
// metrics, access log) → probes and metrics (direct callers only) → routes that authenticate themselves → assertion.
// Roles add their routes to the app this returns.
import { Hono, type ErrorHandler, type NotFoundHandler } from 'hono';
import { cacheVerifications } from './assertion-cache.ts';
import { directCallersOnly, requireAssertion, UNAUTHENTICATED_PATHS, type AssertionVerifier } from './assertion.ts';
import type { BaseEnv } from './env.ts';
import { createErrorHandler, createNotFoundHandler, type HtmlErrorRenderer } from './error-handler.ts';
import { healthRoutes } from './health.ts';
import type { Logger } from './logger.ts';
import { metricsRoute, type Metrics } from './metrics.ts';
import { servesHttps } from './public-url.ts';
import { requestEnvelope } from './request-envelope.ts';

export interface BaseAppDeps {
  logger: Logger;
  metrics: Metrics;
  verify: AssertionVerifier;
  audience: string;
  ping: () => Promise<void>;
  isDraining?: () => boolean;
  renderHtmlError?: HtmlErrorRenderer;
  /** Extra origins pages may connect to (the media storage endpoint for direct uploads). */
  connectSrc?: readonly string[];
  /** Extra origins form submissions may end up on (the portal's billing forms redirect to Stripe). */
  formAction?: readonly string[];
  /** Public URLs as the browser sees them; https on a real domain adds HSTS. */
  publicUrlPattern?: string;
  /**
   * Routes that carry their own authentication instead of an edge assertion (the Stripe webhook: its
   * signature is the proof). Mounted before the assertion check; every other path still needs one.
   */
  selfAuthenticatedRoutes?: readonly Hono<BaseEnv>[];
  /**
   * Paths open without sign-in (the portal's pricing and sign-up): exact, or a prefix when ending in "/".
   * They still need an assertion from the edge, and also take its `public` one; handlers tell a visitor
   * apart with isAnonymous.
   */
  publicPaths?: readonly string[];
}

export function createBaseApp<E extends BaseEnv>(deps: BaseAppDeps): Hono<E> {
  const app = new Hono<E>();
  const hsts = deps.publicUrlPattern !== undefined && servesHttps(deps.publicUrlPattern);
  app.use(requestEnvelope({ logger: deps.logger, metrics: deps.metrics, connectSrc: deps.connectSrc, formAction: deps.formAction, hsts }));
  for (const path of UNAUTHENTICATED_PATHS) app.use(path, directCallersOnly);
  app.route('/', healthRoutes({ ping: deps.ping, isDraining: deps.isDraining }));
  app.route('/', metricsRoute(deps.metrics));
  for (const routes of deps.selfAuthenticatedRoutes ?? []) app.route('/', routes);
  app.use(requireAssertion({ verify: cacheVerifications(deps.verify), audience: deps.audience, publicPaths: deps.publicPaths }));
  // The handlers only read BaseEnv variables, which every role's env extends.
  app.onError(createErrorHandler(deps.renderHtmlError) as unknown as ErrorHandler<E>);
  app.notFound(createNotFoundHandler(deps.renderHtmlError) as unknown as NotFoundHandler<E>);
  return app;
}
