import { describe, expect, it } from 'vitest';
import { checkoutIdempotencyKey, choosePurchasePath, planOfPrice, type LiveSubscription } from './purchase-path.ts';

const prices = { STARTER: 'price_s', PRO: 'price_p', ENTERPRISE: 'price_e' } as const;
const sub = (over: Partial<LiveSubscription> = {}): LiveSubscription => ({
  id: 'sub_1',
  status: 'active',
  created: 100,
  items: [{ id: 'si_1', priceId: 'price_p' }],
  metadataPlan: 'PRO',
  ...over,
});

describe('choosePurchasePath', () => {
  it('sends a customer without subscriptions, or with only ended ones, to Checkout', () => {
    expect(choosePurchasePath('PRO', [], prices)).toEqual({ kind: 'checkout' });
    expect(choosePurchasePath('PRO', [sub({ status: 'canceled' }), sub({ status: 'incomplete_expired' })], prices)).toEqual({ kind: 'checkout' });
  });

  it('switches the item of an active or trialing subscription to the new plan\'s price', () => {
    expect(choosePurchasePath('ENTERPRISE', [sub()], prices)).toEqual({ kind: 'switch', subscriptionId: 'sub_1', itemId: 'si_1', from: 'PRO', upgrade: true });
    expect(choosePurchasePath('STARTER', [sub({ status: 'trialing' })], prices)).toMatchObject({ kind: 'switch', from: 'PRO' });
  });

  it('acts on the newest live subscription and never sells a second one', () => {
    const older = sub({ id: 'sub_old', created: 50, items: [{ id: 'si_old', priceId: 'price_s' }], metadataPlan: 'STARTER' });
    expect(choosePurchasePath('PRO', [older, sub({ id: 'sub_new', created: 200, items: [{ id: 'si_new', priceId: 'price_e' }], metadataPlan: 'ENTERPRISE' })], prices)).toMatchObject({
      kind: 'switch',
      subscriptionId: 'sub_new',
      itemId: 'si_new',
    });
  });

  it('changes nothing when the subscription already sells the plan, and repairs a stale metadata plan without charging', () => {
    expect(choosePurchasePath('PRO', [sub()], prices)).toEqual({ kind: 'unchanged', subscriptionId: 'sub_1' });
    expect(choosePurchasePath('PRO', [sub({ metadataPlan: 'STARTER' })], prices)).toMatchObject({ kind: 'switch', from: 'PRO', upgrade: false });
  });

  it('marks a switch to a better plan, or from a plan it cannot tell, as an upgrade to be paid first, and a cheaper one as not', () => {
    expect(choosePurchasePath('PRO', [sub({ items: [{ id: 'si_1', priceId: 'price_s' }], metadataPlan: 'STARTER' })], prices)).toMatchObject({ upgrade: true });
    expect(choosePurchasePath('STARTER', [sub()], prices)).toMatchObject({ kind: 'switch', upgrade: false });
    expect(choosePurchasePath('STARTER', [sub({ items: [{ id: 'si_1', priceId: 'price_legacy' }], metadataPlan: null })], prices)).toMatchObject({ from: null, upgrade: true });
  });

  it('blocks a subscription waiting for a payment, and one with items the platform did not make', () => {
    for (const status of ['past_due', 'unpaid', 'incomplete', 'paused']) {
      expect(choosePurchasePath('ENTERPRISE', [sub({ status })], prices)).toEqual({ kind: 'blocked', reason: 'needs_payment', status });
    }
    expect(choosePurchasePath('ENTERPRISE', [sub({ items: [] })], prices)).toMatchObject({ kind: 'blocked', reason: 'unexpected_items' });
    expect(choosePurchasePath('ENTERPRISE', [sub({ items: [{ id: 'a', priceId: 'price_p' }, { id: 'b', priceId: 'price_x' }] })], prices)).toMatchObject({
      kind: 'blocked',
      reason: 'unexpected_items',
    });
  });

  it('falls back to the metadata plan when the current price is not one of ours', () => {
    expect(choosePurchasePath('ENTERPRISE', [sub({ items: [{ id: 'si_1', priceId: 'price_legacy' }], metadataPlan: 'STARTER' })], prices)).toMatchObject({ from: 'STARTER' });
    expect(planOfPrice(prices, 'price_e')).toBe('ENTERPRISE');
    expect(planOfPrice(prices, 'price_x')).toBeNull();
  });
});

describe('checkoutIdempotencyKey', () => {
  it('is stable for the same attempt and differs for another attempt, plan or buyer', () => {
    const key = checkoutIdempotencyKey(['user-1', 'PRO', 'attempt-a', 'a@example.test']);
    expect(key).toBe(checkoutIdempotencyKey(['user-1', 'PRO', 'attempt-a', 'a@example.test']));
    expect(key).toMatch(/^wikiplatform-checkout-[A-Za-z0-9_-]{43}$/);
    expect(key.length).toBeLessThanOrEqual(255);
    for (const other of [
      checkoutIdempotencyKey(['user-1', 'PRO', 'attempt-b', 'a@example.test']),
      checkoutIdempotencyKey(['user-1', 'ENTERPRISE', 'attempt-a', 'a@example.test']),
      checkoutIdempotencyKey(['user-1', 'PRO', 'attempt-a', 'cus_1']),
      checkoutIdempotencyKey(['user-1P', 'RO', 'attempt-a', 'a@example.test']),
    ]) {
      expect(other).not.toBe(key);
    }
  });
});
