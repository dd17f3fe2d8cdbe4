// The provisioner the portal runs, on real parts: the outbox in Postgres, Keycloak's admin API as the
// local IdP serves it (through the official admin client), and Mailgun's API as its stand-in serves it.
// What matters is what a retried or repeated job does: nothing twice.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssertionVerifier } from '#shared/edge-assertion';
import type { Plan } from '#shared/plan-matrix';
import { openDatabase, runMigrations, type Database } from '../../origin/common/database.ts';
import { createMetrics } from '../../origin/common/metrics.ts';
import { MIGRATIONS } from '../../origin/migrations.ts';
import { createPortalApp } from '../../origin/portal/app.tsx';
import { processOutbox } from '../../origin/portal/billing/outbox.ts';
import { KeycloakUserDirectory } from '../../origin/portal/provisioning/keycloak-directory.ts';
import { MailgunMailer } from '../../origin/portal/provisioning/mailgun-mailer.ts';
import { createProvisioner } from '../../origin/portal/provisioning/provisioner.ts';
import { auditLog, portalSchema, provisioningOutbox, subscriptions, welcomeEmails, type PortalSchema } from '../../origin/portal/schema.ts';
import { adminClient, EDGE, PORTAL, REALM, removeTempDirs, startTestIdp, tempDir, type TestIdp } from '../../local/idp/idp-test-kit.ts';
import { startMailgun, type MailgunHandle } from '../../local/mailgun/mailgun-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestEdge } from './helpers/edge-keys.ts';
import { captureLogger } from './helpers/instance-harness.ts';

const MAIL_DOMAIN = 'mg.wikiplatform.localhost';
const MAIL_KEY = 'mailgun-key-for-tests';
const PATTERN = 'http://{host}.wikiplatform.localhost:8787';
const INSTANCES = [
  { id: 'instance1', origin: 'http://127.0.0.1:1/', title: 'Handbook', maintenance: false },
  { id: 'instance2', origin: 'http://127.0.0.1:1/', title: 'Research', maintenance: false },
  { id: 'instance3', origin: 'http://127.0.0.1:1/', title: 'Board', maintenance: false },
];
const MATRIX = { STARTER: ['instance1'], PRO: ['instance1', 'instance2'], ENTERPRISE: ['instance1', 'instance2', 'instance3'] };

let testDb: TestDatabase;
let database: Database<PortalSchema>;
let idp: TestIdp;
let mailgun: MailgunHandle;
let portal: ReturnType<typeof createPortalApp>;
const WEBHOOK_SECRET = `whsec_${randomBytes(16).toString('hex')}`;
const PRICES = { STARTER: 'price_starter_m', PRO: 'price_pro_m', ENTERPRISE: 'price_enterprise_m' } as const;

beforeAll(async () => {
  testDb = await createTestDatabase('portal_provisioning');
  await runMigrations(testDb.url, MIGRATIONS.portal);
  database = openDatabase(testDb.url, portalSchema, { max: 4 });
  idp = await startTestIdp();
  mailgun = await startMailgun({ port: 0, apiKey: MAIL_KEY, domain: MAIL_DOMAIN, dataDir: await tempDir() });
  const edge = await createTestEdge();
  portal = createPortalApp({
    database,
    logger: captureLogger([]),
    verify: createAssertionVerifier(edge.jwks),
    instances: INSTANCES,
    planMatrix: MATRIX,
    publicUrlPattern: PATTERN,
    metrics: createMetrics({ instance: 'portal' }),
    billing: { webhookSecret: WEBHOOK_SECRET, prices: PRICES },
  });
});
afterAll(async () => {
  await mailgun?.close();
  await idp?.close();
  await database?.close();
  await testDb?.drop();
  await removeTempDirs();
});

function provisioner(options: { mailKey?: string } = {}) {
  return createProvisioner({
    db: database.db,
    directory: new KeycloakUserDirectory({ baseUrl: idp.idp.rootUrl, realmName: REALM, ...PORTAL }),
    mailer: new MailgunMailer({ apiKey: options.mailKey ?? MAIL_KEY, domain: MAIL_DOMAIN, baseUrl: mailgun.baseUrl, from: `wikiplatform <welcome@${MAIL_DOMAIN}>` }),
    instances: INSTANCES,
    planMatrix: MATRIX,
    publicUrlPattern: PATTERN,
    setPasswordClientId: EDGE.clientId,
  });
}

