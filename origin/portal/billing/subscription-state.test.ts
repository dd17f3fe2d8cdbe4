import { describe, expect, it } from 'vitest';
import type { SubscriptionChange } from './stripe-events.ts';
import { applyChange, type SubscriptionState } from './subscription-state.ts';

const T = 1_700_000_000;
const grant = (plan: 'STARTER' | 'PRO' | 'ENTERPRISE', extra: Partial<SubscriptionChange> = {}): SubscriptionChange => ({
  customerId: 'cus_1',
  subscriptionId: 'sub_1',
  status: 'active',
  access: 'grant',
  plan,
  ...extra,
});
const checkoutPro = grant('PRO', { email: 'ada@example.com', name: 'Ada' });
const revoke: SubscriptionChange = { customerId: 'cus_1', subscriptionId: 'sub_1', status: 'canceled', access: 'revoke' };

describe('applyChange', () => {
  it('enqueues a grant for a first checkout', () => {
    const t = applyChange(null, checkoutPro, T);
    expect(t.stale).toBe(false);
    expect(t.next).toEqual({ customerId: 'cus_1', subscriptionId: 'sub_1', email: 'ada@example.com', name: 'Ada', startedBy: null, plan: 'PRO', status: 'active', lastEventCreated: T });
    expect(t.intent).toEqual({ action: 'grant', customerId: 'cus_1', email: 'ada@example.com', name: 'Ada', plan: 'PRO' });
  });

  it('waits for the email: a subscription event before the checkout enqueues nothing, the checkout then does', () => {
    const first = applyChange(null, grant('PRO'), T);
    expect(first.intent).toBeNull();
    expect(first.next.plan).toBe('PRO');
    const second = applyChange(first.next, checkoutPro, T);
    expect(second.intent).toMatchObject({ action: 'grant', plan: 'PRO' });
  });

  it('enqueues nothing when the same grant arrives again through another event', () => {
    const s = applyChange(null, checkoutPro, T).next;
    expect(applyChange(s, grant('PRO'), T + 1).intent).toBeNull();
  });

  it('enqueues exactly the new plan on an upgrade or a downgrade', () => {
    const s = applyChange(null, checkoutPro, T).next;
    expect(applyChange(s, grant('ENTERPRISE'), T + 1).intent).toMatchObject({ action: 'grant', plan: 'ENTERPRISE' });
    expect(applyChange(s, grant('STARTER'), T + 1).intent).toMatchObject({ action: 'grant', plan: 'STARTER' });
  });

  it('keeps the plan while past_due and enqueues nothing', () => {
    const s = applyChange(null, checkoutPro, T).next;
    const t = applyChange(s, { customerId: 'cus_1', subscriptionId: 'sub_1', status: 'past_due', access: 'keep' }, T + 1);
    expect(t.next).toMatchObject({ plan: 'PRO', status: 'past_due' });
    expect(t.intent).toBeNull();
  });

  it('enqueues a revoke on cancel, and only once', () => {
    const s = applyChange(null, checkoutPro, T).next;
    const canceled = applyChange(s, revoke, T + 1);
    expect(canceled.next.plan).toBeNull();
    expect(canceled.intent).toEqual({ action: 'revoke', customerId: 'cus_1', email: 'ada@example.com' });
    expect(applyChange(canceled.next, revoke, T + 2).intent).toBeNull();
  });

  it('leaves plan and status alone for an event older than the last applied one', () => {
    const s = applyChange(applyChange(null, checkoutPro, T).next, revoke, T + 10).next;
    const late = applyChange(s, grant('ENTERPRISE'), T + 5);
    expect(late.stale).toBe(true);
    expect(late.next).toEqual(s);
    expect(late.intent).toBeNull();
  });

  it('still learns who the customer is from a late checkout, and provisions the current state', () => {
    const canceledFirst = applyChange(null, revoke, T + 10).next;
    const late = applyChange(canceledFirst, checkoutPro, T);
    expect(late.stale).toBe(true);
    expect(late.next).toMatchObject({ email: 'ada@example.com', plan: null, status: 'canceled' });
    expect(late.intent).toEqual({ action: 'revoke', customerId: 'cus_1', email: 'ada@example.com' });
  });

  it('applies an event of the same second as the last one', () => {
    const s: SubscriptionState = applyChange(null, checkoutPro, T).next;
    expect(applyChange(s, revoke, T).intent).toMatchObject({ action: 'revoke' });
  });

  it('never grants a subscription again once it is canceled, even by an active snapshot of the same second delivered later', () => {
    const s = applyChange(null, checkoutPro, T).next;
    const deleted = applyChange(s, revoke, T + 5);
    const late = applyChange(deleted.next, grant('PRO'), T + 5);
    expect(late.stale).toBe(true);
    expect(late.next).toMatchObject({ plan: null, status: 'canceled', subscriptionId: 'sub_1' });
    expect(late.intent).toBeNull();
    // Nor later, for that id: Stripe never reactivates a canceled subscription.
    expect(applyChange(deleted.next, grant('PRO'), T + 6).next.plan).toBeNull();
  });

  it('grants a new subscription of the same customer after the old one was canceled, in the same second', () => {
    const deleted = applyChange(applyChange(null, checkoutPro, T).next, revoke, T + 5).next;
    const renewed = applyChange(deleted, grant('STARTER', { subscriptionId: 'sub_2' }), T + 5);
    expect(renewed.stale).toBe(false);
    expect(renewed.next).toMatchObject({ plan: 'STARTER', status: 'active', subscriptionId: 'sub_2' });
    expect(renewed.intent).toMatchObject({ action: 'grant', plan: 'STARTER' });
  });
});
