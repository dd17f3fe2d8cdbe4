// The portal's Stripe webhook and provisioning outbox on real Postgres, with payloads signed by Stripe's
// own library (real HMAC). Keycloak's admin API cannot run here, so a fake identity provider stands in
// for the Provisioner and enforces the contract: users found or created by email, exactly one plan group.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAssertionVerifier } from '#shared/edge-assertion';
import type { Plan } from '#shared/plan-matrix';
import { openDatabase, runMigrations, type Database } from '../../origin/common/database.ts';
import { createMetrics } from '../../origin/common/metrics.ts';
import { MIGRATIONS } from '../../origin/migrations.ts';
import { createPortalApp } from '../../origin/portal/app.tsx';
import { processOutbox, type Provisioner } from '../../origin/portal/billing/outbox.ts';
import { auditLog, portalSchema, provisioningOutbox, stripeEvents, subscriptions, type PortalSchema } from '../../origin/portal/schema.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestEdge } from './helpers/edge-keys.ts';
import { captureLogger } from './helpers/instance-harness.ts';

const SECRET = `whsec_${randomBytes(16).toString('hex')}`;
const T0 = 1_780_000_000; // event `created` values: seconds, as Stripe sends them
const PRICES = { STARTER: 'price_starter_m', PRO: 'price_pro_m', ENTERPRISE: 'price_enterprise_m' } as const;

interface Harness {
  testDb: TestDatabase;
  database: Database<PortalSchema>;
  app: ReturnType<typeof createPortalApp>;
  logLines: string[];
  close(): Promise<void>;
}

async function harness(options: { secret?: string } = { secret: SECRET }): Promise<Harness> {
  const testDb = await createTestDatabase('portal_billing');
  await runMigrations(testDb.url, MIGRATIONS.portal);
  const database = openDatabase(testDb.url, portalSchema, { max: 6 });
  const edge = await createTestEdge();
  const logLines: string[] = [];
  const app = createPortalApp({
    database,
    logger: captureLogger(logLines),
    verify: createAssertionVerifier(edge.jwks),
    instances: [{ id: 'instance1', origin: 'http://127.0.0.1:1/', title: 'Wiki 1', maintenance: false }],
    planMatrix: { STARTER: ['instance1'], PRO: ['instance1'], ENTERPRISE: ['instance1'] },
    publicUrlPattern: 'http://{host}.wikiplatform.localhost:8787',
    metrics: createMetrics({ instance: 'portal' }),
    billing: { webhookSecret: options.secret, prices: PRICES },
  });
  const close = async () => {
    await database.close();
    await testDb.drop();
  };
  return { testDb, database, app, logLines, close };
}

