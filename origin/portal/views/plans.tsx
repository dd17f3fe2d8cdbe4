/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The plans page: what each plan opens, which one you have, which would open the wiki you tried, and,
// when billing is configured, a button to buy or switch to each other plan.
import type { PlanOffer, PurchaseAction } from '../plan-offers.ts';
import { PortalPage } from './portal-page.tsx';

/** Present when Stripe Checkout is configured. */
export type PlansBilling =
  | {
      /** Random per page view; the same form submitted twice is the same purchase attempt (idempotency). */
      attempt: string;
      /** The portal knows a Stripe customer for this user: they can manage billing (cards, invoices, cancel). */
      canManage: boolean;
    }
  /** Billing follows the email address, which the identity provider has not verified: no buttons. */
  | { unverifiedEmail: string };

const LABELS: Record<PurchaseAction, string> = { subscribe: 'Subscribe', upgrade: 'Upgrade', downgrade: 'Downgrade' };

export function PlansPage(props: { name: string; plan: string | null; offers: PlanOffer[]; wantedTitle: string | null; billing: PlansBilling | null }) {
  const billing = props.billing && 'attempt' in props.billing ? props.billing : null;
  const unverifiedEmail = props.billing && 'unverifiedEmail' in props.billing ? props.billing.unverifiedEmail : null;
  return (
    <PortalPage title="Plans" name={props.name} plan={props.plan}>
      <h1>Plans</h1>
      {props.wantedTitle && (
        <p class="notice" data-testid="wanted">
          <strong>{props.wantedTitle}</strong> is included in the plans marked below.
        </p>
      )}
      <div class="plans" data-testid="plans">
        {props.offers.map((offer) => (
          <section class={`plan${offer.current ? ' current' : ''}${offer.opensWanted ? ' wanted' : ''}`} data-plan={offer.plan}>
            <h2>{offer.plan}</h2>
            {offer.current && <p class="badge">Your plan</p>}
            {offer.opensWanted && !offer.current && <p class="badge">Opens {props.wantedTitle}</p>}
            <ul>
              {offer.instances.map((i) => (
                <li>{i.title}</li>
              ))}
            </ul>
            {billing && offer.action && (
              <form method="post" action="/billing/checkout" class="buy">
                <input type="hidden" name="plan" value={offer.plan} />
                <input type="hidden" name="attempt" value={billing.attempt} />
                <button type="submit" data-testid={`buy-${offer.plan}`}>
                  {LABELS[offer.action]}
                </button>
              </form>
            )}
          </section>
        ))}
      </div>
      {unverifiedEmail !== null ? (
        <p class="notice" data-testid="email-unverified">
          Your email address <strong>{unverifiedEmail || '(none)'}</strong> is not verified yet. Plans are paid and managed by email
          address, so buying or changing a plan waits until it is: sign out and in again to be sent a verification email, or ask a
          platform administrator.
        </p>
      ) : billing ? (
        billing.canManage && (
          <form method="post" action="/billing/manage" class="manage">
            <p class="muted">Payment method, invoices or cancelling: Stripe's billing page.</p>
            <button type="submit" data-testid="manage-billing">
              Manage billing
            </button>
          </form>
        )
      ) : (
        <p class="muted" data-testid="billing-off">
          Changing plan online is not available on this portal; your plan is set by a platform administrator.
        </p>
      )}
      <p>
        <a href="/">Back to your wikis</a>
      </p>
    </PortalPage>
  );
}
