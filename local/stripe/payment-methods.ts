// Cards on a customer, as far as plan changes need them: attaching Stripe's test PaymentMethods
// (pm_card_visa, and pm_card_chargeCustomerFail, which attaches but declines every charge), making one the
// customer's invoice default (POST /v1/customers/:id), and charging the customer for an invoice.
// A customer without a default card pays with the card given at Checkout, which always succeeds here.
import { z } from 'zod';
import type { Params } from './form-params.ts';
import type { StandInContext } from './stand-in-context.ts';
import { StripeApiError } from './stripe-errors.ts';
import { nowSeconds, snapshot, stripeId, type CustomerObject, type PaymentMethodRecord } from './stripe-state.ts';
import { expandParam, metadataParam, mergeMetadata, text, validateParams } from './validate-params.ts';

/** Stripe's test PaymentMethod ids (docs: testing, "cards by brand" and "declined payments"). */
const TEST_CARDS: Readonly<Record<string, { last4: string; chargesFail: boolean }>> = {
  pm_card_visa: { last4: '4242', chargesFail: false },
  pm_card_chargeCustomerFail: { last4: '0341', chargesFail: true },
};

const AttachSchema = z.strictObject({ customer: text(255), expand: expandParam([]).optional() });

const UpdateCustomerSchema = z.strictObject({
  invoice_settings: z.strictObject({ default_payment_method: text(255).optional() }).optional(),
  metadata: metadataParam().optional(),
  expand: expandParam([]).optional(),
});
/** Documented customer update parameters not implemented (stripe-node's CustomerUpdateParams). */
const UPDATE_CUSTOMER_NOT_IMPLEMENTED = [
  'address', 'balance', 'business_name', 'cash_balance', 'coupon', 'default_source', 'description', 'email', 'individual_name',
  'invoice_prefix', 'name', 'next_invoice_sequence', 'phone', 'preferred_locales', 'promotion_code', 'shipping', 'source', 'tax', 'tax_exempt', 'test_clock',
];

export function attachPaymentMethod(ctx: StandInContext, id: string, params: Params): Record<string, unknown> {
  const p = validateParams(AttachSchema, params);
  const card = TEST_CARDS[id];
  if (!card) throw StripeApiError.noSuch('PaymentMethod', id, 'payment_method', 404);
  if (!ctx.state.customers.has(p.customer)) throw StripeApiError.noSuch('customer', p.customer, 'customer', 400);
  // In test mode, attaching a test PaymentMethod id attaches a fresh copy with its own id.
  const now = nowSeconds();
  const record: PaymentMethodRecord = {
    chargesFail: card.chargesFail,
    paymentMethod: {
      id: stripeId('pm_1'),
      object: 'payment_method',
      type: 'card',
      card: { brand: 'visa', country: 'US', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, funding: 'credit', last4: card.last4 },
      created: now,
      customer: p.customer,
      livemode: false,
      metadata: {},
    },
  };
  ctx.state.paymentMethods.set(record.paymentMethod.id, record);
  ctx.state.save();
  return snapshot(record.paymentMethod) as unknown as Record<string, unknown>;
}

export function updateCustomer(ctx: StandInContext, id: string, params: Params): Record<string, unknown> {
  const p = validateParams(UpdateCustomerSchema, params, { notImplemented: UPDATE_CUSTOMER_NOT_IMPLEMENTED });
  const customer = ctx.state.customers.get(id);
  if (!customer) throw StripeApiError.noSuch('customer', id, 'id', 404);
  const wanted = p.invoice_settings?.default_payment_method;
  if (wanted !== undefined && wanted !== '') {
    const attached = ctx.state.paymentMethods.get(wanted)?.paymentMethod.customer === id;
    if (!attached) {
      throw StripeApiError.invalidRequest(
        `The customer does not have a payment method with the ID ${wanted}. The payment method must be attached to the customer.`,
        'invoice_settings[default_payment_method]',
        'resource_missing',
      );
    }
  }
  if (wanted !== undefined) customer.invoice_settings = { default_payment_method: wanted === '' ? null : wanted };
  customer.metadata = mergeMetadata(customer.metadata, p.metadata);
  ctx.state.save();
  return snapshot(customer) as unknown as Record<string, unknown>;
}

/** Charges the customer's invoice default card; false when the card declines. */
export function chargeCustomer(ctx: StandInContext, customer: CustomerObject): boolean {
  const card = customer.invoice_settings?.default_payment_method;
  if (!card) return true;
  return !(ctx.state.paymentMethods.get(card)?.chargesFail ?? false);
}
