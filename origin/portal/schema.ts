// The portal database: accounts seen through the edge, Stripe billing state and its provisioning outbox,
// and an audit log of what the platform did.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { Plan } from '#shared/plan-matrix';
import type { ProvisioningIntent } from './billing/subscription-state.ts';

/** Everyone who opened the portal, as the edge described them on their last visit. */
export const accounts = pgTable('accounts', {
  sub: text('sub').primaryKey(),
  username: text('username').notNull(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  plan: text('plan'),
  firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Append-only record of provisioning and account changes (filled by the billing work). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: serial('id').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subject: text('subject'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_log_subject_idx').on(t.subject, t.at)],
);

/** Every verified Stripe event, stored once: the primary key is what makes a redelivery a no-op. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  created: timestamp('created', { withTimezone: true }).notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  /** applied | stale | ignored | rejected: what the webhook did with it. */
  outcome: text('outcome').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
});

/**
 * One row per Stripe customer: who they are and what their subscription grants now. Looked up by email,
 * case-insensitively (a plan per email, the customer to manage billing for), hence the index on lower(email).
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    customerId: text('customer_id').primaryKey(),
    /** The Stripe subscription of the newest event applied: once it has ended, its later events grant nothing. */
    subscriptionId: text('subscription_id'),
    email: text('email'),
    name: text('name'),
    plan: text('plan').$type<Plan>(),
    status: text('status').notNull(),
    /** `created` (epoch seconds) of the newest event applied; an older one changes nothing. */
    lastEventCreated: bigint('last_event_created', { mode: 'number' }).notNull(),
    lastEventId: text('last_event_id').notNull(),
    /** The portal user (edge `sub`) who started this customer's Checkout (its client_reference_id); null when bought signed out. */
    checkoutUserSub: text('checkout_user_sub'),
    /** The Keycloak user the provisioner granted this customer's plan to, so a revoke finds them even after an email change. */
    keycloakUserId: text('keycloak_user_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('subscriptions_email_lower_idx').on(sql`lower(${t.email})`)],
);

/** Durable provisioning jobs; each intent is a full desired state, applied in order per customer. */
export const provisioningOutbox = pgTable(
  'provisioning_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: text('customer_id').notNull(),
    eventId: text('event_id').notNull(),
    intent: jsonb('intent').$type<ProvisioningIntent>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [
    index('provisioning_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.doneAt} is null`),
    index('provisioning_outbox_customer_idx').on(t.customerId, t.id).where(sql`${t.doneAt} is null`),
  ],
);

/**
 * The welcome email, sent once per Stripe customer. Written right after Mailgun accepts the message and
 * outside the outbox job's transaction, so a job retried for another reason does not send it again.
 */
export const welcomeEmails = pgTable('welcome_emails', {
  customerId: text('customer_id').primaryKey(),
  email: text('email').notNull(),
  plan: text('plan').$type<Plan>().notNull(),
  messageId: text('message_id').notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The set-password email Keycloak sent for a customer's new account, recorded like the welcome email so a
 * job retried after a later failure (Mailgun down) does not send the buyer another link each time.
 */
export const setPasswordEmails = pgTable('set_password_emails', {
  customerId: text('customer_id').primaryKey(),
  userId: text('user_id').notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The plan groups the portal itself added a Keycloak user to. Only these are ever removed by the portal: a
 * plan group an administrator set is not the portal's, whatever someone buys or cancels with that email.
 * Written before the group is added, deleted after it is left, so a crash leaves a record and never an
 * untracked group.
 */
export const planGrants = pgTable(
  'plan_grants',
  {
    userId: text('user_id').notNull(),
    plan: text('plan').$type<Plan>().notNull(),
    /** The Stripe customer whose job granted it (for the audit trail; the grant is the user's). */
    customerId: text('customer_id').notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.plan] })],
);

export const portalSchema = { accounts, auditLog, stripeEvents, subscriptions, provisioningOutbox, welcomeEmails, setPasswordEmails, planGrants };
export type PortalSchema = typeof portalSchema;
