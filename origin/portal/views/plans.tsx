/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The plans page: what each plan opens, which one you have, and which would open the wiki you tried.
import type { PlanOffer } from '../plan-offers.ts';
import { PortalPage } from './portal-page.tsx';

export function PlansPage(props: { name: string; plan: string | null; offers: PlanOffer[]; wantedTitle: string | null }) {
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
          </section>
        ))}
      </div>
      <p class="muted">Changing plan online (Stripe Checkout) is not available yet; your plan is set by a platform administrator.</p>
      <p><a href="/">Back to your wikis</a></p>
    </PortalPage>
  );
}
