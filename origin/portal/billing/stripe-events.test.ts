import { describe, expect, it } from 'vitest';
import { accessForStatus, mapStripeEvent as mapWithPrices, type StripeEventEnvelope } from './stripe-events.ts';

const PRICES = { STARTER: 'price_starter', PRO: 'price_pro', ENTERPRISE: 'price_enterprise' } as const;
const mapStripeEvent = (e: StripeEventEnvelope) => mapWithPrices(e, PRICES);

function event(type: string, object: Record<string, unknown>): StripeEventEnvelope {
  return { id: 'evt_1', type, created: 1_700_000_000, data: { object } };
}

const checkout = (over: Record<string, unknown> = {}) =>
  event('checkout.session.completed', {
    object: 'checkout.session',
    mode: 'subscription',
    payment_status: 'paid',
    customer: 'cus_1',
    customer_details: { email: 'ada@example.com', name: 'Ada Lovelace' },
    subscription: 'sub_9',
    metadata: { plan: 'PRO' },
    ...over,
  });

type PlanName = keyof typeof PRICES;
const itemsFor = (...priceIds: string[]) => ({ object: 'list', data: priceIds.map((id, i) => ({ id: `si_${i}`, object: 'subscription_item', price: { id, object: 'price' } })) });
const subscription = (type: string, status: string, plan: PlanName = 'PRO', extra: Record<string, unknown> = {}) =>
  event(type, { object: 'subscription', id: 'sub_1', customer: 'cus_1', status, items: itemsFor(PRICES[plan]), metadata: { plan }, ...extra });

