// Pure policy: what a verified Stripe event says about a customer's access. No I/O, no clock.
import { isPlan, type Plan } from '#shared/plan-matrix';
import { planOfPrice, type PlanPrices } from './purchase-path.ts';

/** The part of a Stripe event this module reads (the webhook checks this envelope before calling in). */
export interface StripeEventEnvelope {
  id: string;
  type: string;
  /** Seconds since the epoch, as Stripe sends it. */
  created: number;
  data: { object: Record<string, unknown> };
}

/**
 * What the event asks for: `grant` opens the plan, `revoke` closes access, `keep` changes nothing
 * (past_due: Stripe is still retrying the payment), `none` means no access yet (incomplete).
 */
export type Access = 'grant' | 'keep' | 'revoke' | 'none';

export interface SubscriptionChange {
  customerId: string;
  /** The Stripe subscription the event is about (a checkout session's `subscription`); null if it names none. */
  subscriptionId: string | null;
  /** Stripe's subscription status; a completed checkout counts as `active`. */
  status: string;
  access: Access;
  /** Present exactly when access is `grant`. */
  plan?: Plan;
  /** Identity facts: only a checkout session carries them. */
  email?: string;
  name?: string;
  /** The portal user (edge `sub`) who started the Checkout: its client_reference_id, absent when bought signed out. */
  startedBy?: string;
  /**
   * A subscription's `metadata.plan` when it disagrees with the plan its price pays for: the price won
   * (it is what Stripe bills), and the webhook records the disagreement in the audit log.
   */
  overriddenMetadataPlan?: string;
}

export type RejectReason = 'unknown_plan' | 'unknown_price' | 'unexpected_items' | 'missing_customer' | 'missing_email';

export type EventMapping =
  | { kind: 'ignored'; reason: string }
  | { kind: 'change'; change: SubscriptionChange }
  | { kind: 'rejected'; reason: RejectReason; customerId: string | null; detail: string };

const GRANTING = new Set(['active', 'trialing']);
const KEEPING = new Set(['past_due']);
// paused: a trial ended without a payment method; Stripe stops billing and so do we.
const REVOKING = new Set(['canceled', 'unpaid', 'incomplete_expired', 'paused']);

/** The access a subscription status gives; unknown statuses give none rather than guessing. */
export function accessForStatus(status: string): Access {
  if (GRANTING.has(status)) return 'grant';
  if (KEEPING.has(status)) return 'keep';
  if (REVOKING.has(status)) return 'revoke';
  return 'none';
}

/**
 * `prices` are the configured price of each plan (STRIPE_PRICE_*): a subscription's plan is the one its
 * price pays for, never what its metadata claims. Null when the portal has no prices configured, which
 * leaves every granting subscription event rejected.
 */
export function mapStripeEvent(event: StripeEventEnvelope, prices: PlanPrices | null): EventMapping {
  const object = event.data.object;
  switch (event.type) {
    case 'checkout.session.completed':
      return fromCheckoutSession(object);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
      return fromSubscription(object, stringField(object, 'status') ?? 'incomplete', prices);
    case 'customer.subscription.deleted':
      // A deleted subscription is over whatever status the snapshot shows.
      return fromSubscription(object, 'canceled', prices);
    default:
      return { kind: 'ignored', reason: `event type ${event.type} is not used for provisioning` };
  }
}

function fromCheckoutSession(session: Record<string, unknown>): EventMapping {
  if (session.mode !== 'subscription') return { kind: 'ignored', reason: `checkout mode ${String(session.mode)} is not a subscription` };
  // Asynchronous payment methods complete the session before the money arrives; the subscription events follow.
  if (session.payment_status === 'unpaid') return { kind: 'ignored', reason: 'checkout completed but not paid yet' };
  const customerId = customerIdOf(session.customer);
  if (!customerId) return { kind: 'rejected', reason: 'missing_customer', customerId: null, detail: 'checkout session has no customer' };
  const details = record(session.customer_details);
  const email = stringField(details, 'email') ?? stringField(session, 'customer_email');
  if (!email) return { kind: 'rejected', reason: 'missing_email', customerId, detail: 'checkout session has no customer email' };
  // A completed session carries no line items; its metadata is what our server set when creating it
  // (only the secret key can), and the subscription events that follow are judged by their price.
  const plan = record(session.metadata).plan;
  if (!isPlan(plan)) return unknownPlan(customerId, plan);
  const name = stringField(details, 'name') ?? undefined;
  const subscriptionId = idOf(session.subscription);
  const startedBy = stringField(session, 'client_reference_id') ?? undefined;
  return {
    kind: 'change',
    change: { customerId, subscriptionId, status: 'active', access: 'grant', plan, email, ...(name ? { name } : {}), ...(startedBy ? { startedBy } : {}) },
  };
}

function fromSubscription(subscription: Record<string, unknown>, status: string, prices: PlanPrices | null): EventMapping {
  const customerId = customerIdOf(subscription.customer);
  if (!customerId) return { kind: 'rejected', reason: 'missing_customer', customerId: null, detail: 'subscription has no customer' };
  const subscriptionId = idOf(subscription.id);
  const access = accessForStatus(status);
  if (access !== 'grant') return { kind: 'change', change: { customerId, subscriptionId, status, access } };
  // The plan is what the subscription bills: its one item's price. metadata.plan is only a label
  // anyone with dashboard access (or the customer portal's plan switch) can leave out of step.
  const items = record(subscription.items).data;
  if (!Array.isArray(items) || items.length !== 1) {
    const count = Array.isArray(items) ? String(items.length) : 'no';
    return { kind: 'rejected', reason: 'unexpected_items', customerId, detail: `subscription has ${count} items, not exactly one plan price` };
  }
  const priceId = idOf(record(items[0]).price);
  const plan = prices && priceId ? planOfPrice(prices, priceId) : null;
  if (!plan) {
    const detail = prices ? `price ${shortQuote(priceId)} is not the price of any plan` : 'no plan prices are configured (STRIPE_PRICE_*)';
    return { kind: 'rejected', reason: 'unknown_price', customerId, detail };
  }
  const metadataPlan = record(subscription.metadata).plan;
  const overridden = metadataPlan !== undefined && metadataPlan !== plan ? { overriddenMetadataPlan: shortText(metadataPlan) } : {};
  return { kind: 'change', change: { customerId, subscriptionId, status, access, plan, ...overridden } };
}

function unknownPlan(customerId: string, plan: unknown): EventMapping {
  return { kind: 'rejected', reason: 'unknown_plan', customerId, detail: `metadata.plan is ${shortQuote(plan)}, not one of STARTER, PRO, ENTERPRISE` };
}

/** Only a short, printable excerpt of a value that came from outside. */
function shortQuote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : 'none';
}

function shortText(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 40) : typeof value;
}

/** `customer` is an id, or the customer object when the event was sent with it expanded. */
function customerIdOf(value: unknown): string | null {
  return idOf(value);
}

/** A reference Stripe sends as an id or, expanded, as the object. */
function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value;
  const id = record(value).id;
  return typeof id === 'string' && id.length > 0 ? id : null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringField(object: Record<string, unknown>, key: string): string | null {
  const value = object[key];
  return typeof value === 'string' && value.length > 0 ? value : null;
}
