// The customer portal configuration "Manage billing" opens: cards, invoices and cancelling, never plan
// switching. Plan changes go through /plans, which decides how an upgrade is paid (purchase-path.ts);
// the account's default configuration is whatever was clicked in the dashboard and may allow switching.
// Found among the account's configurations by its metadata, or created the first time.
import type Stripe from 'stripe';

const MARKER_KEY = 'wikiplatform';
const MARKER_VALUE = 'manage-billing';

export async function findOrCreatePortalConfiguration(stripe: Stripe): Promise<string> {
  const { data } = await stripe.billingPortal.configurations.list({ active: true, limit: 100 });
  const ours = data.find((c) => c.metadata?.[MARKER_KEY] === MARKER_VALUE && !c.features.subscription_update.enabled);
  if (ours) return ours.id;
  // Two portals starting at once may each create one; either serves, and later lookups pick one.
  const created = await stripe.billingPortal.configurations.create({
    features: {
      customer_update: { enabled: false },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true, mode: 'immediately', proration_behavior: 'none' },
      subscription_update: { enabled: false },
    },
    metadata: { [MARKER_KEY]: MARKER_VALUE },
  });
  return created.id;
}

/** One lookup per process; a failed one is tried again on the next request. */
export function cachedPortalConfiguration(stripe: Stripe): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= findOrCreatePortalConfiguration(stripe).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
