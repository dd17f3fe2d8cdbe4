// Buying, switching and cancelling end to end without a browser: the portal's routes start Checkout, a
// script pays on the Stripe stand-in's hosted page, the stand-in delivers signed webhooks to the portal's
// real /webhooks/stripe (served on a port), and the provisioning outbox gets the matching jobs.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processOutbox, type Provisioner } from '../../origin/portal/billing/outbox.ts';
import { provisioningOutbox, stripeEvents, subscriptions } from '../../origin/portal/schema.ts';
import { attempt, buyer, payOnHostedPage, startBillingHarness, type BillingHarness } from './helpers/billing-harness.ts';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness('portal_checkout_flow');
});
afterAll(() => h.close());

async function outboxFor(customer: string) {
  const jobs = await h.database.db.select().from(provisioningOutbox).where(eq(provisioningOutbox.customerId, customer)).orderBy(provisioningOutbox.id);
  return jobs.map((j) => j.intent);
}

async function eventsFor(customer: string) {
  const rows = await h.database.db.select().from(stripeEvents).orderBy(stripeEvents.receivedAt);
  return rows.filter((r) => JSON.stringify(r.payload).includes(customer)).map((r) => [r.type, r.outcome]);
}

/** Records what it is asked to apply, as the Keycloak provisioner would be. */
class RecordingProvisioner implements Provisioner {
  calls: string[] = [];
  async grant(input: { email: string; plan: string }) {
    this.calls.push(`grant ${input.email} ${input.plan}`);
  }
  async revoke(input: { email: string }) {
    this.calls.push(`revoke ${input.email}`);
  }
}

describe('buying a plan through Stripe Checkout', () => {
  it('subscribes, switches plan and cancels, each step reaching the provisioning outbox through signed webhooks', async () => {
    const who = buyer({ email: 'Grace.Hopper@Example.test' });

    // 1. Subscribe: the portal answers with the hosted page, the buyer pays, Stripe sends them back.
    const start = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'PRO', attempt: attempt() } });
    expect(start.status).toBe(303);
    const paid = await payOnHostedPage(start.headers.get('location')!, 'Grace Hopper');
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toMatch(/^http:\/\/app\.wikiplatform\.localhost:8787\/billing\/done\?session_id=cs_test_/);
    await h.standIn.webhooksSettled();
    expect(h.standIn.deliveries.every((d) => d.ok)).toBe(true);

    const [row] = await h.database.db.select().from(subscriptions).where(eq(subscriptions.email, who.email));
    expect(row).toMatchObject({ name: 'Grace Hopper', plan: 'PRO', status: 'active' });
    const customer = row!.customerId;
    expect(customer).toMatch(/^cus_/);
    expect(await eventsFor(customer)).toEqual([
      ['customer.created', 'ignored'],
      ['customer.subscription.created', 'applied'],
      ['checkout.session.completed', 'applied'],
    ]);
    expect(await outboxFor(customer)).toEqual([{ action: 'grant', customerId: customer, email: who.email, name: 'Grace Hopper', plan: 'PRO' }]);

    // 2. Upgrade: the same subscription's price changes; the update event carries the new plan.
    const subscriber = { ...who, plan: 'PRO' as const, groups: ['/PRO'] };
    const plans = await (await h.portal.request('/plans', { as: subscriber })).text();
    const formAttempt = /name="attempt" value="([^"]+)"/.exec(plans)![1]!;
    const upgrade = await h.portal.request('/billing/checkout', { as: subscriber, form: { plan: 'ENTERPRISE', attempt: formAttempt } });
    expect(upgrade.status).toBe(303);
    expect(upgrade.headers.get('location')).toBe('/billing/done?plan=ENTERPRISE');
    await h.standIn.webhooksSettled();
    expect((await eventsFor(customer)).at(-1)).toEqual(['customer.subscription.updated', 'applied']);
    expect((await outboxFor(customer)).map((i) => [i.action, i.action === 'grant' ? i.plan : null])).toEqual([
      ['grant', 'PRO'],
      ['grant', 'ENTERPRISE'],
    ]);
    const done = await (await h.portal.request('/billing/done?plan=ENTERPRISE', { as: subscriber })).text();
    expect(done).toContain('Your plan change is on its way');

    // The same form sent again changes nothing more.
    const again = await h.portal.request('/billing/checkout', { as: subscriber, form: { plan: 'ENTERPRISE', attempt: formAttempt } });
    expect(again.headers.get('location')).toBe('/billing/done?plan=ENTERPRISE');
    await h.standIn.webhooksSettled();
    expect(await outboxFor(customer)).toHaveLength(2);

    // 3. Cancel in Stripe's customer portal, reached through "Manage billing".
    const manage = await h.portal.request('/billing/manage', { as: subscriber, form: {} });
    expect(manage.status).toBe(303);
    const portalUrl = manage.headers.get('location')!;
    const portalPage = await (await fetch(portalUrl)).text();
    const subscriptionId = /data-subscription="(sub_[A-Za-z0-9]+)" data-status="active"/.exec(portalPage)![1]!;
    const cancel = await fetch(`${portalUrl}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ subscription: subscriptionId }),
      redirect: 'manual',
    });
    expect(cancel.status).toBe(303);
    await h.standIn.webhooksSettled();
    expect((await eventsFor(customer)).at(-1)).toEqual(['customer.subscription.deleted', 'applied']);
    expect(await outboxFor(customer)).toEqual([
      expect.objectContaining({ action: 'grant', plan: 'PRO' }),
      expect.objectContaining({ action: 'grant', plan: 'ENTERPRISE' }),
      { action: 'revoke', customerId: customer, email: who.email },
    ]);
    const [after] = await h.database.db.select().from(subscriptions).where(eq(subscriptions.customerId, customer));
    expect(after).toMatchObject({ plan: null, status: 'canceled' });

    // The outbox applies the three jobs in order.
    const provisioner = new RecordingProvisioner();
    await processOutbox({ db: h.database.db, provisioner });
    expect(provisioner.calls.filter((c) => c.includes(who.email))).toEqual([`grant ${who.email} PRO`, `grant ${who.email} ENTERPRISE`, `revoke ${who.email}`]);
  });

  it('finds the subscriber by email whatever its case, so a second purchase is a switch', async () => {
    const who = buyer();
    const start = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'STARTER', attempt: attempt() } });
    await payOnHostedPage(start.headers.get('location')!);
    await h.standIn.webhooksSettled();
    const shouting = { ...who, email: who.email.toUpperCase(), plan: 'STARTER' as const };
    const res = await h.portal.request('/billing/checkout', { as: shouting, form: { plan: 'PRO', attempt: attempt() } });
    expect(res.headers.get('location')).toBe('/billing/done?plan=PRO');
  });
});
