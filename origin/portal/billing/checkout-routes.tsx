/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Buying a plan: POST /billing/checkout starts Stripe Checkout for a new subscription or switches the
// price of the existing one (purchase-path.ts says which), POST /billing/manage opens Stripe's customer
// portal, GET /billing/done is the page both come back to. Provisioning is the webhook's business.
import { Hono } from 'hono';
import Stripe from 'stripe';
import { z } from 'zod';
import { AppError } from '#shared/errors';
import type { Identity } from '#shared/identity';
import { isPlan, PLANS, type Plan } from '#shared/plan-matrix';
import type { BaseEnv } from '../../common/env.ts';
import type { Logger } from '../../common/logger.ts';
import { publicUrl } from '../../common/public-url.ts';
import { BillingDonePage } from '../views/billing-done.tsx';
import { formFields, smallForm } from './billing-form.ts';
import { knownCustomerId } from './known-customer.ts';
import { cachedPortalConfiguration } from './portal-configuration.ts';
import { checkoutIdempotencyKey, choosePurchasePath, type LiveSubscription, type PlanPrices, type PurchasePath } from './purchase-path.ts';
import type { PortalDb } from './record-stripe-event.ts';
import { callStripe, stripeFailure } from './stripe-failure.ts';

export interface CheckoutConfig {
  stripe: Stripe;
  /** The Stripe price id each plan is sold at (one recurring price per plan). */
  prices: PlanPrices;
  /** Origins the browser is sent to; default Stripe's Checkout and customer portal (see stripeHostedOrigins). */
  hostedOrigins?: readonly string[];
}

export interface CheckoutRoutesOptions {
  db: PortalDb;
  /** Without it every route answers 503 billing_not_configured. */
  checkout?: CheckoutConfig;
  publicUrlPattern: string;
}

export const PurchaseFormSchema = z.object({
  plan: z.enum(PLANS, { message: `must be one of ${PLANS.join(', ')}` }),
  attempt: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { message: 'is missing or malformed; open the plans page again' }),
});

/**
 * The signed-in user's email, which billing follows: the Stripe customer to manage is found by it, and a
 * new subscription is granted to it. Only an address the identity provider verified will do; otherwise
 * whoever could set an unverified address on their account would reach that address's billing.
 */
export function billingEmail(identity: Pick<Identity, 'email' | 'emailVerified'>): string {
  if (!z.email().safeParse(identity.email).success) {
    throw new AppError('conflict', 'Your account has no valid email address, which billing needs. Ask a platform administrator to add one.');
  }
  if (!identity.emailVerified) {
    throw new AppError('email_unverified', `Your email address ${identity.email} is not verified, and billing follows it. Verify it (sign out and in again to be asked), or ask a platform administrator.`);
  }
  return identity.email;
}

const SESSION_ID = /^cs_(test|live)_[A-Za-z0-9]{1,255}$/;
/** The portal's own host label (edge/host-router.ts routes `app.` to it). */
const PORTAL_HOST = 'app';

