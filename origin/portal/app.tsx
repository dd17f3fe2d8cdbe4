/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The portal (app.): the dashboard of the instances a user may open, /api/me, and the Stripe webhook.
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { InstanceRegistry } from '#shared/instance-registry';
import type { PlanMatrix } from '#shared/plan-matrix';
import type { AssertionVerifier } from '../common/assertion.ts';
import { createBaseApp } from '../common/base-app.ts';
import type { Database } from '../common/database.ts';
import type { BaseEnv } from '../common/env.ts';
import type { Logger } from '../common/logger.ts';
import { createMetrics, type Metrics } from '../common/metrics.ts';
import { loadStaticAssets } from '../common/static-assets.ts';
import { touchAccount } from './accounts.ts';
import { stripeWebhookRoutes } from './billing/stripe-webhook.ts';
import { instanceCatalog } from './catalog.ts';
import type { PortalSchema } from './schema.ts';
import { Dashboard } from './views/dashboard.tsx';
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
  /** Stripe billing; without a webhook secret, /webhooks/stripe answers 503 billing_not_configured. */
  billing?: { webhookSecret?: string; toleranceSeconds?: number };
}

export function createPortalApp(deps: PortalDeps): Hono<BaseEnv> {
  const app = createBaseApp<BaseEnv>({
    logger: deps.logger,
    metrics: deps.metrics ?? createMetrics({ instance: 'portal' }),
    verify: deps.verify,
    audience: 'portal',
    ping: deps.database.ping,
    isDraining: deps.isDraining,
    publicUrlPattern: deps.publicUrlPattern,
    selfAuthenticatedRoutes: [
      stripeWebhookRoutes({ db: deps.database.db, webhookSecret: deps.billing?.webhookSecret, toleranceSeconds: deps.billing?.toleranceSeconds }),
    ],
  });
  app.route('/', loadStaticAssets('/_static', { 'portal.css': fileURLToPath(new URL('./views/portal.css', import.meta.url)) }).routes());

  const catalogFor = (c: { var: BaseEnv['Variables'] }) =>
    instanceCatalog(c.var.assertion, deps.instances, deps.planMatrix, deps.publicUrlPattern);

  app.get('/', async (c) => {
    await touchAccount(deps.database.db, c.var.assertion);
    const { name, username, plan } = c.var.assertion;
    return c.html(<Dashboard name={name || username} plan={plan} entries={catalogFor(c)} />);
  });

  app.get('/plans', (c) => {
    const { name, username, plan } = c.var.assertion;
    // Only a registry id is honoured; anything else is ignored rather than echoed.
    const wanted = deps.instances.find((i) => i.id === c.req.query('instance')) ?? null;
    const offers = planOffers(deps.planMatrix, deps.instances, plan, wanted?.id ?? null);
    return c.html(<PlansPage name={name || username} plan={plan} offers={offers} wantedTitle={wanted ? (wanted.title ?? wanted.id) : null} />);
  });

  app.get('/api/me', (c) => {
    const { sub, username, email, name, plan, roles } = c.var.assertion;
    return c.json({ user: { sub, username, email, name, plan, roles }, instances: catalogFor(c) });
  });
  return app;
}
