// The portal's buying routes against the local Stripe stand-in (driven through Stripe's own library) and
// real Postgres: the plans page's buttons, Checkout Sessions with the right price, email and metadata,
// plan switches for subscribers, and clear 4xx/5xx answers for everything that can go wrong.
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { createStripeClient } from '../../origin/portal/billing/stripe-client.ts';
import { provisioningOutbox, subscriptions } from '../../origin/portal/schema.ts';
import { attempt, buyer, payOnHostedPage, PRICES, startBillingHarness, STRIPE_KEY, type BillingHarness } from './helpers/billing-harness.ts';

let h: BillingHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startBillingHarness('portal_checkout');
  stripe = createStripeClient({ secretKey: STRIPE_KEY, apiBase: h.standIn.apiBase, maxNetworkRetries: 0 });
});
afterAll(() => h.close());

const sessionCount = () => h.standIn.snapshot().checkoutSessions.length;
const sessionIdOf = (location: string | null) => /\/c\/pay\/(cs_test_[A-Za-z0-9]+)$/.exec(location ?? '')?.[1];

/** A user who has paid through Checkout, with the webhook's rows in place. */
async function subscriber(plan: 'STARTER' | 'PRO' | 'ENTERPRISE' = 'PRO') {
  const who = buyer();
  const res = await h.portal.request('/billing/checkout', { as: who, form: { plan, attempt: attempt() } });
  expect(res.status).toBe(303);
  expect((await payOnHostedPage(res.headers.get('location')!)).status).toBe(303);
  await h.standIn.webhooksSettled();
  const [row] = await h.database.db.select().from(subscriptions).where(eq(subscriptions.email, who.email));
  expect(row?.plan).toBe(plan);
  return { who: { ...who, plan, groups: [`/${plan}`] }, customer: row!.customerId };
}

