/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The portal (app.): the dashboard of the instances a user may open, /api/me, the plans and buying them
// (Stripe Checkout), and the Stripe webhook.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { InstanceRegistry } from '#shared/instance-registry';
import type { PlanMatrix } from '#shared/plan-matrix';
import { isAnonymous, type AssertionVerifier } from '../common/assertion.ts';
import { createBaseApp } from '../common/base-app.ts';
import type { Database } from '../common/database.ts';
import type { BaseEnv } from '../common/env.ts';
import type { HtmlErrorRenderer } from '../common/error-handler.ts';
import type { Logger } from '../common/logger.ts';
import { createMetrics, type Metrics } from '../common/metrics.ts';
import { loadStaticAssets } from '../common/static-assets.ts';
import { touchAccount } from './accounts.ts';
import { checkoutRoutes, type CheckoutConfig } from './billing/checkout-routes.tsx';
import type { PlanPrices } from './billing/purchase-path.ts';
import { knownCustomerId } from './billing/known-customer.ts';
import { STRIPE_HOSTED_ORIGINS } from './billing/stripe-client.ts';
import { signupRoutes, SIGNUP_PUBLIC_PATHS } from './billing/signup-routes.tsx';
import { registerOutboxMetrics } from './provisioning/outbox-metrics.ts';
import { stripeWebhookRoutes } from './billing/stripe-webhook.ts';
import { instanceCatalog } from './catalog.ts';
import type { PortalSchema } from './schema.ts';
import { Dashboard } from './views/dashboard.tsx';
import { PortalErrorPage } from './views/error-page.tsx';
import { planOffers } from './plan-offers.ts';
import { PlansPage } from './views/plans.tsx';

export interface PortalDeps {
  database: Database<PortalSchema>;
  logger: Logger;
  verify: AssertionVerifier;
  instances: InstanceRegistry;
  planMatrix: PlanMatrix;
  publicUrlPattern: string;
  metrics?: Metrics;
  isDraining?: () => boolean;
  /**
   * Stripe billing. Without a webhook secret, /webhooks/stripe answers 503 billing_not_configured; without
   * `checkout`, the plans page offers no buttons and /billing/* answers 503 billing_not_configured.
   */
  billing?: {
    webhookSecret?: string;
    /** The price of each plan, which the webhook reads subscriptions' plans from; default `checkout.prices`. */
    prices?: PlanPrices;
    toleranceSeconds?: number;
    checkout?: CheckoutConfig;
    /** Called when a webhook enqueued a provisioning job (the outbox worker's kick). */
    onEnqueued?: () => void;
  };
}

export function createPortalApp(deps: PortalDeps): Hono<BaseEnv> {
  const checkout = deps.billing?.checkout;
  const metrics = deps.metrics ?? createMetrics({ instance: 'portal' });
  registerOutboxMetrics(metrics.registry, deps.database.db);
  const app = createBaseApp<BaseEnv>({
    logger: deps.logger,
    metrics,
    verify: deps.verify,
    audience: 'portal',
    ping: deps.database.ping,
    isDraining: deps.isDraining,
    publicUrlPattern: deps.publicUrlPattern,
    renderHtmlError: htmlErrors,
    // The billing forms answer with a redirect to Stripe's hosted pages.
    formAction: checkout ? hostedOrigins(checkout) : [],
    selfAuthenticatedRoutes: [
      stripeWebhookRoutes({
        db: deps.database.db,
        webhookSecret: deps.billing?.webhookSecret,
        prices: deps.billing?.prices ?? checkout?.prices,
        toleranceSeconds: deps.billing?.toleranceSeconds,
        onEnqueued: deps.billing?.onEnqueued,
      }),
    ],
    publicPaths: SIGNUP_PUBLIC_PATHS,
  });
  app.route('/', signupRoutes({ checkout, instances: deps.instances, planMatrix: deps.planMatrix, publicUrlPattern: deps.publicUrlPattern }));
  app.route('/', loadStaticAssets('/_static', { 'portal.css': fileURLToPath(new URL('./views/portal.css', import.meta.url)) }).routes());

  const catalogFor = (c: { var: BaseEnv['Variables'] }) =>
    instanceCatalog(c.var.assertion, deps.instances, deps.planMatrix, deps.publicUrlPattern);

  app.get('/', async (c) => {
    await touchAccount(deps.database.db, c.var.assertion);
    const { name, username, plan } = c.var.assertion;
    return c.html(<Dashboard name={name || username} plan={plan} entries={catalogFor(c)} />);
  });

  app.get('/plans', async (c) => {
    const { name, username, plan, email, emailVerified, sub } = c.var.assertion;
    // Only a registry id is honoured; anything else is ignored rather than echoed.
    const wanted = deps.instances.find((i) => i.id === c.req.query('instance')) ?? null;
    const offers = planOffers(deps.planMatrix, deps.instances, plan, wanted?.id ?? null);
    const billing = !checkout
      ? null
      : !emailVerified
        ? { unverifiedEmail: email }
        : { attempt: randomBytes(16).toString('base64url'), canManage: (await knownCustomerId(deps.database.db, email, sub)) !== null };
    return c.html(
      <PlansPage name={name || username} plan={plan} offers={offers} wantedTitle={wanted ? (wanted.title ?? wanted.id) : null} billing={billing} />,
    );
  });
  app.route('/', checkoutRoutes({ db: deps.database.db, checkout, publicUrlPattern: deps.publicUrlPattern }));

  app.get('/api/me', (c) => {
    const { sub, username, email, emailVerified, name, plan, roles } = c.var.assertion;
    return c.json({ user: { sub, username, email, emailVerified, name, plan, roles }, instances: catalogFor(c) });
  });
  return app;
}

/** Browsers get a page; the assertion may be missing when the failure came before it was checked. */
const htmlErrors: HtmlErrorRenderer = (c, view) => {
  const assertion = c.get('assertion');
  const who = assertion && !isAnonymous(assertion) ? { name: assertion.name || assertion.username, plan: assertion.plan } : null;
  return c.html(<PortalErrorPage who={who} status={view.status} message={view.message} requestId={view.requestId} />, view.status as 400);
};

/** Checked once at start: each entry must be a bare origin, since it is written into the CSP. */
function hostedOrigins(checkout: CheckoutConfig): readonly string[] {
  const origins = checkout.hostedOrigins ?? STRIPE_HOSTED_ORIGINS;
  for (const origin of origins) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || parsed.origin !== origin) throw new TypeError(`billing.checkout.hostedOrigins: ${JSON.stringify(origin)} is not an origin such as https://checkout.stripe.com`);
  }
  return origins;
}
