// The portal database: accounts seen through the edge, and an audit log of what the platform did.
import { jsonb, pgTable, serial, text, timestamp, index } from 'drizzle-orm/pg-core';

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

export const portalSchema = { accounts, auditLog };
export type PortalSchema = typeof portalSchema;
