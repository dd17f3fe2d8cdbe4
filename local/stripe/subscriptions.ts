// Subscriptions over the API: list (newest first, canceled ones only when asked), retrieve, update
// (change an item's price or quantity, metadata, cancel at period end) and cancel, each change sent
// as the event Stripe sends for it. An update with proration_behavior=always_invoice that costs more
// charges the customer's card at once; if the card declines, payment_behavior decides (Stripe's "pending
// updates"): allow_incomplete (the default) applies the change and leaves the subscription past_due,
// pending_if_incomplete applies nothing and keeps the change in `pending_update` until paid.
import { z } from 'zod';
import type { Params } from './form-params.ts';
import { chargeCustomer } from './payment-methods.ts';
import { HOSTED_PAGE, type RequestOrigin, type StandInContext } from './stand-in-context.ts';
import { StripeApiError } from './stripe-errors.ts';
import { nowSeconds, snapshot, stripeId, type SubscriptionItemObject, type SubscriptionObject, type SubscriptionStatus } from './stripe-state.ts';
import { booleanParam, expandParam, integerParam, mergeMetadata, metadataParam, text, validateParams } from './validate-params.ts';

const STATUSES = ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'] as const;

const ListSchema = z.strictObject({
  customer: text(255).optional(),
  price: text(255).optional(),
  status: z.enum(STATUSES).optional(),
  limit: integerParam(1, 100).optional(),
  starting_after: text(255).optional(),
  ending_before: text(255).optional(),
  expand: expandParam(['data.customer']).optional(),
});
const LIST_NOT_IMPLEMENTED = ['automatic_tax', 'collection_method', 'created', 'current_period_end', 'current_period_start', 'customer_account', 'plan', 'test_clock'];

const RetrieveSchema = z.strictObject({ expand: expandParam(['customer']).optional() });

const UpdateSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({
        id: text(255).optional(),
        price: text(255).optional(),
        quantity: integerParam(1, 999_999).optional(),
        deleted: booleanParam().optional(),
        metadata: metadataParam().optional(),
      }),
    )
    .max(20)
    .optional(),
  metadata: metadataParam().optional(),
  proration_behavior: z.enum(['always_invoice', 'create_prorations', 'none']).optional(),
  // default_incomplete and error_if_incomplete are documented too; refused below rather than ignored.
  payment_behavior: z.enum(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete']).optional(),
  cancel_at_period_end: booleanParam().optional(),
  expand: expandParam(['customer']).optional(),
});
/** Documented update parameters not implemented (stripe-node's SubscriptionUpdateParams). */
const UPDATE_NOT_IMPLEMENTED = [
  'add_invoice_items', 'application_fee_percent', 'automatic_tax', 'billing_cycle_anchor', 'billing_schedules', 'billing_thresholds', 'cancel_at',
  'cancellation_details', 'collection_method', 'days_until_due', 'default_payment_method', 'default_source', 'default_tax_rates', 'description',
  'discounts', 'invoice_settings', 'off_session', 'on_behalf_of', 'pause_collection', 'payment_settings',
  'pending_invoice_item_interval', 'proration_date', 'transfer_data', 'trial_end', 'trial_from_plan', 'trial_settings',
];

/**
 * What a pending update may change (Stripe's pending updates reference, "supported attributes"): anything
 * else, metadata included, is refused with payment_behavior=pending_if_incomplete.
 */
const PENDING_UPDATE_PARAMS = new Set(['expand', 'payment_behavior', 'proration_behavior', 'proration_date', 'billing_cycle_anchor', 'items', 'trial_end', 'trial_from_plan', 'add_invoice_items']);
const PENDING_UPDATE_ITEM_PARAMS = new Set(['id', 'price', 'quantity']);
/** Stripe discards a pending update that is not paid within 23 hours. */
const PENDING_UPDATE_LIFETIME_SECONDS = 23 * 60 * 60;

const CancelSchema = z.strictObject({
  invoice_now: booleanParam().optional(),
  prorate: booleanParam().optional(),
  expand: expandParam(['customer']).optional(),
});
const CANCEL_NOT_IMPLEMENTED = ['cancellation_details'];

const ENDED: ReadonlySet<SubscriptionStatus> = new Set(['canceled', 'incomplete_expired']);