const welcomesTo = async (email: string) => (await mailgun.messages()).filter((m) => m.to.includes(email));
const setPasswordEmailsTo = (email: string) => idp.emails.filter((m) => m.to === email);

async function planGroupsOf(email: string): Promise<string[]> {
  const kc = await adminClient(idp.idp);
  const [user] = await kc.users.find({ email, exact: true });
  return user ? (await kc.users.listGroups({ id: user.id! })).map((g) => g.path!).sort() : [];
}

/** A Stripe event signed as Stripe signs it, delivered to the portal's webhook. */
async function deliver(type: string, object: Record<string, unknown>, created: number): Promise<void> {
  const event = { id: `evt_${randomBytes(8).toString('hex')}`, object: 'event', api_version: '2025-10-29.clover', created, livemode: false, type, data: { object } };
  const payload = JSON.stringify(event);
  const res = await portal.request('/webhooks/stripe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
    body: payload,
  });
  expect(res.status).toBe(200);
}

const checkoutCompleted = (customer: string, email: string, plan: Plan) => ({
  id: `cs_test_${randomBytes(8).toString('hex')}`,
  object: 'checkout.session',
  mode: 'subscription',
  status: 'complete',
  payment_status: 'paid',
  customer,
  customer_details: { email, name: null },
  subscription: `sub_${customer}`,
  metadata: { plan },
});

const subscriptionDeleted = (customer: string, plan: Plan) => ({
  id: `sub_${customer}`,
  object: 'subscription',
  customer,
  status: 'canceled',
  items: { object: 'list', data: [{ id: `si_${customer}`, object: 'subscription_item', price: { id: PRICES[plan], object: 'price' } }] },
  metadata: { plan },
});

async function enqueue(customerId: string, intent: { action: 'grant'; plan: Plan; email: string; name: string | null } | { action: 'revoke'; email: string }) {
  await database.db.insert(provisioningOutbox).values({ customerId, eventId: `evt_${Math.random().toString(36).slice(2)}`, intent: { ...intent, customerId } as never });
}

