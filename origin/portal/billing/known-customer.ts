// The Stripe customer the portal already knows for a signed-in user: the webhook records it from each
// completed Checkout (subscriptions table). Buying again with it keeps one customer, and lets us find their
// subscription instead of selling a second one.
import { desc, sql } from 'drizzle-orm';
import { subscriptions } from '../schema.ts';
import type { PortalDb } from './record-stripe-event.ts';

/**
 * Customers whose Checkout this user started (`sub`, sent as client_reference_id) come first, then the most
 * recently changed one for the email. Anyone can type an address at a signed-out Checkout: that customer
 * must not take the place of the owner's own ("Manage billing" would open the stranger's billing).
 */
export async function knownCustomerId(db: PortalDb, email: string, sub: string): Promise<string | null> {
  if (!email) return null;
  // Stripe keeps the address as typed; people and identity providers do not agree on case.
  const [row] = await db
    .select({ customerId: subscriptions.customerId })
    .from(subscriptions)
    .where(sql`lower(${subscriptions.email}) = lower(${email})`)
    .orderBy(sql`coalesce(${subscriptions.checkoutUserSub} = ${sub}, false) desc`, desc(subscriptions.updatedAt))
    .limit(1);
  return row?.customerId ?? null;
}
