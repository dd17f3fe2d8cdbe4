import { describe, expect, it } from 'vitest';
import { accessForStatus, mapStripeEvent, type StripeEventEnvelope } from './stripe-events.ts';

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
    metadata: { plan: 'PRO' },
    ...over,
  });

const subscription = (type: string, status: string, plan: unknown = 'PRO') =>
  event(type, { object: 'subscription', id: 'sub_1', customer: 'cus_1', status, metadata: { plan } });

describe('mapStripeEvent', () => {
  it('grants the plan of a completed subscription checkout to the customer it names', () => {
    expect(mapStripeEvent(checkout())).toEqual({
      kind: 'change',
      change: { customerId: 'cus_1', status: 'active', access: 'grant', plan: 'PRO', email: 'ada@example.com', name: 'Ada Lovelace' },
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
    expect(mapStripeEvent(subscription('customer.subscription.updated', 'active', 'pro'))).toMatchObject({ kind: 'rejected', reason: 'unknown_plan' });
    expect(mapStripeEvent(checkout({ metadata: {} }))).toMatchObject({ kind: 'rejected', reason: 'unknown_plan' });
  });

  it('grants on an active or trialing subscription, created or updated', () => {
    for (const type of ['customer.subscription.created', 'customer.subscription.updated']) {
      for (const status of ['active', 'trialing']) {
        expect(mapStripeEvent(subscription(type, status, 'ENTERPRISE'))).toEqual({
          kind: 'change',
          change: { customerId: 'cus_1', status, access: 'grant', plan: 'ENTERPRISE' },
        });
      }
    }
  });

  it('keeps access while past_due, whatever plan the snapshot shows', () => {
    expect(mapStripeEvent(subscription('customer.subscription.updated', 'past_due', 'nonsense'))).toEqual({
      kind: 'change',
      change: { customerId: 'cus_1', status: 'past_due', access: 'keep' },
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
