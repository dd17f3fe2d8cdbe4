/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The public pricing page: what each plan opens and, when billing is configured, a button that starts
// Stripe Checkout for someone without an account yet (Checkout asks for their email).
import type { PlanOffer } from '../plan-offers.ts';
import { PortalPage } from './portal-page.tsx';

export function PricingPage(props: { offers: PlanOffer[]; attempt: string | null }) {
  return (
    <PortalPage title="Plans and pricing" name={null} plan={null}>
      <h1>Plans and pricing</h1>
      <p>Every plan opens its wikis with one sign-in. Pay once through Stripe and your account is ready a moment later.</p>
      <div class="plans" data-testid="plans">
        {props.offers.map((offer) => (
          <section class="plan" data-plan={offer.plan}>
            <h2>{offer.plan}</h2>
            <ul>
              {offer.instances.map((i) => (
                <li>{i.title}</li>
              ))}
            </ul>
            {props.attempt && (
              <form method="post" action="/signup/checkout" class="buy">
                <input type="hidden" name="plan" value={offer.plan} />
                <input type="hidden" name="attempt" value={props.attempt} />
                <button type="submit" data-testid={`signup-${offer.plan}`}>
                  Get {offer.plan}
                </button>
              </form>
            )}
          </section>
        ))}
      </div>
      {!props.attempt && (
        <p class="muted" data-testid="billing-off">
          Buying online is not available on this portal; ask a platform administrator for an account.
        </p>
      )}
      <p>
        Already have an account? <a href="/">Sign in</a>.
      </p>
    </PortalPage>
  );
}

/** Back from Checkout: the account is being created; two emails are on their way. */
export function SignupDonePage() {
  return (
    <PortalPage title="Thank you" name={null} plan={null}>
      <h1>Thank you, your payment went through</h1>
      <p data-testid="signup-done">
        We are creating your account. In a minute you will receive two emails at the address you gave Stripe: a welcome
        email listing your wikis, and one from our sign-in service with a link to choose your password.
      </p>
      <p>
        Once your password is set, <a href="/" data-testid="sign-in-after-signup">sign in</a>: your wikis are on your dashboard.
      </p>
    </PortalPage>
  );
}
