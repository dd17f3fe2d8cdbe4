/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// After Checkout or a plan switch: the change is paid for or requested, and provisioning (the webhook,
// then the outbox) finishes on its own a moment later.
import type { Plan } from '#shared/plan-matrix';
import { PortalPage } from './portal-page.tsx';

export function BillingDonePage(props: { name: string; plan: string | null; kind: 'checkout' | 'switch'; purchased: Plan | null }) {
  const what = props.purchased ? <strong data-testid="purchased-plan">{props.purchased}</strong> : 'your new';
  return (
    <PortalPage title="Thank you" name={props.name} plan={props.plan}>
      <h1>{props.kind === 'checkout' ? 'Thank you, your payment went through' : 'Your plan change is on its way'}</h1>
      <p data-testid="billing-done">
        We are setting up your account for the {what} plan. This usually takes less than a minute; your wikis appear on
        your dashboard once it is done.
      </p>
      <p>
        <a href="/" data-testid="to-dashboard">Go to your dashboard</a>
      </p>
    </PortalPage>
  );
}
