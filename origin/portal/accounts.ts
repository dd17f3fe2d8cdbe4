// The portal's record of each account, refreshed from the edge's identity on each visit.
import { sql } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { Identity } from '#shared/identity';
import { accounts, type PortalSchema } from './schema.ts';

export async function touchAccount(db: PostgresJsDatabase<PortalSchema>, identity: Identity): Promise<void> {
  const values = { sub: identity.sub, username: identity.username, email: identity.email, name: identity.name, plan: identity.plan };
  await db
    .insert(accounts)
    .values(values)
    .onConflictDoUpdate({
      target: accounts.sub,
      set: { username: values.username, email: values.email, name: values.name, plan: values.plan, lastSeenAt: sql`now()` },
    });
}
