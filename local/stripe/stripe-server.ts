// A local stand-in for Stripe (whose API cannot be reached from here): the slice of the v1 API the portal
// uses, Stripe's error shapes and idempotency, test-mode hosted Checkout and portal pages, and signed
// webhooks with retries. Point the stripe library at `apiBase` (host/port/protocol options).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Plan } from '#shared/plan-matrix';
import { createPortalSession } from './billing-portal.ts';
import { attachPaymentMethod, updateCustomer } from './payment-methods.ts';
import { createPortalConfiguration, listPortalConfigurations, retrievePortalConfiguration } from './billing-portal-configurations.ts';
import { createCatalog } from './catalog.ts';
import { createCheckoutSession, retrieveCheckoutSession } from './checkout-sessions.ts';
import { parseFormParams, type Params } from './form-params.ts';
import { hostedPageRoutes } from './hosted-pages.ts';
import { checkIdempotencyKey, requestFingerprint, saveIdempotentResult } from './idempotency.ts';
import { createContext, EVENT_API_VERSION, type RequestOrigin, type StandInContext } from './stand-in-context.ts';
import { StripeApiError } from './stripe-errors.ts';
import { snapshot, StripeState, stripeId } from './stripe-state.ts';
import { cancelSubscriptionRequest, listSubscriptions, retrieveSubscription, updateSubscription } from './subscriptions.ts';
import { WebhookSender, type Delivery, type StandInLogger, type WebhookEndpoint } from './webhook-sender.ts';

export interface StartStripeOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The one API key accepted (`sk_test_…`); any other is refused with 401, as Stripe does. */
  secretKey: string;
  /** Where events are POSTed, and the `whsec_…` they are signed with. */
  webhook: WebhookEndpoint;
  /** The price id sold for each plan (a monthly recurring price each). */
  prices: Readonly<Record<Plan, string>>;
  /** Monthly amounts in cents (defaults in catalog.ts). */
  amounts?: Partial<Record<Plan, number>>;
  /** State survives restarts in <dataDir>/stripe/state.json; without it, state lives in memory only. */
  dataDir?: string;
  /** Base URL of hosted pages as browsers reach them, when not the API's own address. */
  publicBase?: string;
  logger?: StandInLogger;
}

export interface StripeStandInSnapshot {
  customers: Record<string, unknown>[];
  checkoutSessions: Record<string, unknown>[];
  subscriptions: Record<string, unknown>[];
  portalSessions: Record<string, unknown>[];
  events: Record<string, unknown>[];
}

export interface StripeStandIn {
  /** http://host:port — give it to the portal's Stripe client (STRIPE_API_BASE). */
  apiBase: string;
  publicBase: string;
  port: number;
  /** Every delivery attempt so far, oldest first. */
  readonly deliveries: readonly Delivery[];
  /** Resolves once every event sent so far is delivered or given up. */
  webhooksSettled(): Promise<void>;
  /** Copies of what the stand-in holds (for tests and debugging). */
  snapshot(): StripeStandInSnapshot;
  close(): Promise<void>;
}

const API_BODY_LIMIT = 256 * 1024;

export async function startStripe(options: StartStripeOptions): Promise<StripeStandIn> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const log: StandInLogger = options.logger ?? (() => {});
  const state = StripeState.open(options.dataDir ? join(options.dataDir, 'stripe', 'state.json') : undefined);
  const catalog = createCatalog(options.prices, options.amounts);
  const sender = new WebhookSender(options.webhook, log);

  // Hosted URLs need the port, known only once listening: the app is built right after, before any request.
  let app: Hono | undefined;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: (request) => app!.fetch(request), port: options.port, hostname: host }, () => resolve(s as Server));
    (s as Server).once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const apiBase = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const publicBase = options.publicBase?.replace(/\/+$/, '') || apiBase;
  const ctx = createContext(state, catalog, publicBase, sender);
  app = createStandInApp(ctx, options.secretKey, log);
  log({ level: 'info', msg: 'stripe stand-in listening', apiBase, publicBase });

  let closing: Promise<void> | undefined;
  return {
    apiBase,
    publicBase,
    port,
    get deliveries() {
      return sender.deliveries;
    },
    webhooksSettled: () => sender.settled(),
    snapshot: () =>
      snapshot({
        customers: [...state.customers.values()] as unknown as Record<string, unknown>[],
        checkoutSessions: [...state.sessions.values()].map((r) => r.session) as unknown as Record<string, unknown>[],
        subscriptions: [...state.subscriptions.values()] as unknown as Record<string, unknown>[],
        portalSessions: [...state.portalSessions.values()].map((r) => r.session) as unknown as Record<string, unknown>[],
        events: state.events as unknown as Record<string, unknown>[],
      }),
    close() {
      closing ??= (async () => {
        sender.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        state.save();
      })();
      return closing;
    },
  };
}

