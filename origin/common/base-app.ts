// The middleware stack every origin role shares, in order: request id → metrics → probes → assertion.
// Roles add their routes to the app this returns.
import { Hono, type ErrorHandler, type NotFoundHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { requireAssertion, type AssertionVerifier } from './assertion.ts';
import type { BaseEnv } from './env.ts';
import { createErrorHandler, createNotFoundHandler, type HtmlErrorRenderer } from './error-handler.ts';
import { healthRoutes } from './health.ts';
import type { Logger } from './logger.ts';
import { measureRequests, metricsRoute, type Metrics } from './metrics.ts';
import { requestId } from './request-id.ts';

export interface BaseAppDeps {
  logger: Logger;
  metrics: Metrics;
  verify: AssertionVerifier;
  audience: string;
  ping: () => Promise<void>;
  isDraining?: () => boolean;
  renderHtmlError?: HtmlErrorRenderer;
}

// Origins only serve our own files; page content is sanitised, and this is the second line of defence.
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'https:'],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function createBaseApp<E extends BaseEnv>(deps: BaseAppDeps): Hono<E> {
  const app = new Hono<E>();
  app.use(requestId(deps.logger));
  app.use(measureRequests(deps.metrics));
  app.use(secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, referrerPolicy: 'same-origin', crossOriginEmbedderPolicy: false }));
  app.route('/', healthRoutes({ ping: deps.ping, isDraining: deps.isDraining }));
  app.route('/', metricsRoute(deps.metrics));
  app.use(requireAssertion({ verify: deps.verify, audience: deps.audience }));
  // The handlers only read BaseEnv variables, which every role's env extends.
  app.onError(createErrorHandler(deps.renderHtmlError) as unknown as ErrorHandler<E>);
  app.notFound(createNotFoundHandler(deps.renderHtmlError) as unknown as NotFoundHandler<E>);
  return app;
}
