// Checkout Sessions: create and retrieve over the API (hosted, subscription mode), and completing one
// from the hosted page: a customer and an active subscription appear, then the events Stripe sends.
import { z } from 'zod';
import type { Params } from './form-params.ts';
import { HOSTED_PAGE, type RequestOrigin, type StandInContext } from './stand-in-context.ts';
import { StripeApiError } from './stripe-errors.ts';
import {
  nowSeconds,
  snapshot,
  stripeId,
  type CheckoutSessionObject,
  type CustomerObject,
  type SessionRecord,
  type SubscriptionObject,
} from './stripe-state.ts';
import { booleanParam, expandParam, integerParam, metadataParam, text, urlParam, validateParams } from './validate-params.ts';

const SESSION_LIFETIME_SECONDS = 24 * 60 * 60;
const PERIOD_SECONDS = 30 * 24 * 60 * 60;
const EXPANDABLE = ['line_items', 'customer', 'subscription'] as const;
export const EMAIL_PATTERN = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}\.[^\s@<>"]{2,63}$/;

const CreateSchema = z.strictObject({
  mode: z.enum(['payment', 'setup', 'subscription']),
  line_items: z.array(z.strictObject({ price: text(255), quantity: integerParam(1, 999_999).optional() })).max(20).optional(),
  success_url: urlParam().optional(),
  cancel_url: urlParam().optional(),
  customer: text(255).optional(),
  customer_email: text(512).optional(),
  client_reference_id: text(200).optional(),
  metadata: metadataParam().optional(),
  subscription_data: z.strictObject({ metadata: metadataParam().optional(), description: text(500).optional() }).optional(),
  expand: expandParam(EXPANDABLE).optional(),
  ui_mode: z.enum(['hosted', 'embedded', 'custom']).optional(),
  locale: text(10).optional(),
  allow_promotion_codes: booleanParam().optional(),
});

/** Documented create parameters this stand-in does not implement (stripe-node's SessionCreateParams). */
const CREATE_NOT_IMPLEMENTED = [
  'adaptive_pricing', 'after_expiration', 'allowed_payment_method_types', 'automatic_tax', 'billing_address_collection', 'branding_settings',
  'consent_collection', 'currency', 'custom_fields', 'custom_text', 'customer_account', 'customer_creation', 'customer_update', 'discounts',
  'excluded_payment_method_types', 'expires_at', 'integration_identifier', 'invoice_creation', 'managed_payments', 'name_collection',
  'optional_items', 'origin_context', 'payment_intent_data', 'payment_method_collection', 'payment_method_configuration', 'payment_method_data',
  'payment_method_options', 'permissions', 'phone_number_collection', 'redirect_on_completion', 'return_url', 'saved_payment_method_options',
  'setup_intent_data', 'shipping_address_collection', 'shipping_options', 'submit_type', 'tax_id_collection', 'wallet_options',
];

const RetrieveSchema = z.strictObject({ expand: expandParam(EXPANDABLE).optional() });

export function createCheckoutSession(ctx: StandInContext, params: Params): Record<string, unknown> {
  const p = validateParams(CreateSchema, params, { notImplemented: CREATE_NOT_IMPLEMENTED });
  if (p.ui_mode && p.ui_mode !== 'hosted') throw StripeApiError.notImplemented('ui_mode');
  if (p.mode === 'setup') throw StripeApiError.notImplemented('mode');
  if (!p.success_url) throw StripeApiError.missingParam('success_url');
  if (p.customer !== undefined && p.customer_email !== undefined) {
    throw StripeApiError.invalidRequest('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
  }
  if (p.customer_email !== undefined && !EMAIL_PATTERN.test(p.customer_email)) {
    throw StripeApiError.invalidRequest(`Invalid email address: ${p.customer_email}`, 'customer_email', 'email_invalid');
  }
  if (!p.line_items || p.line_items.length === 0) throw StripeApiError.missingParam('line_items');
  p.line_items.forEach((item, i) => {
    if (item.quantity === undefined) throw StripeApiError.missingParam(`line_items[${i}][quantity]`);
  });

  // From here the request is executing: its outcome is what an idempotent retry gets back.
  const lineItems = p.line_items.map((item, i) => {
    const price = ctx.catalog.price(item.price);
    if (!price) throw StripeApiError.noSuch('price', item.price, `line_items[${i}][price]`, 400);
    if (p.mode === 'payment') {
      throw StripeApiError.invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        `line_items[${i}][price]`,
      );
    }
    return { price: price.id, quantity: item.quantity ?? 1, amount: price.unit_amount * (item.quantity ?? 1) };
  });
  if (p.customer !== undefined && !ctx.state.customers.has(p.customer)) throw StripeApiError.noSuch('customer', p.customer, 'customer', 400);

  const created = nowSeconds();
  const id = stripeId('cs_test_a1', 56);
  const total = lineItems.reduce((sum, item) => sum + item.amount, 0);
  const session: CheckoutSessionObject = {
    id,
    object: 'checkout.session',
    mode: 'subscription',
    ui_mode: 'hosted',
    status: 'open',
    payment_status: 'unpaid',
    url: `${ctx.publicBase}/c/pay/${id}`,
    success_url: p.success_url,
    cancel_url: p.cancel_url ?? null,
    customer: p.customer ?? null,
    customer_email: p.customer_email ?? null,
    customer_details: null,
    client_reference_id: p.client_reference_id ?? null,
    metadata: dropEmpty(p.metadata),
    subscription: null,
    amount_subtotal: total,
    amount_total: total,
    currency: 'usd',
    created,
    expires_at: created + SESSION_LIFETIME_SECONDS,
    livemode: false,
    invoice: null,
    payment_intent: null,
    locale: p.locale ?? null,
    allow_promotion_codes: p.allow_promotion_codes ?? null,
  };
  const record: SessionRecord = {
    session,
    lineItems: lineItems.map(({ price, quantity }) => ({ price, quantity })),
    subscriptionMetadata: dropEmpty(p.subscription_data?.metadata),
  };
  ctx.state.sessions.set(id, record);
  return render(ctx, record, p.expand ?? []);
}

export function retrieveCheckoutSession(ctx: StandInContext, id: string, params: Params): Record<string, unknown> {
  const p = validateParams(RetrieveSchema, params);
  const record = findSession(ctx, id);
  if (!record) throw StripeApiError.noSuch('checkout.session', id, 'session', 404);
  return render(ctx, record, p.expand ?? []);
}

/** The session as it stands now: an open session past its expiry is expired, as Stripe reports it. */
export function findSession(ctx: StandInContext, id: string): SessionRecord | undefined {
  const record = ctx.state.sessions.get(id);
  if (record && record.session.status === 'open' && nowSeconds() >= record.session.expires_at) {
    record.session.status = 'expired';
    record.session.url = null;
    ctx.state.save();
  }
  return record;
}

export interface PaymentDetails {
  email: string;
  name: string;
}

/**
 * Pays an open session, as a customer on the hosted page does: the customer (new, or the one the session
 * was created for), an active subscription carrying `subscription_data.metadata`, the session complete and
 * paid, then customer.created (new customers), customer.subscription.created and checkout.session.completed.
 */
export function completeCheckout(ctx: StandInContext, record: SessionRecord, details: PaymentDetails, origin: RequestOrigin = HOSTED_PAGE): void {
  const { session } = record;
  if (session.status !== 'open') throw new TypeError(`session ${session.id} is ${session.status}, not open`);
  const now = nowSeconds();
  let customer: CustomerObject | undefined = session.customer ? ctx.state.customers.get(session.customer) : undefined;
  const newCustomer = !customer;
  if (!customer) {
    customer = {
      id: stripeId('cus_', 14),
      object: 'customer',
      created: now,
      email: details.email,
      name: details.name,
      description: null,
      invoice_settings: { default_payment_method: null },
      livemode: false,
      metadata: {},
    };
    ctx.state.customers.set(customer.id, customer);
  } else {
    // Checkout saves what the customer typed onto an existing customer.
    customer.email = details.email;
    customer.name ??= details.name;
  }

  const subscriptionId = stripeId('sub_1');
  const subscription: SubscriptionObject = {
    id: subscriptionId,
    object: 'subscription',
    billing_cycle_anchor: now,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    collection_method: 'charge_automatically',
    created: now,
    currency: 'usd',
    customer: customer.id,
    description: null,
    ended_at: null,
    items: {
      object: 'list',
      data: record.lineItems.map((item) => ({
        id: stripeId('si_', 14),
        object: 'subscription_item' as const,
        created: now,
        current_period_start: now,
        current_period_end: now + PERIOD_SECONDS,
        metadata: {},
        price: snapshot(ctx.catalog.price(item.price)!),
        quantity: item.quantity,
        subscription: subscriptionId,
      })),
      has_more: false,
      total_count: record.lineItems.length,
      url: `/v1/subscription_items?subscription=${subscriptionId}`,
    },
    latest_invoice: null,
    livemode: false,
    metadata: { ...record.subscriptionMetadata },
    pending_update: null,
    start_date: now,
    status: 'active',
    trial_end: null,
    trial_start: null,
  };
  ctx.state.subscriptions.set(subscriptionId, subscription);

  Object.assign(session, {
    status: 'complete',
    payment_status: 'paid',
    url: null,
    customer: customer.id,
    subscription: subscriptionId,
    customer_details: { email: details.email, name: details.name, address: null, phone: null, tax_exempt: 'none', tax_ids: [] },
  } satisfies Partial<CheckoutSessionObject>);
  ctx.state.save();

  if (newCustomer) ctx.emit('customer.created', customer, origin);
  ctx.emit('customer.subscription.created', subscription, origin);
  ctx.emit('checkout.session.completed', session, origin);
}

function render(ctx: StandInContext, record: SessionRecord, expand: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = snapshot(record.session) as unknown as Record<string, unknown>;
  if (expand.includes('customer') && record.session.customer) out.customer = snapshot(ctx.state.customers.get(record.session.customer) ?? null);
  if (expand.includes('subscription') && record.session.subscription) out.subscription = snapshot(ctx.state.subscriptions.get(record.session.subscription) ?? null);
  if (expand.includes('line_items')) {
    out.line_items = {
      object: 'list',
      data: record.lineItems.map((item, i) => {
        const price = ctx.catalog.price(item.price)!;
        const amount = price.unit_amount * item.quantity;
        return {
          id: `li_${record.session.id.slice(-20)}${i}`,
          object: 'item',
          amount_subtotal: amount,
          amount_total: amount,
          currency: price.currency,
          description: ctx.catalog.productName(price),
          price: snapshot(price),
          quantity: item.quantity,
        };
      }),
      has_more: false,
      url: `/v1/checkout/sessions/${record.session.id}/line_items`,
    };
  }
  return out;
}

function dropEmpty(metadata: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata ?? {}).filter(([, v]) => v !== ''));
}