export function listSubscriptions(ctx: StandInContext, params: Params): Record<string, unknown> {
  const p = validateParams(ListSchema, params, { notImplemented: LIST_NOT_IMPLEMENTED });
  if (p.customer !== undefined && !ctx.state.customers.has(p.customer)) throw StripeApiError.noSuch('customer', p.customer, 'customer', 400);
  const status = p.status;
  let rows = [...ctx.state.subscriptions.values()]
    .filter((s) => p.customer === undefined || s.customer === p.customer)
    .filter((s) => p.price === undefined || s.items.data.some((i) => i.price.id === p.price))
    .filter((s) => {
      // Without a status, Stripe lists every subscription that has not been canceled.
      if (status === undefined) return s.status !== 'canceled';
      if (status === 'all') return true;
      if (status === 'ended') return ENDED.has(s.status);
      return s.status === status;
    })
    .reverse() // newest first: insertion order is creation order
    .sort((a, b) => b.created - a.created);
  if (p.starting_after !== undefined) rows = rows.slice(cursorIndex(rows, p.starting_after, 'starting_after') + 1);
  else if (p.ending_before !== undefined) rows = rows.slice(0, cursorIndex(rows, p.ending_before, 'ending_before'));
  const limit = p.limit ?? 10;
  const page = rows.slice(0, limit);
  const expandCustomer = p.expand?.includes('data.customer') ?? false;
  return {
    object: 'list',
    data: page.map((s) => render(ctx, s, expandCustomer)),
    has_more: rows.length > limit,
    url: '/v1/subscriptions',
  };
}

export function retrieveSubscription(ctx: StandInContext, id: string, params: Params): Record<string, unknown> {
  const p = validateParams(RetrieveSchema, params);
  return render(ctx, find(ctx, id), p.expand?.includes('customer') ?? false);
}

export function updateSubscription(ctx: StandInContext, id: string, params: Params, origin: RequestOrigin): Record<string, unknown> {
  if (params.payment_behavior === 'pending_if_incomplete') refuseUnsupportedPendingParams(params);
  const p = validateParams(UpdateSchema, params, { notImplemented: UPDATE_NOT_IMPLEMENTED });
  if (p.payment_behavior === 'default_incomplete' || p.payment_behavior === 'error_if_incomplete') throw StripeApiError.notImplemented(`payment_behavior=${p.payment_behavior}`);
  const subscription = find(ctx, id);
  if (ENDED.has(subscription.status)) {
    throw StripeApiError.invalidRequest(`You cannot update a subscription that is \`${subscription.status}\`.`, undefined, undefined);
  }
  const before = snapshot(subscription);
  const now = nowSeconds();
  const items = snapshot(subscription.items.data);
  (p.items ?? []).forEach((change, i) => {
    const price = change.price === undefined ? undefined : ctx.catalog.price(change.price);
    if (change.price !== undefined && !price) throw StripeApiError.noSuch('price', change.price, `items[${i}][price]`, 400);
    if (change.id === undefined) {
      if (!price) throw StripeApiError.missingParam(`items[${i}][price]`);
      if (items.some((item) => item.price.id === price.id)) {
        throw StripeApiError.invalidRequest(`Cannot add multiple subscription items with the same price: ${price.id}`, `items[${i}][price]`);
      }
      const period = items[0] ?? { current_period_start: now, current_period_end: now + 30 * 86_400 };
      items.push({
        id: stripeId('si_', 14),
        object: 'subscription_item',
        created: now,
        current_period_start: period.current_period_start,
        current_period_end: period.current_period_end,
        metadata: { ...change.metadata },
        price: snapshot(price),
        quantity: change.quantity ?? 1,
        subscription: subscription.id,
      });
      return;
    }
    const index = items.findIndex((item) => item.id === change.id);
    if (index < 0) throw StripeApiError.noSuch('subscription item', change.id, `items[${i}][id]`, 400);
    if (change.deleted) {
      items.splice(index, 1);
      return;
    }
    const item = items[index]!;
    if (price) item.price = snapshot(price);
    if (change.quantity !== undefined) item.quantity = change.quantity;
    if (change.metadata) item.metadata = mergeMetadata(item.metadata, change.metadata);
  });
  if (items.length === 0) throw StripeApiError.invalidRequest('A subscription must have at least one active price.', 'items');

  // The stand-in keeps no invoice objects: an invoiced update is one charge of the customer's card, owed
  // when the new items cost more per period than the old (a cheaper plan leaves a credit instead).
  const owes = p.proration_behavior === 'always_invoice' && periodAmount(items) > periodAmount(subscription.items.data);
  const customer = ctx.state.customers.get(subscription.customer);
  const paid = !owes || (customer !== undefined && chargeCustomer(ctx, customer));
  if (!paid && p.payment_behavior === 'pending_if_incomplete') {
    subscription.pending_update = {
      billing_cycle_anchor: null,
      expires_at: now + PENDING_UPDATE_LIFETIME_SECONDS,
      subscription_items: items,
      trial_end: null,
      trial_from_plan: null,
    };
    const previous = changedAttributes(before, subscription);
    ctx.state.save();
    if (Object.keys(previous).length > 0) ctx.emit('customer.subscription.updated', subscription, origin, previous);
    return render(ctx, subscription, p.expand?.includes('customer') ?? false);
  }
  subscription.items = { ...subscription.items, data: items, total_count: items.length };
  subscription.metadata = mergeMetadata(subscription.metadata, p.metadata);
  // A paid update replaces any earlier pending one; an unpaid allow_incomplete one leaves the invoice open.
  if (owes) subscription.pending_update = null;
  if (!paid) subscription.status = 'past_due';
  if (p.cancel_at_period_end !== undefined) {
    subscription.cancel_at_period_end = p.cancel_at_period_end;
    subscription.cancel_at = p.cancel_at_period_end ? (items[0]?.current_period_end ?? null) : null;
  }
  const previous = changedAttributes(before, subscription);
  ctx.state.save();
  if (Object.keys(previous).length > 0) ctx.emit('customer.subscription.updated', subscription, origin, previous);
  return render(ctx, subscription, p.expand?.includes('customer') ?? false);
}