describe('the provisioner over Keycloak admin and Mailgun', () => {
  it('creates the account with exactly the plan group, sends one set-password email and one welcome naming the plan\'s wikis', async () => {
    await provisioner().grant({ email: 'Ada@Example.test', name: 'Ada Lovelace', plan: 'PRO', customerId: 'cus_ada' });
    expect(await planGroupsOf('ada@example.test')).toEqual(['/PRO']);
    expect(setPasswordEmailsTo('ada@example.test')).toHaveLength(1);
    const [welcome] = await welcomesTo('Ada@Example.test');
    expect(welcome?.subject).toMatch(/welcome/i);
    expect(welcome?.text).toContain('http://instance2.wikiplatform.localhost:8787/');
    expect(welcome?.text).not.toContain('http://instance3.wikiplatform.localhost:8787/');
    const [row] = await database.db.select().from(welcomeEmails).where(eq(welcomeEmails.customerId, 'cus_ada'));
    expect(row).toMatchObject({ plan: 'PRO', messageId: expect.stringMatching(/^<.+@mg\.wikiplatform\.localhost>$/) });
  });

  it('applied again (a retried job), or for an upgrade, changes the group and sends nothing more', async () => {
    await provisioner().grant({ email: 'ada@example.test', name: 'Ada Lovelace', plan: 'PRO', customerId: 'cus_ada' });
    await provisioner().grant({ email: 'ada@example.test', name: null, plan: 'ENTERPRISE', customerId: 'cus_ada' });
    expect(await planGroupsOf('ada@example.test')).toEqual(['/ENTERPRISE']);
    expect(await welcomesTo('Ada@Example.test')).toHaveLength(1);
    expect(setPasswordEmailsTo('ada@example.test')).toHaveLength(1);
  });

  it('welcomes an existing account (a demo user buying a plan) without a set-password email, leaving the plan group it had', async () => {
    await provisioner().grant({ email: 'starter@demo.wikiplatform.localhost', name: null, plan: 'PRO', customerId: 'cus_demo' });
    // STARTER came with the realm, not from the portal: it stays, and the best plan (PRO) is what counts.
    expect(await planGroupsOf('starter@demo.wikiplatform.localhost')).toEqual(['/PRO', '/STARTER']);
    expect(setPasswordEmailsTo('starter@demo.wikiplatform.localhost')).toHaveLength(0);
    const [welcome] = await welcomesTo('starter@demo.wikiplatform.localhost');
    expect(welcome?.text).not.toMatch(/set (a|your) password/i);
  });

  it('attaches no plan and sends nothing to an account that has the email unverified and was not made by the portal, until the address is verified', async () => {
    // An account whose owner typed the buyer's address into their profile: Keycloak keeps it unverified.
    const kc = await adminClient(idp.idp);
    const { id } = await kc.users.create({ username: 'claimant', email: 'buyer-x@example.test', enabled: true, emailVerified: false });
    const grant = () => provisioner().grant({ email: 'buyer-x@example.test', name: null, plan: 'ENTERPRISE', customerId: 'cus_x' });
    await expect(grant()).rejects.toMatchObject({ code: 'idp_email_unverified', retryable: false, message: expect.stringContaining('mark it verified') });
    expect(await planGroupsOf('buyer-x@example.test')).toEqual([]);
    expect(await welcomesTo('buyer-x@example.test')).toHaveLength(0);
    expect(setPasswordEmailsTo('buyer-x@example.test')).toHaveLength(0);

    // An administrator checks the address belongs to that user and marks it verified: the retry grants.
    await kc.users.update({ id }, { emailVerified: true });
    await grant();
    expect(await planGroupsOf('buyer-x@example.test')).toEqual(['/ENTERPRISE']);
    expect(await welcomesTo('buyer-x@example.test')).toHaveLength(1);
  });

  it('revoking removes the plan group and leaves the account; revoking an unknown email succeeds', async () => {
    await provisioner().revoke({ email: 'ada@example.test', customerId: 'cus_ada' });
    expect(await planGroupsOf('ada@example.test')).toEqual([]);
    await expect(provisioner().revoke({ email: 'nobody@example.test', customerId: 'cus_nobody' })).resolves.toBeUndefined();
  });

  it('through the outbox: a Mailgun refusal fails the job with what to fix, and the retry after the fix welcomes once', async () => {
    await enqueue('cus_grace', { action: 'grant', plan: 'STARTER', email: 'grace@example.test', name: 'Grace Hopper' });
    const refused = await processOutbox({ db: database.db, provisioner: provisioner({ mailKey: 'wrong-key' }) });
    expect(refused).toEqual({ applied: 0, failed: 1 });
    const [job] = await database.db.select().from(provisioningOutbox).where(eq(provisioningOutbox.customerId, 'cus_grace'));
    expect(job?.lastError).toContain('MAILGUN_API_KEY');
    expect(job?.lastError).not.toContain('wrong-key');
    // The account and group exist already; only the emails are owed.
    expect(await planGroupsOf('grace@example.test')).toEqual(['/STARTER']);

    // Keycloak's set-password email went out before Mailgun refused; it is recorded, so the retry does not repeat it.
    expect(setPasswordEmailsTo('grace@example.test')).toHaveLength(1);
    // Due again (as after its backoff), with the right key: only the welcome is still owed.
    await database.db.update(provisioningOutbox).set({ nextAttemptAt: new Date(0) }).where(eq(provisioningOutbox.customerId, 'cus_grace'));
    expect(await processOutbox({ db: database.db, provisioner: provisioner() })).toEqual({ applied: 1, failed: 0 });
    expect(await welcomesTo('grace@example.test')).toHaveLength(1);
    expect(setPasswordEmailsTo('grace@example.test')).toHaveLength(1);
    const actions = (await database.db.select().from(auditLog).where(eq(auditLog.subject, 'cus_grace'))).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['provisioning.failed', 'provisioning.welcome_email_sent', 'provisioning.granted']));
  });

  it('gives an email the best plan its live subscriptions pay for: a second customer can neither downgrade nor strip it', async () => {
    const subscription = async (customerId: string, plan: Plan, status: string) =>
      database.db
        .insert(subscriptions)
        .values({ customerId, email: 'Vera@Example.test', plan, status, lastEventCreated: 1, lastEventId: `evt_${customerId}` })
        .onConflictDoUpdate({ target: subscriptions.customerId, set: { plan, status } });
    await subscription('cus_vera_a', 'ENTERPRISE', 'active');
    await provisioner().grant({ email: 'Vera@Example.test', name: 'Vera', plan: 'ENTERPRISE', customerId: 'cus_vera_a' });
    expect(await planGroupsOf('vera@example.test')).toEqual(['/ENTERPRISE']);

    // Someone buys STARTER with the same address through another Stripe customer.
    await subscription('cus_vera_b', 'STARTER', 'active');
    await provisioner().grant({ email: 'vera@example.test', name: null, plan: 'STARTER', customerId: 'cus_vera_b' });
    expect(await planGroupsOf('vera@example.test')).toEqual(['/ENTERPRISE']);

    // That second subscription ends: the first still pays for ENTERPRISE.
    await subscription('cus_vera_b', 'STARTER', 'canceled');
    await provisioner().revoke({ email: 'vera@example.test', customerId: 'cus_vera_b' });
    expect(await planGroupsOf('vera@example.test')).toEqual(['/ENTERPRISE']);

    // The first ends too (past_due would keep it): now nothing is paid for.
    await subscription('cus_vera_a', 'ENTERPRISE', 'past_due');
    await provisioner().revoke({ email: 'vera@example.test', customerId: 'cus_vera_a' });
    expect(await planGroupsOf('vera@example.test')).toEqual(['/ENTERPRISE']);
    await subscription('cus_vera_a', 'ENTERPRISE', 'canceled');
    await provisioner().revoke({ email: 'vera@example.test', customerId: 'cus_vera_a' });
    expect(await planGroupsOf('vera@example.test')).toEqual([]);
  });

  it('never takes a plan an administrator set: a signed-out purchase with that user\'s email adds its plan beside it, and its end removes only that', async () => {
    const kc = await adminClient(idp.idp);
    const { id } = await kc.users.create({ username: 'victor', email: 'victor@example.test', enabled: true, emailVerified: true });
    const [enterprise] = await kc.groups.find({ search: 'ENTERPRISE', exact: true });
    await kc.users.addToGroup({ id, groupId: enterprise!.id! });

    // Someone, not signed in, buys STARTER at Checkout typing Victor's address: a new Stripe customer.
    const T = Math.floor(Date.now() / 1000);
    await deliver('checkout.session.completed', checkoutCompleted('cus_stranger', 'victor@example.test', 'STARTER'), T);
    expect(await processOutbox({ db: database.db, provisioner: provisioner() })).toEqual({ applied: 1, failed: 0 });
    expect(await planGroupsOf('victor@example.test')).toEqual(['/ENTERPRISE', '/STARTER']);

    // The stranger's subscription ends (cancelled, or a renewal that failed for good).
    await deliver('customer.subscription.deleted', subscriptionDeleted('cus_stranger', 'STARTER'), T + 1);
    expect(await processOutbox({ db: database.db, provisioner: provisioner() })).toEqual({ applied: 1, failed: 0 });
    expect(await planGroupsOf('victor@example.test')).toEqual(['/ENTERPRISE']);
  });

  it('revokes from the user the plan was granted to even after an administrator changed their email', async () => {
    const T = Math.floor(Date.now() / 1000);
    await deliver('checkout.session.completed', checkoutCompleted('cus_wanda', 'wanda@example.test', 'PRO'), T);
    expect(await processOutbox({ db: database.db, provisioner: provisioner() })).toEqual({ applied: 1, failed: 0 });
    const kc = await adminClient(idp.idp);
    const [wanda] = await kc.users.find({ email: 'wanda@example.test', exact: true });
    await kc.users.update({ id: wanda!.id! }, { email: 'wanda@elsewhere.test' });

    await deliver('customer.subscription.deleted', subscriptionDeleted('cus_wanda', 'PRO'), T + 1);
    expect(await processOutbox({ db: database.db, provisioner: provisioner() })).toEqual({ applied: 1, failed: 0 });
    expect(await planGroupsOf('wanda@elsewhere.test')).toEqual([]);
  });
});