describe('mapStripeEvent', () => {
  it('grants the plan of a completed subscription checkout to the customer it names', () => {
    expect(mapStripeEvent(checkout())).toEqual({
      kind: 'change',
      change: { customerId: 'cus_1', subscriptionId: 'sub_9', status: 'active', access: 'grant', plan: 'PRO', email: 'ada@example.com', name: 'Ada Lovelace' },
    });
  });

  it('takes the customer id from an expanded customer and the email from customer_email when details lack it', () => {
    const mapped = mapStripeEvent(checkout({ customer: { id: 'cus_9' }, customer_details: null, customer_email: 'b@example.com' }));
    expect(mapped).toMatchObject({ kind: 'change', change: { customerId: 'cus_9', email: 'b@example.com' } });
  });

  it('ignores a one-off payment checkout and one whose payment is still pending', () => {
    expect(mapStripeEvent(checkout({ mode: 'payment' })).kind).toBe('ignored');
    expect(mapStripeEvent(checkout({ payment_status: 'unpaid' })).kind).toBe('ignored');
  });

  it('rejects a checkout without a customer or without an email instead of throwing', () => {
    expect(mapStripeEvent(checkout({ customer: null }))).toMatchObject({ kind: 'rejected', reason: 'missing_customer' });
    expect(mapStripeEvent(checkout({ customer_details: {} }))).toMatchObject({ kind: 'rejected', reason: 'missing_email', customerId: 'cus_1' });
  });

  it('rejects an unknown plan as a recorded error, quoting only a short excerpt', () => {
    const mapped = mapStripeEvent(checkout({ metadata: { plan: 'GOLD'.repeat(50) } }));
    expect(mapped).toMatchObject({ kind: 'rejected', reason: 'unknown_plan', customerId: 'cus_1' });
    expect(mapped.kind === 'rejected' && mapped.detail.length).toBeLessThan(120);
    expect(mapStripeEvent(checkout({ metadata: {} }))).toMatchObject({ kind: 'rejected', reason: 'unknown_plan' });
  });

  it('grants on an active or trialing subscription, created or updated', () => {
    for (const type of ['customer.subscription.created', 'customer.subscription.updated']) {
      for (const status of ['active', 'trialing']) {
        expect(mapStripeEvent(subscription(type, status, 'ENTERPRISE'))).toEqual({
          kind: 'change',
          change: { customerId: 'cus_1', subscriptionId: 'sub_1', status, access: 'grant', plan: 'ENTERPRISE' },
        });
      }
    }
  });

  it('keeps access while past_due, whatever plan the snapshot shows', () => {
    expect(mapStripeEvent(subscription('customer.subscription.updated', 'past_due', 'PRO', { items: itemsFor('price_other'), metadata: { plan: 'nonsense' } }))).toEqual({
      kind: 'change',
      change: { customerId: 'cus_1', subscriptionId: 'sub_1', status: 'past_due', access: 'keep' },
    });
  });

  it('revokes on canceled, unpaid and incomplete_expired, and on a deleted subscription whatever its status', () => {
    for (const status of ['canceled', 'unpaid', 'incomplete_expired']) {
      expect(mapStripeEvent(subscription('customer.subscription.updated', status))).toMatchObject({ kind: 'change', change: { access: 'revoke', status } });
    }
    expect(mapStripeEvent(subscription('customer.subscription.deleted', 'active'))).toMatchObject({
      kind: 'change',
      change: { access: 'revoke', status: 'canceled' },
    });
  });

  it('grants the plan the price pays for when metadata.plan claims a better one, and says so', () => {
    const mapped = mapStripeEvent(subscription('customer.subscription.updated', 'active', 'STARTER', { metadata: { plan: 'ENTERPRISE' } }));
    expect(mapped).toEqual({ kind: 'change', change: { customerId: 'cus_1', subscriptionId: 'sub_1', status: 'active', access: 'grant', plan: 'STARTER', overriddenMetadataPlan: 'ENTERPRISE' } });
    // Without metadata at all (a subscription made in the dashboard), the price alone decides.
    expect(mapStripeEvent(subscription('customer.subscription.created', 'active', 'PRO', { metadata: {} }))).toMatchObject({ kind: 'change', change: { plan: 'PRO' } });
  });

  it('rejects a granting subscription whose price is no plan\'s, or with other than one item, quoting only a short excerpt', () => {
    const unknown = mapStripeEvent(subscription('customer.subscription.updated', 'active', 'PRO', { items: itemsFor(`price_${'x'.repeat(300)}`) }));
    expect(unknown).toMatchObject({ kind: 'rejected', reason: 'unknown_price', customerId: 'cus_1' });
    expect(unknown.kind === 'rejected' && unknown.detail.length).toBeLessThan(120);
    expect(mapStripeEvent(subscription('customer.subscription.updated', 'active', 'PRO', { items: itemsFor(PRICES.PRO, PRICES.STARTER) }))).toMatchObject({
      kind: 'rejected',
      reason: 'unexpected_items',
    });
    expect(mapStripeEvent(subscription('customer.subscription.updated', 'active', 'PRO', { items: itemsFor() }))).toMatchObject({ kind: 'rejected', reason: 'unexpected_items' });
    expect(mapStripeEvent(subscription('customer.subscription.updated', 'active', 'PRO', { items: undefined }))).toMatchObject({ kind: 'rejected', reason: 'unexpected_items' });
    // A portal without configured prices cannot tell a plan from a price: it grants nothing from subscriptions.
    expect(mapWithPrices(subscription('customer.subscription.updated', 'active', 'PRO'), null)).toMatchObject({ kind: 'rejected', reason: 'unknown_price' });
  });

  it('gives no access to an incomplete subscription', () => {
    expect(mapStripeEvent(subscription('customer.subscription.created', 'incomplete'))).toMatchObject({ kind: 'change', change: { access: 'none' } });
  });

  it('ignores event types that do not concern provisioning', () => {
    expect(mapStripeEvent(event('invoice.paid', { customer: 'cus_1' })).kind).toBe('ignored');
  });
});

describe('accessForStatus', () => {
  it('maps every documented subscription status and gives nothing to an unknown one', () => {
    expect(accessForStatus('active')).toBe('grant');
    expect(accessForStatus('past_due')).toBe('keep');
    expect(accessForStatus('paused')).toBe('revoke');
    expect(accessForStatus('something_new')).toBe('none');
  });
});