export function checkoutRoutes(options: CheckoutRoutesOptions): Hono<BaseEnv> {
  const app = new Hono<BaseEnv>();
  const portalUrl = (path: string) => publicUrl(options.publicUrlPattern, PORTAL_HOST, path);
  const portalConfiguration = options.checkout ? cachedPortalConfiguration(options.checkout.stripe) : null;
  const configured = (): CheckoutConfig => {
    if (!options.checkout) throw new AppError('billing_not_configured', 'Billing is not configured on this portal: STRIPE_SECRET_KEY and the plan prices are not set.');
    return options.checkout;
  };

  app.post('/billing/checkout', smallForm, async function startPurchase(c) {
    const { stripe, prices } = configured();
    const { plan, attempt } = PurchaseFormSchema.parse(await formFields(c));
    const { sub } = c.var.assertion;
    const email = billingEmail(c.var.assertion);
    const log = c.var.log;
    const customer = await knownCustomerId(options.db, email, sub);
    const subscriptions = customer ? await liveSubscriptions(stripe, customer, log) : null;
    // A customer Stripe no longer knows (a reset test account) buys afresh, by email.
    const path: PurchasePath = subscriptions ? choosePurchasePath(plan, subscriptions, prices) : { kind: 'checkout' };
    const known = subscriptions ? customer : null;
    log.info({ plan, path: path.kind, customer: known }, 'plan purchase');

    switch (path.kind) {
      case 'checkout': {
        const session = await callStripe(log, 'checkout.sessions.create', () =>
          stripe.checkout.sessions.create(
            {
              mode: 'subscription',
              line_items: [{ price: prices[plan], quantity: 1 }],
              ...(known ? { customer: known } : { customer_email: email }),
              // Stripe takes up to 200 characters; Keycloak's subs are 36-character UUIDs.
              ...(sub.length <= 200 ? { client_reference_id: sub } : {}),
              // The webhook reads the plan from the session and from the subscription it creates.
              metadata: { plan },
              subscription_data: { metadata: { plan } },
              success_url: portalUrl('/billing/done?session_id={CHECKOUT_SESSION_ID}'),
              cancel_url: portalUrl('/plans'),
            },
            { idempotencyKey: checkoutIdempotencyKey([sub, plan, attempt, known ?? email]) },
          ),
        );
        if (!session.url) throw new AppError('bad_gateway', 'The payment provider did not return a checkout page. Nothing was charged; please try again.');
        log.info({ plan, session: session.id }, 'checkout session created');
        return c.redirect(session.url, 303);
      }
      case 'switch': {
        const items = [{ id: path.itemId, price: prices[plan] }];
        if (!path.upgrade) {
          // Nothing is owed now (a credit at the next invoice): price and label change at once.
          await callStripe(log, 'subscriptions.update', () =>
            stripe.subscriptions.update(path.subscriptionId, { items, metadata: { plan }, proration_behavior: 'create_prorations' }),
          );
          log.info({ plan, from: path.from, subscription: path.subscriptionId }, 'subscription switched');
          return c.redirect(`/billing/done?plan=${plan}`, 303);
        }
        // Invoiced now, and applied by Stripe only once paid (purchase-path.ts says why).
        const updated = await callStripe(log, 'subscriptions.update', () =>
          stripe.subscriptions.update(path.subscriptionId, { items, proration_behavior: 'always_invoice', payment_behavior: 'pending_if_incomplete' }),
        );
        if (updated.pending_update) {
          log.info({ plan, from: path.from, subscription: path.subscriptionId }, 'upgrade payment declined');
          throw new AppError(
            'payment_declined',
            `The payment for ${plan} was declined, so your plan stays ${path.from ?? 'as it is'}. Update your card under "Manage billing", then try again.`,
          );
        }
        log.info({ plan, from: path.from, subscription: path.subscriptionId }, 'subscription upgraded');
        // Only a label once paid; the upgrade stands if setting it fails, so a failure is logged, not shown.
        await stripe.subscriptions.update(path.subscriptionId, { metadata: { plan } }).catch((err: unknown) => {
          stripeFailure(log, 'subscriptions.update (metadata)', err);
        });
        return c.redirect(`/billing/done?plan=${plan}`, 303);
      }
      case 'unchanged':
        // Already so (a second click of the same button, for one): the wanted state holds.
        return c.redirect(`/billing/done?plan=${plan}`, 303);
      case 'blocked':
        throw new AppError(
          'conflict',
          path.reason === 'needs_payment'
            ? `Your subscription is waiting for a payment (${path.status}). Settle it under "Manage billing" before changing plan.`
            : 'Your subscription was set up by hand and cannot be changed here. Contact support to change plan.',
        );
    }
  });

  app.post('/billing/manage', smallForm, async function openCustomerPortal(c) {
    const { stripe } = configured();
    const customer = await knownCustomerId(options.db, billingEmail(c.var.assertion), c.var.assertion.sub);
    if (!customer) throw new AppError('conflict', 'There is no subscription to manage for your account yet. Choose a plan first.');
    const configuration = await callStripe(c.var.log, 'billingPortal.configurations', () => portalConfiguration!());
    const session = await callStripe(c.var.log, 'billingPortal.sessions.create', () =>
      stripe.billingPortal.sessions.create({ customer, configuration, return_url: portalUrl('/plans') }),
    );
    return c.redirect(session.url, 303);
  });

  app.get('/billing/done', async function purchaseDone(c) {
    const { name, username, plan, sub } = c.var.assertion;
    const sessionId = c.req.query('session_id');
    const kind = sessionId === undefined ? 'switch' : 'checkout';
    let purchased: Plan | null = null;
    const asked = c.req.query('plan');
    if (isPlan(asked)) purchased = asked;
    // The session id is only used to name the plan on this page, and only a session this user started.
    if (options.checkout && sessionId && SESSION_ID.test(sessionId)) {
      try {
        const session = await options.checkout.stripe.checkout.sessions.retrieve(sessionId);
        const sessionPlan = session.metadata?.plan;
        if (session.client_reference_id === sub && isPlan(sessionPlan)) purchased = sessionPlan;
      } catch (err) {
        const failure = stripeFailure(c.var.log, 'checkout.sessions.retrieve', err);
        if (!(failure instanceof AppError)) throw failure;
      }
    }
    return c.html(<BillingDonePage name={name || username} plan={plan} kind={kind} purchased={purchased} />);
  });
  return app;
}

/** The customer's subscriptions at Stripe, or null when Stripe does not know the customer. */
async function liveSubscriptions(stripe: Stripe, customer: string, log: Logger): Promise<LiveSubscription[] | null> {
  let list: Stripe.ApiList<Stripe.Subscription>;
  try {
    list = await stripe.subscriptions.list({ customer, status: 'all', limit: 20 });
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing' && err.param === 'customer') return null;
    throw stripeFailure(log, 'subscriptions.list', err);
  }
  return list.data.map((s) => ({
    id: s.id,
    status: s.status,
    created: s.created,
    items: s.items.data.map((item) => ({ id: item.id, priceId: item.price.id })),
    metadataPlan: s.metadata?.plan ?? null,
  }));
}