export function cancelSubscriptionRequest(ctx: StandInContext, id: string, params: Params, origin: RequestOrigin): Record<string, unknown> {
  const p = validateParams(CancelSchema, params, { notImplemented: CANCEL_NOT_IMPLEMENTED });
  const subscription = find(ctx, id);
  if (ENDED.has(subscription.status)) throw StripeApiError.invalidRequest(`This subscription is already \`${subscription.status}\`.`);
  cancelSubscription(ctx, subscription, origin);
  return render(ctx, subscription, p.expand?.includes('customer') ?? false);
}

/** Ends a subscription now (what the portal does when configured to cancel immediately): customer.subscription.deleted. */
export function cancelSubscription(ctx: StandInContext, subscription: SubscriptionObject, origin: RequestOrigin = HOSTED_PAGE): void {
  const now = nowSeconds();
  subscription.status = 'canceled';
  subscription.canceled_at = now;
  subscription.ended_at = now;
  ctx.state.save();
  ctx.emit('customer.subscription.deleted', subscription, origin);
}

function refuseUnsupportedPendingParams(params: Params): void {
  const refused = Object.keys(params).filter((name) => !PENDING_UPDATE_PARAMS.has(name));
  const items = Array.isArray(params.items) ? params.items : [];
  items.forEach((item, i) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      for (const name of Object.keys(item)) if (!PENDING_UPDATE_ITEM_PARAMS.has(name)) refused.push(`items[${i}][${name}]`);
    }
  });
  if (refused.length === 0) return;
  throw StripeApiError.invalidRequest(
    `The following parameters cannot be used with \`payment_behavior=pending_if_incomplete\`: ${refused.join(', ')}. See https://stripe.com/docs/billing/subscriptions/pending-updates-reference#supported-attributes for the parameters pending updates support.`,
    refused[0],
  );
}

/** What the items cost per period, in the smallest currency unit. */
function periodAmount(items: readonly SubscriptionItemObject[]): number {
  return items.reduce((sum, item) => sum + item.price.unit_amount * item.quantity, 0);
}

function find(ctx: StandInContext, id: string): SubscriptionObject {
  const subscription = ctx.state.subscriptions.get(id);
  if (!subscription) throw StripeApiError.noSuch('subscription', id, 'id', 404);
  return subscription;
}

function cursorIndex(rows: readonly SubscriptionObject[], id: string, param: string): number {
  const index = rows.findIndex((s) => s.id === id);
  if (index < 0) throw StripeApiError.noSuch('subscription', id, param, 400);
  return index;
}

function render(ctx: StandInContext, subscription: SubscriptionObject, expandCustomer: boolean): Record<string, unknown> {
  const out = snapshot(subscription) as unknown as Record<string, unknown>;
  if (expandCustomer) out.customer = snapshot(ctx.state.customers.get(subscription.customer) ?? null);
  return out;
}

/** `previous_attributes` of an update event: the old value of every top-level field that changed. */
function changedAttributes(before: SubscriptionObject, after: SubscriptionObject): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(before) as (keyof SubscriptionObject)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return previous;
}
