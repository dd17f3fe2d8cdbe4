// The portal with Stripe billing on real Postgres, served on a port so the local Stripe stand-in can
// deliver its signed webhooks to the portal's real /webhooks/stripe; requests carry a test edge's assertion.
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { createAssertionVerifier } from '#shared/edge-assertion';
import { ASSERTION_HEADER } from '#shared/headers';
import type { Identity } from '#shared/identity';
import { DEFAULT_PLAN_MATRIX, type Plan } from '#shared/plan-matrix';
import { freePort } from '../../../local/ports.ts';
import { startStripe, type StripeStandIn } from '../../../local/stripe/stripe-server.ts';
import { openDatabase, runMigrations, type Database } from '../../../origin/common/database.ts';
import { createMetrics } from '../../../origin/common/metrics.ts';
import { MIGRATIONS } from '../../../origin/migrations.ts';
import { createPortalApp } from '../../../origin/portal/app.tsx';
import type { CheckoutConfig } from '../../../origin/portal/billing/checkout-routes.tsx';
import { createStripeClient, stripeHostedOrigins } from '../../../origin/portal/billing/stripe-client.ts';
import { portalSchema, type PortalSchema } from '../../../origin/portal/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { createTestEdge, type TestEdge } from './edge-keys.ts';
import { captureLogger } from './instance-harness.ts';

export const STRIPE_KEY = `sk_test_${randomBytes(12).toString('hex')}`;
export const WEBHOOK_SECRET = `whsec_${randomBytes(16).toString('hex')}`;
export const PRICES: Readonly<Record<Plan, string>> = { STARTER: 'price_starter_m', PRO: 'price_pro_m', ENTERPRISE: 'price_enterprise_m' };
export const PUBLIC_URL_PATTERN = 'http://{host}.wikiplatform.localhost:8787';

export interface PortalOptions {
  /** What the portal is told the prices are (default: what the stand-in sells). */
  prices?: Readonly<Record<Plan, string>>;
  /** Key the portal calls Stripe with (default: the stand-in's). */
  secretKey?: string;
  /** Where the portal's Stripe client goes (default: the stand-in). */
  apiBase?: string;
}

export interface BillingHarness {
  standIn: StripeStandIn;
  database: Database<PortalSchema>;
  edge: TestEdge;
  /** A portal with Checkout configured, served on `portalPort` (the stand-in's webhook target). */
  portal: Portal;
  /** Another portal on the same database and stand-in, configured differently (not served). */
  portalWith(options: PortalOptions | 'no-checkout'): Portal;
  close(): Promise<void>;
}

export interface RequestOptions {
  as?: Identity;
  method?: string;
  /** Sent form-encoded. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Ask for a page, as a browser does (errors come back as HTML). */
  html?: boolean;
}

export interface Portal {
  app: ReturnType<typeof createPortalApp>;
  logLines: string[];
  request(path: string, options?: RequestOptions): Promise<Response>;
}

export async function startBillingHarness(prefix: string): Promise<BillingHarness> {
  const testDb: TestDatabase = await createTestDatabase(prefix);
  await runMigrations(testDb.url, MIGRATIONS.portal);
  const database = openDatabase(testDb.url, portalSchema, { max: 6 });
  const edge = await createTestEdge();
  const portalPort = await freePort();
  const standIn = await startStripe({
    port: 0,
    secretKey: STRIPE_KEY,
    prices: PRICES,
    webhook: { url: `http://127.0.0.1:${portalPort}/webhooks/stripe`, secret: WEBHOOK_SECRET, retryDelaysMs: [50, 100, 200] },
  });

  const build = (options: PortalOptions | 'no-checkout'): Portal => {
    const logLines: string[] = [];
    let checkout: CheckoutConfig | undefined;
    if (options !== 'no-checkout') {
      const apiBase = options.apiBase ?? standIn.apiBase;
      checkout = {
        stripe: createStripeClient({ secretKey: options.secretKey ?? STRIPE_KEY, apiBase, maxNetworkRetries: 0, timeoutMs: 5_000 }),
        prices: options.prices ?? PRICES,
        hostedOrigins: stripeHostedOrigins(standIn.publicBase),
      };
    }
    const app = createPortalApp({
      database,
      logger: captureLogger(logLines),
      verify: createAssertionVerifier(edge.jwks),
      instances: ['instance1', 'instance2', 'instance3'].map((id) => ({ id, origin: `http://127.0.0.1:1/${id}`, title: `Wiki ${id}`, maintenance: false })),
      planMatrix: DEFAULT_PLAN_MATRIX,
      publicUrlPattern: PUBLIC_URL_PATTERN,
      metrics: createMetrics({ instance: 'portal' }),
      billing: { webhookSecret: WEBHOOK_SECRET, checkout },
    });
    const request = async (path: string, o: RequestOptions = {}) => {
      const headers: Record<string, string> = { ...o.headers };
      if (o.as) headers[ASSERTION_HEADER] = await edge.mint(o.as, 'portal');
      if (o.html) headers.accept = 'text/html,application/xhtml+xml';
      let body: string | undefined;
      if (o.form) {
        body = new URLSearchParams(o.form).toString();
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      }
      return app.request(path, { method: o.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body });
    };
    return { app, logLines, request };
  };

  const portal = build({});
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: portal.app.fetch, port: portalPort, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });

  return {
    standIn,
    database,
    edge,
    portal,
    portalWith: build,
    async close() {
      await standIn.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await database.close();
      await testDb.drop();
    },
  };
}

/** A random attempt token, as the plans page renders one. */
export function attempt(): string {
  return randomBytes(16).toString('base64url');
}

/** The user a test acts as: unique, so no test depends on another's Stripe customer or rows. */
export function buyer(overrides: Partial<Identity> = {}): Identity {
  const id = randomBytes(4).toString('hex');
  return {
    sub: `user-${id}`,
    username: `buyer${id}`,
    email: `buyer-${id}@example.test`,
    emailVerified: true,
    name: `Buyer ${id}`,
    plan: null,
    groups: [],
    roles: [],
    ...overrides,
  };
}

/** Pays an open Checkout Session on the stand-in's hosted page, as a person would; returns the redirect. */
export async function payOnHostedPage(sessionUrl: string, name = 'Ada Lovelace'): Promise<Response> {
  const page = await fetch(sessionUrl);
  if (page.status !== 200) throw new Error(`hosted checkout page answered ${page.status}`);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('no checkout form on the hosted page');
  return fetch(new URL(action, sessionUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name }),
    redirect: 'manual',
  });
}
