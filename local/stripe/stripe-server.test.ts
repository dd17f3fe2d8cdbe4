// The stand-in, driven by Stripe's own library and by raw HTTP: Stripe's error shapes, idempotency, the
// hosted pages, and webhooks that Stripe's constructEvent accepts, retried with backoff.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../origin/portal/billing/stripe-client.ts';
import { startStripe, type StripeStandIn } from './stripe-server.ts';

const KEY = 'sk_test_standin0123456789';
const WEBHOOK_SECRET = 'whsec_standinTestSecret42';
const PRICES = { STARTER: 'price_starter_t', PRO: 'price_pro_t', ENTERPRISE: 'price_enterprise_t' } as const;

interface Received {
  body: string;
  signature: string;
}

/** A webhook endpoint that records what arrives and fails the first deliveries of the named event types with 500. */
class Receiver {
  received: Received[] = [];
  failures = new Map<string, number>();
  server!: Server;
  url = '';

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ body, signature: String(req.headers['stripe-signature'] ?? '') });
        const type = (JSON.parse(body) as { type: string }).type;
        const failures = this.failures.get(type) ?? 0;
        if (failures > 0) {
          this.failures.set(type, failures - 1);
          res.writeHead(500).end();
        } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
  }

  events(): Stripe.Event[] {
    return this.received.map((r) => Stripe.webhooks.constructEvent(r.body, r.signature, WEBHOOK_SECRET));
  }

  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const receiver = new Receiver();
let standIn: StripeStandIn;
let stripe: Stripe;

beforeAll(async () => {
  await receiver.start();
  standIn = await startStripe({ port: 0, secretKey: KEY, prices: PRICES, webhook: { url: receiver.url, secret: WEBHOOK_SECRET, retryDelaysMs: [30, 60] } });
  stripe = createStripeClient({ secretKey: KEY, apiBase: standIn.apiBase, maxNetworkRetries: 0 });
});
afterAll(async () => {
  await standIn.close();
  await receiver.close();
});
afterEach(async () => {
  await standIn.webhooksSettled();
  receiver.received = [];
  receiver.failures.clear();
});

const sessionParams = (over: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams => ({
  mode: 'subscription',
  line_items: [{ price: PRICES.PRO, quantity: 1 }],
  success_url: 'http://app.test/billing/done?session_id={CHECKOUT_SESSION_ID}',
  cancel_url: 'http://app.test/plans',
  customer_email: 'ada@example.test',
  client_reference_id: 'user-ada',
  metadata: { plan: 'PRO' },
  subscription_data: { metadata: { plan: 'PRO' } },
  ...over,
});

async function raw(path: string, init: RequestInit & { key?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('authorization', `Bearer ${init.key ?? KEY}`);
  if (init.body) headers.set('content-type', 'application/x-www-form-urlencoded');
  const res = await fetch(`${standIn.apiBase}${path}`, { ...init, headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { error?: Record<string, unknown> } & Record<string, unknown> };
}

async function pay(url: string, fields: Record<string, string>) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields), redirect: 'manual' });
}

