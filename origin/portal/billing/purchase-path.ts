// Pure policy: what "I want plan X" means for a user, given the subscriptions Stripe holds for their
// customer. A user without a live subscription buys one through Checkout; a user with one switches it.
//
// Why plan switches change the subscription through the API (Stripe's "change the price of existing
// subscriptions" guide: update the subscription item's price) rather than through the customer portal:
// - Checkout cannot change an existing subscription, and a second Checkout would sell a second one.
// - The webhook reads the plan from the subscription's price (stripe-events.ts), so the
//   customer.subscription.updated event carries the new plan whoever changed the price; but only our
//   switch decides how an upgrade is paid for (below) and names exactly the plan pressed.
// The customer portal is still where customers update cards, see invoices and cancel ("Manage billing");
// the configuration it opens with (portal-configuration.ts) has plan switching off, so every switch goes this way.
// Paying for a switch:
// - An upgrade is invoiced at once (proration_behavior=always_invoice) as a pending update
//   (payment_behavior=pending_if_incomplete): Stripe applies the new price only once that invoice is paid,
//   so the subscription, its events and the plan granted stay the old one until the money is in. Billing it
//   at the next renewal instead would grant the better plan now, and keep it through past_due if unpaid.
// - A downgrade owes nothing now (the unused time becomes a credit on the next invoice, Stripe's default
//   create_prorations), so it applies at once, with no payment to wait for.
// Pending updates accept no metadata, so an upgrade's `metadata.plan` (a label for people reading the
// dashboard; the webhook goes by the price) is set by a second call once the upgrade is paid.
import { createHash } from 'node:crypto';
import { bestPlan, isPlan, PLANS, type Plan } from '#shared/plan-matrix';

/** The parts of a Stripe subscription this policy reads. */
export interface LiveSubscription {
  id: string;
  status: string;
  /** Seconds, as Stripe sends it. */
  created: number;
  items: { id: string; priceId: string }[];
  metadataPlan: string | null;
}

export type BlockedReason = 'needs_payment' | 'unexpected_items';

export type PurchasePath =
  | { kind: 'checkout' }
  /** `upgrade`: the target is better than the current plan (or that plan is unknown), so it must be paid first. */
  | { kind: 'switch'; subscriptionId: string; itemId: string; from: Plan | null; upgrade: boolean }
  | { kind: 'unchanged'; subscriptionId: string }
  | { kind: 'blocked'; reason: BlockedReason; status: string };

export type PlanPrices = Readonly<Record<Plan, string>>;

/** Statuses whose subscription is switched rather than bought again. */
const SWITCHABLE = new Set(['active', 'trialing']);
/** A subscription waiting for a payment: selling or switching now would pile charges on an unpaid one. */
const NEEDS_PAYMENT = new Set(['past_due', 'unpaid', 'incomplete', 'paused']);
// canceled and incomplete_expired are over: a new Checkout (for the same customer) is the way back.

export function choosePurchasePath(target: Plan, subscriptions: readonly LiveSubscription[], prices: PlanPrices): PurchasePath {
  const live = subscriptions.filter((s) => SWITCHABLE.has(s.status) || NEEDS_PAYMENT.has(s.status)).sort((a, b) => b.created - a.created);
  // Should a customer somehow hold two, the newest is the one acted on; never a third.
  const current = live[0];
  if (!current) return { kind: 'checkout' };
  if (NEEDS_PAYMENT.has(current.status)) return { kind: 'blocked', reason: 'needs_payment', status: current.status };
  const [item, ...others] = current.items;
  // The platform sells one price per subscription; anything else was made by hand and is not ours to rewrite.
  if (!item || others.length > 0) return { kind: 'blocked', reason: 'unexpected_items', status: current.status };
  if (item.priceId === prices[target] && current.metadataPlan === target) return { kind: 'unchanged', subscriptionId: current.id };
  const from = planOfPrice(prices, item.priceId) ?? (isPlan(current.metadataPlan) ? current.metadataPlan : null);
  // An unknown current plan counts as an upgrade: the safe side is to be paid before granting.
  const upgrade = from === null || (from !== target && bestPlan([from, target]) === target);
  return { kind: 'switch', subscriptionId: current.id, itemId: item.id, from, upgrade };
}

export function planOfPrice(prices: PlanPrices, priceId: string): Plan | null {
  return PLANS.find((plan) => prices[plan] === priceId) ?? null;
}

/**
 * One key per Checkout attempt: the plans page renders a random `attempt` into its forms, so a
 * double-click (the same form twice) reaches Stripe with the same key and gets the same session back,
 * while a new visit to the page is a new attempt. Every input that changes the request is part of the
 * key, so Stripe never sees the same key with other parameters.
 * A switch needs no key of ours: setting a price twice ends in the same state (a second click finds the
 * plan already sold: `unchanged`), and a key tied to a page could replay an old switch from a stale page.
 */
export function checkoutIdempotencyKey(parts: readonly string[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
  return `wikiplatform-checkout-${digest}`;
}
