// Pure policy: what a verified Stripe event says about a customer's access. No I/O, no clock.
import { isPlan, type Plan } from '#shared/plan-matrix';

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
  /** Stripe's subscription status; a completed checkout counts as `active`. */
  status: string;
  access: Access;
  /** Present exactly when access is `grant`. */
  plan?: Plan;
  /** Identity facts: only a checkout session carries them. */
  email?: string;
  name?: string;
}

export type RejectReason = 'unknown_plan' | 'missing_customer' | 'missing_email';

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

export function mapStripeEvent(event: StripeEventEnvelope): EventMapping {
  const object = event.data.object;
  switch (event.type) {
    case 'checkout.session.completed':
      return fromCheckoutSession(object);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
      return fromSubscription(object, stringField(object, 'status') ?? 'incomplete');
    case 'customer.subscription.deleted':
      // A deleted subscription is over whatever status the snapshot shows.
      return fromSubscription(object, 'canceled');
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
  const plan = planOf(session);
  if (!isPlan(plan)) return unknownPlan(customerId, plan);
  const name = stringField(details, 'name') ?? undefined;
  return { kind: 'change', change: { customerId, status: 'active', access: 'grant', plan, email, ...(name ? { name } : {}) } };
}

function fromSubscription(subscription: Record<string, unknown>, status: string): EventMapping {
  const customerId = customerIdOf(subscription.customer);
  if (!customerId) return { kind: 'rejected', reason: 'missing_customer', customerId: null, detail: 'subscription has no customer' };
  const access = accessForStatus(status);
  if (access !== 'grant') return { kind: 'change', change: { customerId, status, access } };
  const plan = planOf(subscription);
  if (!isPlan(plan)) return unknownPlan(customerId, plan);
  return { kind: 'change', change: { customerId, status, access, plan } };
}

function unknownPlan(customerId: string, plan: unknown): EventMapping {
  // Only a short, printable excerpt: the value came from outside.
  const shown = typeof plan === 'string' ? JSON.stringify(plan.slice(0, 40)) : 'none';
  return { kind: 'rejected', reason: 'unknown_plan', customerId, detail: `metadata.plan is ${shown}, not one of STARTER, PRO, ENTERPRISE` };
}

function planOf(object: Record<string, unknown>): unknown {
  return record(object.metadata).plan;
}

/** `customer` is an id, or the customer object when the event was sent with it expanded. */
function customerIdOf(value: unknown): string | null {
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