let seq = 0;
const uid = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(3).toString('hex')}`;

/** Events shaped like Stripe's documented JSON (API version 2025+), trimmed to what matters. */
function stripeEvent(type: string, object: Record<string, unknown>, created: number, id = uid('evt')) {
  return { id, object: 'event', api_version: '2025-10-29.clover', created, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } };
}

function checkoutCompleted(customer: string, plan: string, created = T0, email = `${customer}@example.com`) {
  return stripeEvent(
    'checkout.session.completed',
    {
      id: uid('cs_test'),
      object: 'checkout.session',
      mode: 'subscription',
      status: 'complete',
      payment_status: 'paid',
      customer,
      customer_details: { email, name: 'Ada Lovelace', address: null, phone: null, tax_exempt: 'none', tax_ids: [] },
      subscription: `sub_${customer}`,
      metadata: { plan },
    },
    created,
  );
}

/** A subscription billing `plan`'s price; `metadataPlan` is what its metadata claims (the plan by default). */
function subscriptionEvent(type: string, customer: string, status: string, plan: Plan, created: number, metadataPlan: string = plan) {
  const item = { id: `si_${customer}`, object: 'subscription_item', price: { id: PRICES[plan], object: 'price' }, quantity: 1 };
  return stripeEvent(
    type,
    { id: `sub_${customer}`, object: 'subscription', customer, status, cancel_at_period_end: false, items: { object: 'list', data: [item] }, metadata: { plan: metadataPlan } },
    created,
  );
}

interface DeliverOptions {
  secret?: string;
  timestamp?: number;
  signature?: string | null;
  body?: string;
}

async function deliver(h: Harness, event: unknown, options: DeliverOptions = {}): Promise<Response> {
  const payload = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature =
    options.signature === undefined
      ? Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? SECRET, timestamp: options.timestamp })
      : options.signature;
  if (signature !== null) headers['stripe-signature'] = signature;
  return h.app.request('/webhooks/stripe', { method: 'POST', headers, body: options.body ?? payload });
}

async function rowsFor(h: Harness, customer: string) {
  const { db } = h.database;
  return {
    subscription: (await db.select().from(subscriptions).where(eq(subscriptions.customerId, customer)))[0],
    jobs: await db.select().from(provisioningOutbox).where(eq(provisioningOutbox.customerId, customer)).orderBy(provisioningOutbox.id),
    audit: await db.select().from(auditLog).where(eq(auditLog.subject, customer)).orderBy(auditLog.id),
  };
}

async function storedEvent(h: Harness, id: string) {
  return (await h.database.db.select().from(stripeEvents).where(eq(stripeEvents.id, id)))[0];
}

async function tableCounts(h: Harness) {
  const rows = await h.database.sql<{ events: number; subs: number; jobs: number; audit: number }[]>`
    select (select count(*)::int from stripe_events) as events, (select count(*)::int from subscriptions) as subs,
           (select count(*)::int from provisioning_outbox) as jobs, (select count(*)::int from audit_log) as audit`;
  return rows[0]!;
}

/** Keycloak's documented behaviour, in memory: users keyed by email, group membership as a set. */
class FakeIdentityProvider implements Provisioner {
  users = new Map<string, { name: string | null; groups: Set<Plan> }>();
  welcomeEmails: string[] = [];
  calls: string[] = [];
  failuresLeft = 0;
  delayMs = 0;

  async grant(input: { email: string; name: string | null; plan: Plan; customerId: string }) {
    this.calls.push(`grant ${input.customerId} ${input.plan}`);
    await this.pause();
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('Keycloak admin API answered 503');
    }
    let user = this.users.get(input.email);
    if (!user) {
      user = { name: input.name, groups: new Set() };
      this.users.set(input.email, user);
      this.welcomeEmails.push(input.email);
    }
    user.groups = new Set([input.plan]);
  }

  async revoke(input: { email: string; customerId: string }) {
    this.calls.push(`revoke ${input.customerId}`);
    await this.pause();
    this.users.get(input.email)?.groups.clear();
  }

  private pause() {
    return this.delayMs ? new Promise((r) => setTimeout(r, this.delayMs)) : Promise.resolve();
  }
}

describe('POST /webhooks/stripe', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());

  it('stores a verified checkout, records the subscription and enqueues one grant job, without an edge assertion', async () => {
    const customer = uid('cus');
    const event = checkoutCompleted(customer, 'PRO');
    const res = await deliver(h, event);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });

    expect(await storedEvent(h, event.id)).toMatchObject({ type: 'checkout.session.completed', outcome: 'applied', payload: event });
    const { subscription, jobs, audit } = await rowsFor(h, customer);
    expect(subscription).toMatchObject({ email: `${customer}@example.com`, name: 'Ada Lovelace', plan: 'PRO', status: 'active', lastEventCreated: T0, lastEventId: event.id });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ eventId: event.id, attempts: 0, doneAt: null, intent: { action: 'grant', plan: 'PRO', email: `${customer}@example.com` } });
    expect(audit.map((a) => a.action)).toEqual(['billing.subscription_changed']);
  });

  it('stores an event delivered twice once and enqueues one job', async () => {
    const customer = uid('cus');
    const event = checkoutCompleted(customer, 'STARTER');
    expect((await deliver(h, event)).status).toBe(200);
    const second = await deliver(h, event);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ received: true });
    const { jobs, audit } = await rowsFor(h, customer);
    expect(jobs).toHaveLength(1);
    expect(audit).toHaveLength(1);
    const rows = await h.database.sql<{ n: number }[]>`select count(*)::int as n from stripe_events where id = ${event.id}`;
    expect(rows[0]?.n).toBe(1);
  });

  it('stores an event delivered twice at the same moment once', async () => {
    const customer = uid('cus');
    const event = checkoutCompleted(customer, 'PRO');
    const answers = await Promise.all([deliver(h, event), deliver(h, event), deliver(h, event)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await rowsFor(h, customer)).jobs).toHaveLength(1);
  });

  it('refuses a bad signature, a missing or garbled header, a stale timestamp and a tampered body with 400 and writes nothing', async () => {
    const before = await tableCounts(h);
    const event = checkoutCompleted(uid('cus'), 'PRO');
    const payload = JSON.stringify(event);
    const cases: [string, DeliverOptions][] = [
      ['wrong secret', { secret: `whsec_${randomBytes(16).toString('hex')}` }],
      ['missing header', { signature: null }],
      ['garbled header', { signature: 'not-a-signature' }],
      ['stale timestamp', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
      ['tampered body', { signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }), body: payload.replace('"PRO"', '"ENTERPRISE"') }],
    ];
    for (const [name, options] of cases) {
      const res = await deliver(h, event, options);
      expect(res.status, name).toBe(400);
      const body = await res.json();
      expect(body.error.code, name).toBe('invalid_signature');
      expect(body.error.requestId, name).toEqual(expect.any(String));
      expect(body.error.message, name).toEqual(expect.any(String));
    }
    expect(await tableCounts(h)).toEqual(before);
  });

  it('answers every client mistake with a 4xx, never a 500', async () => {
    const signed = (body: string) => ({ body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) });
    const cases: [string, DeliverOptions][] = [
      ['empty body', { body: '', signature: 't=1,v1=00' }],
      ['signed non-JSON body', signed('{"id": ')],
      ['signed JSON that is not an event', signed('{"hello":"world"}')],
      ['signed event with an absurd created', signed(JSON.stringify({ ...checkoutCompleted(uid('cus'), 'PRO'), created: 1e20 }))],
      ['signed v2 thin event', signed(JSON.stringify({ id: uid('evt'), object: 'v2.core.event', type: 'x', created: T0, data: { object: {} } }))],
      ['array header', { signature: 't=1,v1=00, t=2,v1=11' }],
    ];
    for (const [name, options] of cases) {
      const res = await deliver(h, {}, options);
      expect(res.status, name).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
    }
    expect((await h.app.request('/webhooks/stripe')).status).toBeLessThan(500);
  });

  it('refuses a body over 1 MB with 413 before verifying anything', async () => {
    const before = await tableCounts(h);
    const big = JSON.stringify({ ...checkoutCompleted(uid('cus'), 'PRO'), padding: 'x'.repeat(1024 * 1024) });
    const res = await deliver(h, {}, { body: big, signature: Stripe.webhooks.generateTestHeaderString({ payload: big, secret: SECRET }) });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    expect(await tableCounts(h)).toEqual(before);
  });

  it('leaves the state unchanged when an older subscription event arrives after a newer one', async () => {
    const customer = uid('cus');
    await deliver(h, checkoutCompleted(customer, 'PRO', T0));
    const newer = subscriptionEvent('customer.subscription.updated', customer, 'active', 'ENTERPRISE', T0 + 100);
    const older = subscriptionEvent('customer.subscription.updated', customer, 'active', 'STARTER', T0 + 50);
    expect((await deliver(h, newer)).status).toBe(200);
    expect((await deliver(h, older)).status).toBe(200);
    const { subscription, jobs, audit } = await rowsFor(h, customer);
    expect(subscription).toMatchObject({ plan: 'ENTERPRISE', lastEventCreated: T0 + 100, lastEventId: newer.id });
    expect(jobs.map((j) => j.intent)).toMatchObject([{ action: 'grant', plan: 'PRO' }, { action: 'grant', plan: 'ENTERPRISE' }]);
    expect((await storedEvent(h, older.id))?.outcome).toBe('stale');
    expect(audit.at(-1)?.action).toBe('billing.event_stale');
  });

  it('enqueues a revoke when the subscription is canceled, and nothing more when the deletion follows', async () => {
    const customer = uid('cus');
    await deliver(h, checkoutCompleted(customer, 'PRO', T0));
    await deliver(h, subscriptionEvent('customer.subscription.updated', customer, 'canceled', 'PRO', T0 + 10));
    await deliver(h, subscriptionEvent('customer.subscription.deleted', customer, 'canceled', 'PRO', T0 + 11));
    const { subscription, jobs } = await rowsFor(h, customer);
    expect(subscription).toMatchObject({ plan: null, status: 'canceled' });
    expect(jobs.map((j) => j.intent.action)).toEqual(['grant', 'revoke']);
  });

  it('keeps the plan while a payment is past due', async () => {
    const customer = uid('cus');
    await deliver(h, checkoutCompleted(customer, 'PRO', T0));
    await deliver(h, subscriptionEvent('customer.subscription.updated', customer, 'past_due', 'PRO', T0 + 10));
    const { subscription, jobs } = await rowsFor(h, customer);
    expect(subscription).toMatchObject({ plan: 'PRO', status: 'past_due' });
    expect(jobs).toHaveLength(1);
  });

  it('waits for the checkout when the subscription event comes first, then enqueues one grant', async () => {
    const customer = uid('cus');
    await deliver(h, subscriptionEvent('customer.subscription.created', customer, 'active', 'PRO', T0));
    expect((await rowsFor(h, customer)).jobs).toHaveLength(0);
    await deliver(h, checkoutCompleted(customer, 'PRO', T0));
    const { subscription, jobs } = await rowsFor(h, customer);
    expect(subscription).toMatchObject({ plan: 'PRO', email: `${customer}@example.com` });
    expect(jobs.map((j) => j.intent)).toMatchObject([{ action: 'grant', plan: 'PRO' }]);
  });

  it('grants the plan a subscription\'s price pays for, not the better one its metadata names, and records the disagreement', async () => {
    const customer = uid('cus');
    await deliver(h, checkoutCompleted(customer, 'STARTER', T0));
    const event = subscriptionEvent('customer.subscription.updated', customer, 'active', 'STARTER', T0 + 10, 'ENTERPRISE');
    expect((await deliver(h, event)).status).toBe(200);
    const { subscription, jobs, audit } = await rowsFor(h, customer);
    expect(subscription).toMatchObject({ plan: 'STARTER', lastEventId: event.id });
    expect(jobs.map((j) => j.intent)).toMatchObject([{ action: 'grant', plan: 'STARTER' }]);
    expect(audit.at(-1)).toMatchObject({ action: 'billing.subscription_changed', details: { eventId: event.id, plan: 'STARTER', metadataPlanIgnored: 'ENTERPRISE' } });
  });

  it('stores an unknown event type and answers 200 without a job', async () => {
    const event = stripeEvent('invoice.paid', { id: uid('in'), object: 'invoice', customer: uid('cus') }, T0);
    const before = await tableCounts(h);
    expect((await deliver(h, event)).status).toBe(200);
    expect(await storedEvent(h, event.id)).toMatchObject({ type: 'invoice.paid', outcome: 'ignored' });
    const after = await tableCounts(h);
    expect(after).toEqual({ ...before, events: before.events + 1 });
  });

  it('records an unknown plan as a rejected event in the audit log, answers 200 and provisions nothing', async () => {
    const customer = uid('cus');
    const event = checkoutCompleted(customer, 'GOLD');
    expect((await deliver(h, event)).status).toBe(200);
    expect((await storedEvent(h, event.id))?.outcome).toBe('rejected');
    const { subscription, jobs, audit } = await rowsFor(h, customer);
    expect(subscription).toBeUndefined();
    expect(jobs).toHaveLength(0);
    expect(audit).toMatchObject([{ actor: 'stripe-webhook', action: 'billing.event_rejected', details: { eventId: event.id, reason: 'unknown_plan' } }]);
  });

  it('never logs the secret, the signature header or the payload', async () => {
    const customer = uid('cus');
    const event = checkoutCompleted(customer, 'PRO');
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    await deliver(h, event, { signature });
    await deliver(h, event, { signature: signature.replace(/v1=./, 'v1=0') });
    const logs = h.logLines.join('\n');
    expect(logs).toContain('stripe event recorded');
    expect(logs).toContain('stripe webhook refused');
    for (const secretish of [SECRET, signature.split('v1=')[1], `${customer}@example.com`]) expect(logs).not.toContain(secretish);
  });
});

describe('POST /webhooks/stripe without STRIPE_WEBHOOK_SECRET', () => {
  it('answers 503 billing_not_configured and writes nothing', async () => {
    const h = await harness({});
    try {
      const res = await deliver(h, checkoutCompleted(uid('cus'), 'PRO'));
      expect(res.status).toBe(503);
      expect((await res.json()).error).toMatchObject({ code: 'billing_not_configured', message: expect.stringContaining('STRIPE_WEBHOOK_SECRET') });
      expect(await tableCounts(h)).toEqual({ events: 0, subs: 0, jobs: 0, audit: 0 });
    } finally {
      await h.close();
    }
  });
});

describe('processOutbox', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());
  // Each test starts from an empty outbox: processOutbox takes every due job in the database.
  beforeEach(async () => {
    await h.database.sql`truncate provisioning_outbox`;
  });

  it('applies one customer\'s jobs in order: created with one welcome email, upgraded, then canceled', async () => {
    const customer = uid('cus');
    await deliver(h, checkoutCompleted(customer, 'PRO', T0));
    await deliver(h, subscriptionEvent('customer.subscription.updated', customer, 'active', 'ENTERPRISE', T0 + 10));
    await deliver(h, subscriptionEvent('customer.subscription.deleted', customer, 'canceled', 'ENTERPRISE', T0 + 20));
    const idp = new FakeIdentityProvider();
    expect(await processOutbox({ db: h.database.db, provisioner: idp })).toEqual({ applied: 3, failed: 0 });
    expect(idp.calls).toEqual([`grant ${customer} PRO`, `grant ${customer} ENTERPRISE`, `revoke ${customer}`]);
    expect(idp.welcomeEmails).toEqual([`${customer}@example.com`]);
    expect([...(idp.users.get(`${customer}@example.com`)?.groups ?? [])]).toEqual([]);
    const { jobs, audit } = await rowsFor(h, customer);
    expect(jobs.every((j) => j.doneAt !== null && j.attempts === 1)).toBe(true);
    expect(audit.filter((a) => a.actor === 'provisioning-outbox').map((a) => a.action)).toEqual([
      'provisioning.granted',
      'provisioning.granted',
      'provisioning.revoked',
    ]);
    expect(await processOutbox({ db: h.database.db, provisioner: idp })).toEqual({ applied: 0, failed: 0 });
  });

  it('retries a failing job later with exponential backoff, records the error, and holds the customer\'s later jobs', async () => {
    const customer = uid('cus');
    await deliver(h, checkoutCompleted(customer, 'PRO', T0));
    await deliver(h, subscriptionEvent('customer.subscription.updated', customer, 'active', 'STARTER', T0 + 10));
    const idp = new FakeIdentityProvider();
    idp.failuresLeft = 2;
    const backoff = { baseMs: 30_000, capMs: 3_600_000 };
    const t0 = new Date(Date.now() + 1000);
    const at = (ms: number) => () => new Date(t0.getTime() + ms);
    const run = (ms: number) => processOutbox({ db: h.database.db, provisioner: idp, now: at(ms), backoff });

    expect(await run(0)).toEqual({ applied: 0, failed: 1 });
    let { jobs } = await rowsFor(h, customer);
    expect(jobs[0]).toMatchObject({ attempts: 1, doneAt: null, lastError: 'Error: Keycloak admin API answered 503' });
    expect(jobs[0]?.nextAttemptAt.getTime()).toBe(t0.getTime() + 30_000);
    expect(jobs[1]).toMatchObject({ attempts: 0, doneAt: null });

    expect(await run(10_000)).toEqual({ applied: 0, failed: 0 }); // not due yet, and the STARTER job waits its turn
    expect(await run(30_000)).toEqual({ applied: 0, failed: 1 });
    ({ jobs } = await rowsFor(h, customer));
    expect(jobs[0]).toMatchObject({ attempts: 2 });
    expect(jobs[0]?.nextAttemptAt.getTime()).toBe(t0.getTime() + 30_000 + 60_000);

    expect(await run(90_000)).toEqual({ applied: 2, failed: 0 });
    ({ jobs } = await rowsFor(h, customer));
    expect(jobs[0]).toMatchObject({ attempts: 3, lastError: null });
    expect(jobs.every((j) => j.doneAt !== null)).toBe(true);
    expect(idp.calls).toEqual([`grant ${customer} PRO`, `grant ${customer} PRO`, `grant ${customer} PRO`, `grant ${customer} STARTER`]);
    expect([...(idp.users.get(`${customer}@example.com`)?.groups ?? [])]).toEqual(['STARTER']);
    const failures = (await rowsFor(h, customer)).audit.filter((a) => a.action === 'provisioning.failed');
    expect(failures.map((a) => a.details)).toMatchObject([
      { attempts: 1, error: 'Error: Keycloak admin API answered 503' },
      { attempts: 2, error: 'Error: Keycloak admin API answered 503' },
    ]);
  });

  it('shows waiting and failing jobs on /metrics, reports each failure to onFailure, and stops taking jobs when asked', async () => {
    const gauge = async (name: string) => {
      const text = await (await h.app.request('/metrics')).text();
      return Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    };
    const customer = uid('cus');
    await deliver(h, checkoutCompleted(customer, 'PRO', T0));
    await deliver(h, checkoutCompleted(uid('cus'), 'STARTER', T0));
    expect(await gauge('wikiplatform_provisioning_jobs_pending')).toBe(2);
    expect(await gauge('wikiplatform_provisioning_max_attempts')).toBe(0);
    expect(await gauge('wikiplatform_provisioning_oldest_pending_seconds')).toBeGreaterThanOrEqual(0);

    const idp = new FakeIdentityProvider();
    idp.failuresLeft = 1;
    const failures: unknown[] = [];
    // Asked to stop after the first job: the second stays for the next pass.
    let taken = 0;
    const run = await processOutbox({ db: h.database.db, provisioner: idp, onFailure: (f) => failures.push(f), shouldStop: () => ++taken > 1 });
    expect(run).toEqual({ applied: 0, failed: 1 });
    expect(failures).toMatchObject([{ customerId: customer, attempts: 1, error: { message: 'Keycloak admin API answered 503' } }]);
    expect(await gauge('wikiplatform_provisioning_jobs_pending')).toBe(2);
    expect(await gauge('wikiplatform_provisioning_max_attempts')).toBe(1);
  });

  it('never applies a job twice when two processors run at once (SKIP LOCKED), and keeps each customer in order', async () => {
    const customers = Array.from({ length: 6 }, () => uid('cus'));
    for (const customer of customers) await deliver(h, checkoutCompleted(customer, 'PRO', T0));
    const first = customers[0]!;
    await deliver(h, subscriptionEvent('customer.subscription.updated', first, 'active', 'ENTERPRISE', T0 + 10));
    await deliver(h, subscriptionEvent('customer.subscription.updated', first, 'canceled', 'ENTERPRISE', T0 + 20));
    const counted = await h.database.sql<{ total: number }[]>`select count(*)::int as total from provisioning_outbox`;
    expect(counted[0]?.total).toBe(8);

    const idp = new FakeIdentityProvider();
    idp.delayMs = 40;
    const runs = await Promise.all([
      processOutbox({ db: h.database.db, provisioner: idp, batch: 10 }),
      processOutbox({ db: h.database.db, provisioner: idp, batch: 10 }),
    ]);
    // Both processors did some of the work; together exactly all of it, each job once.
    expect(runs.every((r) => r.applied > 0)).toBe(true);
    let applied = runs.reduce((sum, r) => sum + r.applied, 0);
    // A processor that found only the held-back jobs of `first` stops early; drain what is left.
    applied += (await processOutbox({ db: h.database.db, provisioner: idp })).applied;
    expect(applied).toBe(8);
    expect(idp.calls).toHaveLength(8);
    expect(new Set(idp.calls.filter((c) => !c.includes(first))).size).toBe(5);
    expect(idp.calls.filter((c) => c.includes(first))).toEqual([`grant ${first} PRO`, `grant ${first} ENTERPRISE`, `revoke ${first}`]);
    const jobs = await h.database.db.select().from(provisioningOutbox);
    expect(jobs.map((j) => [j.attempts, j.doneAt !== null])).toEqual(Array(8).fill([1, true]));
  });
});