describe('the plans page', () => {
  it('offers a Subscribe button for every plan to a user without one, each posting the plan and one fresh attempt', async () => {
    const html = await (await h.portal.request('/plans', { as: buyer() })).text();
    for (const plan of ['STARTER', 'PRO', 'ENTERPRISE']) {
      expect(html).toMatch(new RegExp(`<form method="post" action="/billing/checkout" class="buy"><input type="hidden" name="plan" value="${plan}"/><input type="hidden" name="attempt" value="[A-Za-z0-9_-]{22}"/><button type="submit" data-testid="buy-${plan}">Subscribe</button>`));
    }
    const attempts = new Set([...html.matchAll(/name="attempt" value="([^"]+)"/g)].map((m) => m[1]));
    expect(attempts.size).toBe(1);
    const other = await (await h.portal.request('/plans', { as: buyer() })).text();
    expect(other).not.toContain([...attempts][0]);
    expect(html).not.toContain('data-testid="manage-billing"');
  });

  it('offers the other plans as an upgrade or a downgrade, nothing for the current one, and billing management to a known customer', async () => {
    const { who } = await subscriber('PRO');
    const html = await (await h.portal.request('/plans', { as: who })).text();
    expect(html).toContain('data-testid="buy-STARTER">Downgrade<');
    expect(html).toContain('data-testid="buy-ENTERPRISE">Upgrade<');
    expect(html).not.toContain('data-testid="buy-PRO"');
    expect(html).toContain('data-testid="manage-billing"');
  });

  it('shows no buy or manage buttons, and says why, while the user\'s email is unverified, even to a known customer', async () => {
    const { who } = await subscriber('PRO');
    const html = await (await h.portal.request('/plans', { as: { ...who, emailVerified: false } })).text();
    expect(html).toContain('data-testid="email-unverified"');
    expect(html).toContain(who.email);
    expect(html).not.toContain('/billing/checkout');
    expect(html).not.toContain('/billing/manage');
  });

  it('shows no buttons, and says why, when billing is not configured', async () => {
    const html = await (await h.portalWith('no-checkout').request('/plans', { as: buyer() })).text();
    expect(html).not.toContain('/billing/checkout');
    expect(html).toContain('data-testid="billing-off"');
  });

  it('lets forms redirect to the hosted pages (CSP form-action) only when billing is configured', async () => {
    const csp = (await h.portal.request('/plans', { as: buyer() })).headers.get('content-security-policy');
    expect(csp).toContain(`form-action 'self' ${h.standIn.publicBase}`);
    const off = (await h.portalWith('no-checkout').request('/plans', { as: buyer() })).headers.get('content-security-policy');
    expect(off).toContain("form-action 'self';");
  });
});

describe('POST /billing/checkout', () => {
  it('answers 303 to the hosted page of a subscription session with the plan\'s price, the user\'s email and sub, and the plan in both metadata', async () => {
    const who = buyer();
    const res = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'PRO', attempt: attempt() } });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${h.standIn.publicBase}/c/pay/cs_test_`)).toBe(true);
    const session = await stripe.checkout.sessions.retrieve(sessionIdOf(location)!, { expand: ['line_items'] });
    expect(session).toMatchObject({
      mode: 'subscription',
      status: 'open',
      customer: null,
      customer_email: who.email,
      client_reference_id: who.sub,
      metadata: { plan: 'PRO' },
      success_url: 'http://app.wikiplatform.localhost:8787/billing/done?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://app.wikiplatform.localhost:8787/plans',
    });
    expect(session.line_items?.data.map((l) => [l.price?.id, l.quantity])).toEqual([[PRICES.PRO, 1]]);
    // subscription_data.metadata lands on the subscription the session creates.
    await payOnHostedPage(location);
    const paid = await stripe.checkout.sessions.retrieve(session.id);
    expect((await stripe.subscriptions.retrieve(paid.subscription as string)).metadata).toEqual({ plan: 'PRO' });
    await h.standIn.webhooksSettled();
  });

  it('gives a double-click the same session, and a new visit to the plans page a new one', async () => {
    const who = buyer();
    const form = { plan: 'ENTERPRISE', attempt: attempt() };
    const before = sessionCount();
    const [first, second] = await Promise.all([h.portal.request('/billing/checkout', { as: who, form }), h.portal.request('/billing/checkout', { as: who, form })]);
    expect(first.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(sessionCount()).toBe(before + 1);
    const third = await h.portal.request('/billing/checkout', { as: who, form: { ...form, attempt: attempt() } });
    expect(third.headers.get('location')).not.toBe(first.headers.get('location'));
  });

  it('refuses an unknown plan, a missing attempt and a body that is not a form with 4xx, creating no session', async () => {
    const before = sessionCount();
    const who = buyer();
    const unknown = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'GOLD', attempt: attempt() } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toMatchObject({ code: 'validation_failed', message: 'plan: must be one of STARTER, PRO, ENTERPRISE', requestId: expect.any(String) });
    const noAttempt = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'PRO' } });
    expect(noAttempt.status).toBe(400);
    const json = await h.portal.request('/billing/checkout', { as: who, method: 'POST', headers: { 'content-type': 'application/json' }, form: { plan: 'PRO' } });
    expect(json.status).toBe(415);
    const huge = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'PRO', attempt: attempt(), pad: 'x'.repeat(20_000) } });
    expect(huge.status).toBe(413);
    expect(sessionCount()).toBe(before);
  });

  it('shows a browser the refusal as a page with the message and the request id', async () => {
    const res = await h.portal.request('/billing/checkout', { as: buyer(), form: { plan: '<script>x</script>', attempt: attempt() }, html: true });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('data-testid="error-page"');
    expect(html).toContain('plan: must be one of STARTER, PRO, ENTERPRISE');
    expect(html).toContain(`<code>${res.headers.get('x-request-id')}</code>`);
    expect(html).not.toContain('<script>x');
  });

  it('answers 503 billing_not_configured, and creates nothing, without Checkout configured', async () => {
    const before = sessionCount();
    const off = h.portalWith('no-checkout');
    for (const path of ['/billing/checkout', '/billing/manage']) {
      const res = await off.request(path, { as: buyer(), form: { plan: 'PRO', attempt: attempt() } });
      expect(res.status, path).toBe(503);
      expect((await res.json()).error, path).toMatchObject({ code: 'billing_not_configured', message: expect.stringContaining('STRIPE_SECRET_KEY') });
    }
    expect(sessionCount()).toBe(before);
  });

  it('answers 409 to a user without an email address', async () => {
    const res = await h.portal.request('/billing/checkout', { as: buyer({ email: '' }), form: { plan: 'PRO', attempt: attempt() } });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('conflict');
  });

  it('answers 403 email_unverified, and starts no session, to a user whose email the identity provider has not verified', async () => {
    const before = sessionCount();
    const res = await h.portal.request('/billing/checkout', { as: buyer({ emailVerified: false }), form: { plan: 'PRO', attempt: attempt() } });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({ code: 'email_unverified', message: expect.stringContaining('not verified') });
    expect(sessionCount()).toBe(before);
  });

  it('answers 502 with a clear message when Stripe refuses the request (a price Stripe does not know), and logs why without the key', async () => {
    const misconfigured = h.portalWith({ prices: { ...PRICES, PRO: 'price_not_at_stripe' } });
    const res = await misconfigured.request('/billing/checkout', { as: buyer(), form: { plan: 'PRO', attempt: attempt() } });
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 'bad_gateway', message: expect.stringContaining('Nothing was charged'), requestId: expect.any(String) });
    const page = await misconfigured.request('/billing/checkout', { as: buyer(), form: { plan: 'PRO', attempt: attempt() }, html: true });
    expect(page.status).toBe(502);
    expect(await page.text()).toContain('The payment provider refused the request. Nothing was charged');
    const logs = misconfigured.logLines.join('\n');
    expect(logs).toContain('stripe request failed');
    expect(logs).toContain('resource_missing');
    expect(logs).toContain("No such price: 'price_not_at_stripe'");
    expect(logs).not.toContain(STRIPE_KEY);
  });

  it('answers 502 for a wrong API key and logs no part of it', async () => {
    const wrongKey = 'sk_test_wrongWrongWrong7777';
    const misconfigured = h.portalWith({ secretKey: wrongKey });
    const res = await misconfigured.request('/billing/checkout', { as: buyer(), form: { plan: 'PRO', attempt: attempt() } });
    expect(res.status).toBe(502);
    const logs = misconfigured.logLines.join('\n');
    expect(logs).toContain('StripeAuthenticationError');
    expect(logs).not.toContain('7777');
    expect(logs).not.toContain('wrongWrong');
  });

  it('answers 502 "could not be reached" when Stripe does not answer', async () => {
    const unreachable = h.portalWith({ apiBase: `http://127.0.0.1:${await freePort()}` });
    const res = await unreachable.request('/billing/checkout', { as: buyer(), form: { plan: 'PRO', attempt: attempt() } });
    expect(res.status).toBe(502);
    expect((await res.json()).error.message).toContain('could not be reached');
  });

  it('switches an existing subscriber\'s subscription to the new price instead of selling a second one', async () => {
    const { who, customer } = await subscriber('PRO');
    const before = sessionCount();
    const res = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'ENTERPRISE', attempt: attempt() } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/billing/done?plan=ENTERPRISE');
    expect(sessionCount()).toBe(before);
    const subs = await stripe.subscriptions.list({ customer, status: 'all' });
    expect(subs.data).toHaveLength(1);
    expect(subs.data[0]!.items.data.map((i) => i.price.id)).toEqual([PRICES.ENTERPRISE]);
    expect(subs.data[0]!.metadata).toEqual({ plan: 'ENTERPRISE' });
    await h.standIn.webhooksSettled();
  });

  it('upgrades only once the upgrade is paid: a declined card leaves the plan, the subscription and what is provisioned as they were', async () => {
    const { who, customer } = await subscriber('STARTER');
    const card = async (testCard: string) => {
      const pm = await stripe.paymentMethods.attach(testCard, { customer });
      await stripe.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    };
    const grants = async () =>
      (await h.database.db.select().from(provisioningOutbox).where(eq(provisioningOutbox.customerId, customer)).orderBy(provisioningOutbox.id)).map((j) =>
        j.intent.action === 'grant' ? j.intent.plan : j.intent.action,
      );

    await card('pm_card_chargeCustomerFail');
    const declined = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'ENTERPRISE', attempt: attempt() } });
    expect(declined.status).toBe(402);
    expect(await declined.json()).toMatchObject({ error: { code: 'payment_declined', message: expect.stringContaining('stays STARTER') } });
    await h.standIn.webhooksSettled();
    const [live] = (await stripe.subscriptions.list({ customer })).data;
    expect(live!.items.data.map((i) => i.price.id)).toEqual([PRICES.STARTER]);
    expect(live!.status).toBe('active');
    const [row] = await h.database.db.select().from(subscriptions).where(eq(subscriptions.customerId, customer));
    expect(row).toMatchObject({ plan: 'STARTER', status: 'active' });
    expect(await grants()).toEqual(['STARTER']);

    await card('pm_card_visa');
    const paid = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'ENTERPRISE', attempt: attempt() } });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe('/billing/done?plan=ENTERPRISE');
    await h.standIn.webhooksSettled();
    const [after] = await h.database.db.select().from(subscriptions).where(eq(subscriptions.customerId, customer));
    expect(after).toMatchObject({ plan: 'ENTERPRISE', status: 'active' });
    expect(await grants()).toEqual(['STARTER', 'ENTERPRISE']);
    expect((await stripe.subscriptions.retrieve(live!.id)).metadata).toEqual({ plan: 'ENTERPRISE' });
  });

  it('downgrades at once, since nothing is owed now, even with a card that would decline', async () => {
    const { who, customer } = await subscriber('ENTERPRISE');
    const pm = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer });
    await stripe.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    const res = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'STARTER', attempt: attempt() } });
    expect(res.status).toBe(303);
    await h.standIn.webhooksSettled();
    const [row] = await h.database.db.select().from(subscriptions).where(eq(subscriptions.customerId, customer));
    expect(row).toMatchObject({ plan: 'STARTER', status: 'active' });
  });

  it('changes nothing when a subscriber asks for the plan they already pay for', async () => {
    const { who, customer } = await subscriber('STARTER');
    const events = h.standIn.snapshot().events.length;
    const res = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'STARTER', attempt: attempt() } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/billing/done?plan=STARTER');
    expect(h.standIn.snapshot().events.length).toBe(events);
    expect((await stripe.subscriptions.list({ customer })).data).toHaveLength(1);
  });

  it('sells a new subscription to the same customer once the old one is canceled', async () => {
    const { who, customer } = await subscriber('PRO');
    const [live] = (await stripe.subscriptions.list({ customer })).data;
    await stripe.subscriptions.cancel(live!.id);
    await h.standIn.webhooksSettled();
    const res = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'PRO', attempt: attempt() } });
    expect(res.status).toBe(303);
    const session = await stripe.checkout.sessions.retrieve(sessionIdOf(res.headers.get('location'))!);
    expect(session).toMatchObject({ customer, customer_email: null });
  });
});