/** The API and the hosted pages on one Hono app. */
export function createStandInApp(ctx: StandInContext, secretKey: string, log: StandInLogger): Hono {
  const app = new Hono();
  app.route('/', hostedPageRoutes(ctx));

  app.use('/v1/*', async function authenticate(c, next) {
    const key = apiKeyOf(c.req.header('authorization'));
    if (key === null) return stripeError(c, StripeApiError.missingApiKey());
    if (key !== secretKey) return stripeError(c, StripeApiError.invalidApiKey(key));
    await next();
  });
  app.use(
    '/v1/*',
    bodyLimit({ maxSize: API_BODY_LIMIT, onError: (c) => stripeError(c, StripeApiError.invalidRequest(`Request bodies are limited to ${API_BODY_LIMIT} bytes.`)) }),
  );

  const endpoint = (run: Run) => (c: Context) => answer(c, ctx.state, secretKey, run);

  app.post('/v1/checkout/sessions', endpoint((params) => createCheckoutSession(ctx, params)));
  app.get('/v1/checkout/sessions/:id', endpoint((params, c) => retrieveCheckoutSession(ctx, c.req.param('id')!, params)));
  app.get('/v1/subscriptions', endpoint((params) => listSubscriptions(ctx, params)));
  app.get('/v1/subscriptions/:id', endpoint((params, c) => retrieveSubscription(ctx, c.req.param('id')!, params)));
  app.post('/v1/subscriptions/:id', endpoint((params, c, origin) => updateSubscription(ctx, c.req.param('id')!, params, origin)));
  app.delete('/v1/subscriptions/:id', endpoint((params, c, origin) => cancelSubscriptionRequest(ctx, c.req.param('id')!, params, origin)));
  app.post('/v1/billing_portal/sessions', endpoint((params) => createPortalSession(ctx, params)));
  app.post('/v1/billing_portal/configurations', endpoint((params) => createPortalConfiguration(ctx, params)));
  app.get('/v1/billing_portal/configurations', endpoint((params) => listPortalConfigurations(ctx, params)));
  app.get('/v1/billing_portal/configurations/:id', endpoint((_params, c) => retrievePortalConfiguration(ctx, c.req.param('id')!)));
  app.post('/v1/payment_methods/:id/attach', endpoint((params, c) => attachPaymentMethod(ctx, c.req.param('id')!, params)));
  app.post('/v1/customers/:id', endpoint((params, c) => updateCustomer(ctx, c.req.param('id')!, params)));
  app.get(
    '/v1/customers/:id',
    endpoint((_params, c) => {
      const customer = ctx.state.customers.get(c.req.param('id')!);
      if (!customer) throw StripeApiError.noSuch('customer', c.req.param('id')!, 'id', 404);
      return snapshot(customer) as unknown as Record<string, unknown>;
    }),
  );

  app.notFound((c) => {
    if (c.req.path.startsWith('/v1/') || c.req.path === '/v1') return stripeError(c, StripeApiError.unrecognizedUrl(c.req.method, c.req.path));
    return c.html('<!DOCTYPE html><title>Not found</title><p>Nothing here.</p>', 404);
  });
  app.onError((err, c) => {
    if (err instanceof StripeApiError) return stripeError(c, err);
    // Only the message: request bodies and headers carry keys and customer data.
    log({ level: 'error', msg: 'stripe stand-in failed', path: c.req.path, error: err.message });
    return stripeError(c, new StripeApiError(500, 'api_error', 'An unknown error occurred'));
  });
  return app;
}

type Run = (params: Params, c: Context, origin: RequestOrigin) => Record<string, unknown>;

/** Runs one API request: parameters parsed, the idempotency key honoured, Stripe's headers set. */
async function answer(c: Context, state: StripeState, scope: string, run: Run): Promise<Response> {
  const requestId = stripeId('req_', 14);
  c.header('request-id', requestId);
  c.header('stripe-version', c.req.header('stripe-version') ?? EVENT_API_VERSION);
  const method = c.req.method;
  const params = method === 'POST' ? await bodyParams(c) : parseFormParams(new URL(c.req.url).search.slice(1));
  // Stripe applies keys to POST requests; GET and DELETE are idempotent by definition.
  const key = method === 'POST' ? (c.req.header('idempotency-key') ?? null) : null;
  let fingerprint = '';
  if (key !== null) {
    c.header('idempotency-key', key);
    fingerprint = requestFingerprint(method, c.req.path, params);
    const lookup = checkIdempotencyKey(state.idempotency, scope, key, fingerprint, Date.now());
    if (lookup.kind === 'replay') {
      c.header('idempotent-replayed', 'true');
      return c.body(lookup.record.body, lookup.record.status as 200, { 'content-type': 'application/json' });
    }
  }
  let status = 200;
  let body: string;
  let save = true;
  try {
    body = JSON.stringify(run(params, c, { id: requestId, idempotencyKey: key }));
  } catch (err) {
    if (!(err instanceof StripeApiError)) throw err;
    status = err.status;
    body = JSON.stringify(err.body());
    save = !err.beforeExecution;
  }
  if (key !== null && save) {
    saveIdempotentResult(state.idempotency, { scope, key, fingerprint, status, body, createdMs: Date.now() });
    state.save();
  }
  return c.body(body, status as 200, { 'content-type': 'application/json' });
}

async function bodyParams(c: Context): Promise<Params> {
  const text = await c.req.text();
  if (text.length === 0) return {};
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    throw StripeApiError.invalidRequest('Request bodies must be form-encoded (Content-Type: application/x-www-form-urlencoded).');
  }
  return parseFormParams(text);
}

/** `Bearer sk_…`, or Basic with the key as the user name (`curl -u sk_…:`); null when there is none. */
function apiKeyOf(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value || null;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.split(':')[0] || null;
  }
  return null;
}

function stripeError(c: Context, err: StripeApiError): Response {
  if (err.status === 401) c.header('www-authenticate', 'Basic realm="Stripe"');
  if (!c.res.headers.has('request-id')) c.header('request-id', stripeId('req_', 14));
  return c.json(err.body(), err.status as 400);
}

function checkOptions(options: StartStripeOptions): void {
  if (!/^sk_test_[A-Za-z0-9_]{8,}$/.test(options.secretKey)) throw new TypeError('secretKey must be a test-mode secret key (sk_test_…)');
  if (!/^whsec_[A-Za-z0-9]+$/.test(options.webhook.secret)) throw new TypeError('webhook.secret must be a webhook signing secret (whsec_…)');
  let url: URL;
  try {
    url = new URL(options.webhook.url);
  } catch {
    throw new TypeError('webhook.url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('webhook.url must be an absolute http(s) URL');
}