describe('the Stripe stand-in API', () => {
  it('creates a hosted subscription Checkout Session shaped like Stripe\'s', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'subscription',
      status: 'open',
      payment_status: 'unpaid',
      customer: null,
      customer_email: 'ada@example.test',
      client_reference_id: 'user-ada',
      metadata: { plan: 'PRO' },
      amount_total: 2900,
      currency: 'usd',
      livemode: false,
    });
    expect(session.id).toMatch(/^cs_test_[A-Za-z0-9]+$/);
    expect(session.url).toBe(`${standIn.apiBase}/c/pay/${session.id}`);
    const again = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(again.line_items?.data.map((l) => [l.price?.id, l.quantity])).toEqual([[PRICES.PRO, 1]]);
  });

  it('refuses a wrong API key with 401 and masks it, and a missing one with 401', async () => {
    const wrong = 'sk_test_wrongKeyAbcdef1234';
    const res = await raw('/v1/checkout/sessions', { method: 'POST', body: 'mode=subscription', key: wrong });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_**************1234' } });
    expect(JSON.stringify(res.body)).not.toContain('wrongKey');
    const missing = await raw('/v1/checkout/sessions', { method: 'POST', body: 'mode=subscription', key: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('You did not provide an API key') });
    const client = createStripeClient({ secretKey: wrong, apiBase: standIn.apiBase, maxNetworkRetries: 0 });
    await expect(client.checkout.sessions.create(sessionParams())).rejects.toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
  });

  it('answers an unknown price with resource_missing naming the line item', async () => {
    const res = await raw('/v1/checkout/sessions', {
      method: 'POST',
      body: 'mode=subscription&success_url=http%3A%2F%2Fapp.test%2F&line_items[0][price]=price_nope&line_items[0][quantity]=1',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
        message: "No such price: 'price_nope'",
        param: 'line_items[0][price]',
      },
    });
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    await expect(stripe.checkout.sessions.create(sessionParams({ line_items: [{ price: 'price_nope', quantity: 1 }] }))).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      param: 'line_items[0][price]',
    });
  });

  it('refuses missing, unknown, conflicting and invalid parameters as Stripe does', async () => {
    const cases: [Stripe.Checkout.SessionCreateParams, Record<string, unknown>][] = [
      [sessionParams({ success_url: undefined }), { code: 'parameter_missing', param: 'success_url', message: 'Missing required param: success_url.' }],
      [{ ...sessionParams(), mode: undefined } as never, { code: 'parameter_missing', param: 'mode' }],
      [sessionParams({ line_items: undefined }), { code: 'parameter_missing', param: 'line_items' }],
      [sessionParams({ line_items: [{ price: PRICES.PRO }] }), { code: 'parameter_missing', param: 'line_items[0][quantity]' }],
      [{ ...sessionParams(), colour: 'red' } as never, { code: 'parameter_unknown', param: 'colour', message: 'Received unknown parameter: colour' }],
      [sessionParams({ subscription_data: { metadata: { plan: 'PRO' }, colour: 'red' } as never }), { code: 'parameter_unknown', param: 'subscription_data[colour]' }],
      [sessionParams({ mode: 'bogus' as never }), { param: 'mode', message: 'Invalid mode: must be one of payment, setup, or subscription' }],
      [sessionParams({ customer: 'cus_x' }), { message: 'You may only specify one of these parameters: customer, customer_email.' }],
      [sessionParams({ customer_email: undefined, customer: 'cus_nobody' }), { code: 'resource_missing', param: 'customer', message: "No such customer: 'cus_nobody'" }],
      [sessionParams({ success_url: 'not a url' }), { param: 'success_url' }],
      [sessionParams({ metadata: { ['k'.repeat(41)]: 'v' } }), { param: 'metadata' }],
    ];
    for (const [params, expected] of cases) {
      const error = await stripe.checkout.sessions.create(params).then(
        () => null,
        (e: Stripe.errors.StripeError) => e,
      );
      expect(error, JSON.stringify(expected)).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error?.statusCode).toBe(400);
      expect({ code: error?.code, param: error?.param, message: error?.message }, JSON.stringify(expected)).toMatchObject(expected);
    }
  });

  it('answers an unknown session with 404 resource_missing and an unknown URL with 404', async () => {
    await expect(stripe.checkout.sessions.retrieve('cs_test_nope')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such checkout.session: 'cs_test_nope'" });
    const res = await raw('/v1/charges/ch_1');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('Unrecognized request URL (GET: /v1/charges/ch_1)') });
  });

  it('replays the first answer for a repeated idempotency key and refuses the key with other parameters', async () => {
    const key = `key-${Date.now()}`;
    const first = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: key });
    const second = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: key });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    await expect(stripe.checkout.sessions.create(sessionParams({ metadata: { plan: 'ENTERPRISE' } }), { idempotencyKey: key })).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
      statusCode: 400,
      rawType: 'idempotency_error',
    });
    const sessions = standIn.snapshot().checkoutSessions.filter((s) => s.id === first.id);
    expect(sessions).toHaveLength(1);
  });

  it('saves no idempotent result for a request refused while its parameters were checked, but does for one that ran', async () => {
    const key = `key-${Date.now()}-v`;
    await expect(stripe.checkout.sessions.create(sessionParams({ success_url: undefined }), { idempotencyKey: key })).rejects.toMatchObject({ code: 'parameter_missing' });
    const ok = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: key });
    expect(ok.status).toBe('open');

    const ranKey = `key-${Date.now()}-r`;
    const missingPrice = sessionParams({ line_items: [{ price: 'price_gone', quantity: 1 }] });
    await expect(stripe.checkout.sessions.create(missingPrice, { idempotencyKey: ranKey })).rejects.toMatchObject({ code: 'resource_missing' });
    const replayed = await raw('/v1/checkout/sessions', {
      method: 'POST',
      headers: { 'idempotency-key': ranKey },
      body: 'mode=subscription&line_items[0][price]=price_gone&line_items[0][quantity]=1&success_url=http%3A%2F%2Fapp.test%2Fbilling%2Fdone%3Fsession_id%3D%7BCHECKOUT_SESSION_ID%7D&cancel_url=http%3A%2F%2Fapp.test%2Fplans&customer_email=ada%40example.test&client_reference_id=user-ada&metadata[plan]=PRO&subscription_data[metadata][plan]=PRO',
    });
    expect(replayed.status).toBe(400);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('the hosted Checkout page', () => {
  it('shows the plan, price and locked email, escaping what it did not write itself', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams({ cancel_url: 'http://app.test/plans?x="><script>alert(1)</script>' }));
    const html = await (await fetch(session.url!)).text();
    expect(html).toContain('TEST MODE');
    expect(html).toContain('wikiplatform PRO');
    expect(html).toContain('$29.00 / month');
    expect(html).toMatch(/name="email" type="email" value="ada@example.test" readonly/);
    expect(html).toContain('name="name"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('pays: customer and active subscription created, session complete, signed events sent, redirect to success_url', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const res = await pay(session.url!, { name: '<b>Ada</b>', email: 'ignored@example.test' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`http://app.test/billing/done?session_id=${session.id}`);

    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', url: null, customer_details: { email: 'ada@example.test', name: '<b>Ada</b>' } });
    expect(done.customer).toMatch(/^cus_/);
    const subscription = await stripe.subscriptions.retrieve(done.subscription as string);
    expect(subscription).toMatchObject({ object: 'subscription', status: 'active', customer: done.customer, metadata: { plan: 'PRO' } });
    expect(subscription.items.data.map((i) => i.price.id)).toEqual([PRICES.PRO]);

    await standIn.webhooksSettled();
    const events = receiver.events();
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.subscription.created', 'checkout.session.completed']);
    for (const event of events) expect(event.id).toMatch(/^evt_/);
    const completed = events[2]!.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({ id: session.id, mode: 'subscription', payment_status: 'paid', customer: done.customer, metadata: { plan: 'PRO' } });

    // The hosted page shows a completed session as complete; paying again changes nothing.
    expect((await pay(session.url!, { name: 'Twice' })).status).toBe(200);
    expect(standIn.snapshot().subscriptions.filter((s) => s.customer === done.customer)).toHaveLength(1);
  });

  it('signs every webhook so that constructEvent accepts it with the secret and refuses it with any other', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await pay(session.url!, { name: 'Ada' });
    await standIn.webhooksSettled();
    const [first] = receiver.received;
    expect(first?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(() => Stripe.webhooks.constructEvent(first!.body, first!.signature, WEBHOOK_SECRET)).not.toThrow();
    expect(() => Stripe.webhooks.constructEvent(first!.body, first!.signature, 'whsec_other')).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => Stripe.webhooks.constructEvent(first!.body.replace('"livemode":false', '"livemode":true'), first!.signature, WEBHOOK_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it('asks again for a missing name or an invalid typed email, with a 400 page', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams({ customer_email: undefined }));
    const noName = await pay(session.url!, { email: 'x@example.test', name: ' ' });
    expect(noName.status).toBe(400);
    expect(await noName.text()).toContain('Enter the name on the card');
    const badEmail = await pay(session.url!, { email: 'not-an-email', name: 'Ada' });
    expect(badEmail.status).toBe(400);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });

  it('retries a failed delivery with growing delays until the endpoint takes it', async () => {
    receiver.failures.set('customer.created', 2);
    const session = await stripe.checkout.sessions.create(sessionParams());
    await pay(session.url!, { name: 'Ada' });
    await standIn.webhooksSettled();
    const first = standIn.deliveries.filter((d) => d.type === 'customer.created').at(-1)!;
    const attempts = standIn.deliveries.filter((d) => d.eventId === first.eventId);
    expect(attempts.map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(25);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(55);
    // Every event arrived in the end, each signed afresh.
    expect(new Set(receiver.events().map((e) => e.type))).toEqual(new Set(['customer.created', 'customer.subscription.created', 'checkout.session.completed']));
  });
});

describe('subscriptions and the customer portal', () => {
  async function subscribed() {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await pay(session.url!, { name: 'Ada' });
    const done = await stripe.checkout.sessions.retrieve(session.id);
    await standIn.webhooksSettled();
    receiver.received = [];
    return { customer: done.customer as string, subscription: await stripe.subscriptions.retrieve(done.subscription as string) };
  }

  it('lists a customer\'s subscriptions and changes an item\'s price and the metadata in one update event', async () => {
    const { customer, subscription } = await subscribed();
    const listed = await stripe.subscriptions.list({ customer });
    expect(listed.data.map((s) => s.id)).toEqual([subscription.id]);
    const item = subscription.items.data[0]!;
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: PRICES.ENTERPRISE }],
      metadata: { plan: 'ENTERPRISE' },
      proration_behavior: 'create_prorations',
    });
    expect(updated.items.data.map((i) => [i.id, i.price.id])).toEqual([[item.id, PRICES.ENTERPRISE]]);
    expect(updated.metadata).toEqual({ plan: 'ENTERPRISE' });
    await standIn.webhooksSettled();
    const [event] = receiver.events();
    expect(event?.type).toBe('customer.subscription.updated');
    expect((event?.data.object as Stripe.Subscription).metadata.plan).toBe('ENTERPRISE');
    expect(event?.data.previous_attributes).toMatchObject({ metadata: { plan: 'PRO' } });

    await expect(stripe.subscriptions.update(subscription.id, { items: [{ id: item.id, price: 'price_gone' }] })).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'items[0][price]',
    });
    await expect(stripe.subscriptions.update(subscription.id, { items: [{ id: 'si_nope', price: PRICES.PRO }] })).rejects.toMatchObject({ param: 'items[0][id]' });
    await expect(stripe.subscriptions.update(subscription.id, { payment_behavior: 'error_if_incomplete' })).rejects.toMatchObject({
      message: expect.stringContaining('does not implement the parameter payment_behavior=error_if_incomplete'),
    });
  });

  it('makes a declining test card the customer\'s default only once attached, as Stripe requires', async () => {
    const { customer } = await subscribed();
    await expect(stripe.paymentMethods.attach('pm_card_nonsense', { customer })).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const card = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer });
    expect(card).toMatchObject({ object: 'payment_method', type: 'card', customer, card: { last4: '0341' } });
    expect(card.id).toMatch(/^pm_1/);
    const other = await subscribed();
    await expect(stripe.customers.update(other.customer, { invoice_settings: { default_payment_method: card.id } })).rejects.toMatchObject({
      statusCode: 400,
      param: 'invoice_settings[default_payment_method]',
    });
    const updated = await stripe.customers.update(customer, { invoice_settings: { default_payment_method: card.id } });
    expect(updated.invoice_settings.default_payment_method).toBe(card.id);
  });

  it('applies an invoiced upgrade only once paid with payment_behavior=pending_if_incomplete, and refuses metadata with it', async () => {
    const { customer, subscription } = await subscribed();
    const item = subscription.items.data[0]!;
    const upgrade: Stripe.SubscriptionUpdateParams = { items: [{ id: item.id, price: PRICES.ENTERPRISE }], proration_behavior: 'always_invoice', payment_behavior: 'pending_if_incomplete' };
    // Pending updates take only the attributes that drive invoicing (Stripe's pending updates reference).
    await expect(stripe.subscriptions.update(subscription.id, { ...upgrade, metadata: { plan: 'ENTERPRISE' } })).rejects.toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      param: 'metadata',
      message: expect.stringContaining('payment_behavior=pending_if_incomplete'),
    });
    await expect(stripe.subscriptions.update(subscription.id, { ...upgrade, items: [{ id: item.id, price: PRICES.ENTERPRISE, metadata: { a: 'b' } }] })).rejects.toMatchObject({
      param: 'items[0][metadata]',
    });

    // The card declines: nothing changes but pending_update, and the update event says only that.
    const declining = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer });
    await stripe.customers.update(customer, { invoice_settings: { default_payment_method: declining.id } });
    const pending = await stripe.subscriptions.update(subscription.id, upgrade);
    expect(pending.status).toBe('active');
    expect(pending.items.data.map((i) => i.price.id)).toEqual([item.price.id]);
    expect(pending.metadata).toEqual(subscription.metadata);
    expect(pending.pending_update?.subscription_items?.map((i) => i.price.id)).toEqual([PRICES.ENTERPRISE]);
    expect(pending.pending_update?.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000) + 22 * 3600);
    await standIn.webhooksSettled();
    const [event] = receiver.events();
    expect(event?.type).toBe('customer.subscription.updated');
    expect((event?.data.object as Stripe.Subscription).items.data.map((i) => i.price.id)).toEqual([item.price.id]);
    expect(event?.data.previous_attributes).toEqual({ pending_update: null });

    // A good card: the upgrade is paid and applied, and the pending update cleared.
    const good = await stripe.paymentMethods.attach('pm_card_visa', { customer });
    await stripe.customers.update(customer, { invoice_settings: { default_payment_method: good.id } });
    const applied = await stripe.subscriptions.update(subscription.id, upgrade);
    expect(applied).toMatchObject({ status: 'active', pending_update: null });
    expect(applied.items.data.map((i) => i.price.id)).toEqual([PRICES.ENTERPRISE]);
  });

  it('applies an invoiced upgrade whose payment fails and leaves the subscription past_due by default (allow_incomplete)', async () => {
    const { customer, subscription } = await subscribed();
    const declining = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer });
    await stripe.customers.update(customer, { invoice_settings: { default_payment_method: declining.id } });
    const item = subscription.items.data[0]!;
    const updated = await stripe.subscriptions.update(subscription.id, { items: [{ id: item.id, price: PRICES.ENTERPRISE }], proration_behavior: 'always_invoice' });
    expect(updated).toMatchObject({ status: 'past_due' });
    expect(updated.items.data.map((i) => i.price.id)).toEqual([PRICES.ENTERPRISE]);
    // A downgrade owes nothing now: the declining card is not charged.
    const down = await stripe.subscriptions.update(subscription.id, { items: [{ id: item.id, price: PRICES.STARTER }], proration_behavior: 'always_invoice', payment_behavior: 'pending_if_incomplete' });
    expect(down.items.data.map((i) => i.price.id)).toEqual([PRICES.STARTER]);
    expect(down.pending_update).toBeNull();
    await standIn.webhooksSettled();
  });

  it('opens a portal page where the customer cancels, sending customer.subscription.deleted', async () => {
    const { customer, subscription } = await subscribed();
    const portal = await stripe.billingPortal.sessions.create({ customer, return_url: 'http://app.test/plans' });
    expect(portal).toMatchObject({ object: 'billing_portal.session', customer, return_url: 'http://app.test/plans' });
    expect(portal.id).toMatch(/^bps_/);
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain(`data-subscription="${subscription.id}" data-status="active"`);
    expect(html).toContain('href="http://app.test/plans"');

    const res = await fetch(`${portal.url}/cancel`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `subscription=${subscription.id}`, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
    expect((await stripe.subscriptions.list({ customer })).data).toEqual([]);
    expect((await stripe.subscriptions.list({ customer, status: 'canceled' })).data).toHaveLength(1);
    await standIn.webhooksSettled();
    expect(receiver.events().map((e) => [e.type, (e.data.object as Stripe.Subscription).status])).toEqual([['customer.subscription.deleted', 'canceled']]);
    await expect(stripe.subscriptions.update(subscription.id, { metadata: { plan: 'PRO' } })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('creates, lists and retrieves portal configurations, refuses plan switching it cannot offer, and opens sessions with one', async () => {
    const features: Stripe.BillingPortal.ConfigurationCreateParams.Features = {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true, mode: 'immediately' },
      subscription_update: { enabled: false },
    };
    const created = await stripe.billingPortal.configurations.create({ features, metadata: { owner: 'test' } });
    expect(created).toMatchObject({ object: 'billing_portal.configuration', active: true, is_default: false, metadata: { owner: 'test' } });
    expect(created.features.subscription_update.enabled).toBe(false);
    expect(created.id).toMatch(/^bpc_/);
    expect((await stripe.billingPortal.configurations.retrieve(created.id)).id).toBe(created.id);
    const listed = await stripe.billingPortal.configurations.list({ active: true });
    expect(listed.data.map((c) => c.id)).toEqual(expect.arrayContaining([created.id]));
    expect(listed.data.filter((c) => c.is_default)).toHaveLength(1);

    await expect(stripe.billingPortal.configurations.create({ features: { ...features, subscription_update: { enabled: true } } })).rejects.toMatchObject({
      param: 'features[subscription_update][enabled]=true',
    });
    await expect(stripe.billingPortal.configurations.retrieve('bpc_nope')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });

    const { customer } = await subscribed();
    expect(await stripe.billingPortal.sessions.create({ customer, configuration: created.id })).toMatchObject({ configuration: created.id });
    await expect(stripe.billingPortal.sessions.create({ customer, configuration: 'bpc_nope' })).rejects.toMatchObject({ param: 'configuration' });
  });

  it('refuses a portal session for an unknown customer and a cancel of another customer\'s subscription', async () => {
    await expect(stripe.billingPortal.sessions.create({ customer: 'cus_nobody' })).rejects.toMatchObject({ code: 'resource_missing', param: 'customer' });
    const a = await subscribed();
    const b = await subscribed();
    const portal = await stripe.billingPortal.sessions.create({ customer: a.customer });
    const res = await fetch(`${portal.url}/cancel`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `subscription=${b.subscription.id}` });
    expect(res.status).toBe(404);
    expect((await stripe.subscriptions.retrieve(b.subscription.id)).status).toBe('active');
  });
});

describe('persistence', () => {
  it('keeps customers, sessions and subscriptions across a restart when given a data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stripe-standin-'));
    const options = { port: 0, secretKey: KEY, prices: PRICES, dataDir, webhook: { url: receiver.url, secret: WEBHOOK_SECRET } };
    try {
      const first = await startStripe(options);
      const client = createStripeClient({ secretKey: KEY, apiBase: first.apiBase, maxNetworkRetries: 0 });
      const session = await client.checkout.sessions.create(sessionParams());
      await pay(session.url!, { name: 'Ada' });
      await first.webhooksSettled();
      await first.close();

      const second = await startStripe(options);
      const again = createStripeClient({ secretKey: KEY, apiBase: second.apiBase, maxNetworkRetries: 0 });
      const restored = await again.checkout.sessions.retrieve(session.id);
      expect(restored.status).toBe('complete');
      expect((await again.subscriptions.retrieve(restored.subscription as string)).status).toBe('active');
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