describe('POST /billing/manage', () => {
  it('answers 409 when the portal knows no Stripe customer for the user', async () => {
    const res = await h.portal.request('/billing/manage', { as: buyer(), form: {} });
    expect(res.status).toBe(409);
  });

  it('answers 303 to a customer portal session for the user\'s customer, returning to the plans page', async () => {
    const { who, customer } = await subscriber('PRO');
    const res = await h.portal.request('/billing/manage', { as: who, form: {} });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${h.standIn.publicBase}/p/session/`)).toBe(true);
    const [portalSession] = h.standIn.snapshot().portalSessions.filter((p) => p.url === location);
    expect(portalSession).toMatchObject({ customer, return_url: 'http://app.wikiplatform.localhost:8787/plans' });
  });

  it('opens the customer portal with a configuration of its own that offers no plan switching, made once', async () => {
    const { who } = await subscriber('PRO');
    const opened = async () => {
      const res = await h.portal.request('/billing/manage', { as: who, form: {} });
      expect(res.status).toBe(303);
      return String(h.standIn.snapshot().portalSessions.find((p) => p.url === res.headers.get('location'))?.configuration);
    };
    const first = await opened();
    const configuration = await stripe.billingPortal.configurations.retrieve(first);
    expect(configuration).toMatchObject({ is_default: false, features: { subscription_update: { enabled: false }, subscription_cancel: { enabled: true } } });
    expect(await opened()).toBe(first);
    // Another portal process finds it rather than making a second.
    const other = await h.portalWith({}).request('/billing/manage', { as: who, form: {} });
    expect(h.standIn.snapshot().portalSessions.find((p) => p.url === other.headers.get('location'))?.configuration).toBe(first);
    expect((await stripe.billingPortal.configurations.list({ active: true })).data.filter((c) => !c.is_default)).toHaveLength(1);
  });


  it('opens the billing of the customer whose Checkout the user started, not a newer one someone bought signed out with their email', async () => {
    const { who, customer } = await subscriber('ENTERPRISE');
    // A stranger, not signed in, buys STARTER at Checkout typing the subscriber's address.
    const stranger = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: PRICES.STARTER, quantity: 1 }],
      customer_email: who.email,
      metadata: { plan: 'STARTER' },
      subscription_data: { metadata: { plan: 'STARTER' } },
      success_url: 'http://app.wikiplatform.localhost:8787/signup/done',
    });
    expect((await payOnHostedPage(stranger.url!)).status).toBe(303);
    await h.standIn.webhooksSettled();
    const rows = await h.database.db.select().from(subscriptions).where(eq(subscriptions.email, who.email));
    expect(rows).toHaveLength(2);

    const res = await h.portal.request('/billing/manage', { as: who, form: {} });
    expect(res.status).toBe(303);
    const [portalSession] = h.standIn.snapshot().portalSessions.filter((p) => p.url === res.headers.get('location'));
    expect(portalSession?.customer).toBe(customer);
  });

  it('refuses a subscriber whose session says the email is unverified (an address set on another account) with 403, opening no portal session', async () => {
    const { who } = await subscriber('PRO');
    const before = h.standIn.snapshot().portalSessions.length;
    // Someone else's account carrying the subscriber's address, unverified: billing must not follow it.
    const claimant = buyer({ email: who.email, emailVerified: false });
    const res = await h.portal.request('/billing/manage', { as: claimant, form: {} });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('email_unverified');
    expect(h.standIn.snapshot().portalSessions.length).toBe(before);
  });
});

describe('GET /billing/done', () => {
  it('names the plan of the user\'s own session and says the account is being set up', async () => {
    const who = buyer();
    const res = await h.portal.request('/billing/checkout', { as: who, form: { plan: 'ENTERPRISE', attempt: attempt() } });
    const paid = await payOnHostedPage(res.headers.get('location')!);
    const done = new URL(paid.headers.get('location')!);
    expect(done.pathname).toBe('/billing/done');
    const html = await (await h.portal.request(`${done.pathname}${done.search}`, { as: who })).text();
    expect(html).toContain('your payment went through');
    expect(html).toContain('<strong data-testid="purchased-plan">ENTERPRISE</strong>');
    expect(html).toContain('href="/"');
    await h.standIn.webhooksSettled();
  });

  it('shows no plan for another user\'s session, an unknown or malformed id, and still answers 200', async () => {
    const owner = buyer();
    const res = await h.portal.request('/billing/checkout', { as: owner, form: { plan: 'PRO', attempt: attempt() } });
    const id = sessionIdOf(res.headers.get('location'))!;
    for (const query of [`session_id=${id}`, 'session_id=cs_test_unknown', 'session_id=%3Cscript%3E', 'plan=GOLD']) {
      const page = await h.portal.request(`/billing/done?${query}`, { as: buyer() });
      expect(page.status, query).toBe(200);
      const html = await page.text();
      expect(html, query).not.toContain('data-testid="purchased-plan"');
      expect(html, query).not.toContain('<script>');
    }
  });
});
