// Pure policy: folds one subscription change into a customer's state and says what provisioning, if
// anything, that requires. Out-of-order and repeated events fall out of the comparison, not of luck.
import type { Plan } from '#shared/plan-matrix';
import { accessForStatus, type SubscriptionChange } from './stripe-events.ts';

export interface SubscriptionState {
  customerId: string;
  /** The Stripe subscription of the newest event applied (null before one named it, and in rows older than the column). */
  subscriptionId: string | null;
  email: string | null;
  name: string | null;
  /** The portal user who started the customer's Checkout, if one signed in did (see known-customer.ts). */
  startedBy: string | null;
  /** The plan access is granted for right now; null when the customer has none. */
  plan: Plan | null;
  status: string;
  /** `created` (seconds) of the newest event applied to plan and status. */
  lastEventCreated: number;
}

/**
 * A full desired state, not a delta: applying one twice, or an older one after a newer one has been
 * applied and superseded it, is what the outbox's ordering and the provisioner's idempotence make safe.
 */
export type ProvisioningIntent =
  | { action: 'grant'; customerId: string; email: string; name: string | null; plan: Plan }
  | { action: 'revoke'; customerId: string; email: string };

export interface Transition {
  next: SubscriptionState;
  /** The event is older than the last one applied, or about a subscription that has ended: plan and status were left alone. */
  stale: boolean;
  /** What to enqueue, or null when what is provisioned does not change. */
  intent: ProvisioningIntent | null;
}

/** Statuses Stripe never leaves: that subscription is over for good, and only a new one grants again. */
const FINAL = new Set(['canceled', 'incomplete_expired']);

export function applyChange(current: SubscriptionState | null, change: SubscriptionChange, eventCreated: number): Transition {
  // Stripe's `created` has one-second resolution: an event of the same second as the last one applies,
  // except to a subscription that has ended. Its `updated` snapshot of that second may be delivered after
  // the `deleted` one, and must not bring it back.
  const ended = current !== null && current.subscriptionId !== null && change.subscriptionId === current.subscriptionId && FINAL.has(current.status);
  const stale = current !== null && (eventCreated < current.lastEventCreated || ended);
  // Identity is not ordered by time: a late checkout still tells us who the customer is.
  const email = (stale ? (current?.email ?? change.email) : (change.email ?? current?.email)) ?? null;
  const name = (stale ? (current?.name ?? change.name) : (change.name ?? current?.name)) ?? null;
  const startedBy = current?.startedBy ?? change.startedBy ?? null;
  const next: SubscriptionState =
    stale && current
      ? { ...current, email, name, startedBy }
      : {
          customerId: change.customerId,
          subscriptionId: change.subscriptionId ?? current?.subscriptionId ?? null,
          email,
          name,
          startedBy,
          plan: change.access === 'grant' ? (change.plan ?? null) : change.access === 'revoke' ? null : (current?.plan ?? null),
          status: change.status,
          lastEventCreated: eventCreated,
        };
  const before = current ? desiredIntent(current) : null;
  const after = desiredIntent(next);
  return { next, stale, intent: after && !sameIntent(before, after) ? after : null };
}

/** What should be provisioned for a state: nothing until we know the customer's email. */
export function desiredIntent(state: SubscriptionState): ProvisioningIntent | null {
  if (!state.email) return null;
  if (state.plan) return { action: 'grant', customerId: state.customerId, email: state.email, name: state.name, plan: state.plan };
  if (accessForStatus(state.status) === 'revoke') return { action: 'revoke', customerId: state.customerId, email: state.email };
  return null;
}

function sameIntent(a: ProvisioningIntent | null, b: ProvisioningIntent): boolean {
  if (!a || a.action !== b.action || a.email !== b.email) return false;
  return a.action === 'revoke' || (b.action === 'grant' && a.plan === b.plan);
}
