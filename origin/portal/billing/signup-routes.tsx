/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Buying without an account: GET /pricing, POST /signup/checkout, GET /signup/done. The edge lets these
// paths through without sign-in, with its `public` assertion. Checkout collects the buyer's email; the
// webhook and the provisioning outbox then create the account and send the emails.
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { AppError } from '#shared/errors';
import type { InstanceRegistry } from '#shared/instance-registry';
import type { PlanMatrix } from '#shared/plan-matrix';
import { isAnonymous } from '../../common/assertion.ts';
import type { BaseEnv } from '../../common/env.ts';
import { publicUrl } from '../../common/public-url.ts';
import { planOffers } from '../plan-offers.ts';
import { PricingPage, SignupDonePage } from '../views/pricing.tsx';
import { formFields, smallForm } from './billing-form.ts';
import { PurchaseFormSchema, type CheckoutConfig } from './checkout-routes.tsx';
import { checkoutIdempotencyKey } from './purchase-path.ts';
import { callStripe } from './stripe-failure.ts';

/** The portal paths open without sign-in (and the stylesheet they use); the edge's PORTAL_PUBLIC_PATHS default is the same list. */
export const SIGNUP_PUBLIC_PATHS = ['/pricing', '/signup/', '/_static/'] as const;

export interface SignupRoutesOptions {
  checkout?: CheckoutConfig;
  instances: InstanceRegistry;
  planMatrix: PlanMatrix;
  publicUrlPattern: string;
}

export function signupRoutes(options: SignupRoutesOptions): Hono<BaseEnv> {
  const app = new Hono<BaseEnv>();
  const portalUrl = (path: string) => publicUrl(options.publicUrlPattern, 'app', path);

  app.get('/pricing', (c) => {
    // Someone signed in buys or switches from their plans page, which knows their subscription.
    if (!isAnonymous(c.var.assertion)) return c.redirect('/plans', 303);
    const offers = planOffers(options.planMatrix, options.instances, null, null);
    // The page carries a per-visit purchase attempt: a cached copy would give visitors one shared Checkout.
    c.header('cache-control', 'no-store');
    return c.html(<PricingPage offers={offers} attempt={options.checkout ? randomBytes(16).toString('base64url') : null} />);
  });

  app.post('/signup/checkout', smallForm, async function startSignup(c) {
    if (!isAnonymous(c.var.assertion)) return c.redirect('/plans', 303);
    const checkout = options.checkout;
    if (!checkout) throw new AppError('billing_not_configured', 'Billing is not configured on this portal: STRIPE_SECRET_KEY and the plan prices are not set.');
    const { plan, attempt } = PurchaseFormSchema.parse(await formFields(c));
    const session = await callStripe(c.var.log, 'checkout.sessions.create', () =>
      checkout.stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          line_items: [{ price: checkout.prices[plan], quantity: 1 }],
          // No customer and no email: Checkout asks for the email, and the webhook provisions that address.
          metadata: { plan },
          subscription_data: { metadata: { plan } },
          success_url: portalUrl('/signup/done'),
          cancel_url: portalUrl('/pricing'),
        },
        { idempotencyKey: checkoutIdempotencyKey(['signup', plan, attempt]) },
      ),
    );
    if (!session.url) throw new AppError('bad_gateway', 'The payment provider did not return a checkout page. Nothing was charged; please try again.');
    c.var.log.info({ plan, session: session.id }, 'sign-up checkout session created');
    return c.redirect(session.url, 303);
  });

  // Only a page: nothing here depends on the session, so there is nothing to trust in the URL.
  app.get('/signup/done', (c) => c.html(<SignupDonePage />));
  return app;
}
