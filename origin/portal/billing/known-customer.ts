// The Stripe customer the portal already knows for an email: the webhook records it from each completed
// Checkout (subscriptions table). Buying again with it keeps one customer, and lets us find their
// subscription instead of selling a second one.
import { desc, sql } from 'drizzle-orm';
import { subscriptions } from '../schema.ts';
import type { PortalDb } from './record-stripe-event.ts';

export async function knownCustomerId(db: PortalDb, email: string): Promise<string | null> {
  if (!email) return null;
  // Stripe keeps the address as typed; people and identity providers do not agree on case.
  const [row] = await db
    .select({ customerId: subscriptions.customerId })
    .from(subscriptions)
    .where(sql`lower(${subscriptions.email}) = lower(${email})`)
    .orderBy(desc(subscriptions.updatedAt))
    .limit(1);
  return row?.customerId ?? null;
}
