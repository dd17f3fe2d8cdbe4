// People of this instance. A record is created on a first visit and kept in sync with the edge's identity.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Identity } from '#shared/identity';
import type { InstanceDb } from '../deps.ts';
import { encodeKeyCursor, pageOf } from '../policy/paging.ts';
import type { Role } from '../policy/roles.ts';
import { users } from '../schema.ts';

export interface UserRecord {
  id: number;
  sub: string;
  username: string;
  email: string;
  name: string;
  /** Role an admin assigned, or null for the instance default. */
  role: string | null;
}

const columns = { id: users.id, sub: users.sub, username: users.username, email: users.email, name: users.name, role: users.role };

/** Creates the user on first sight; updates name/email/username only when the edge says they changed. */
export async function upsertUser(db: InstanceDb, identity: Pick<Identity, 'sub' | 'username' | 'email' | 'name'>): Promise<UserRecord> {
  const values = { sub: identity.sub, username: identity.username, email: identity.email, name: identity.name };
  const [written] = await db
    .insert(users)
    .values(values)
    .onConflictDoUpdate({
      target: users.sub,
      set: { username: values.username, email: values.email, name: values.name, updatedAt: sql`now()`, lastSeenAt: sql`now()` },
      // Skipping unchanged rows keeps a page view from writing on every request.
      setWhere: sql`(${users.username}, ${users.email}, ${users.name}) is distinct from (excluded.username, excluded.email, excluded.name)
        or ${users.lastSeenAt} < now() - interval '10 minutes'`,
    })
    .returning(columns);
  if (written) return written;
  const [existing] = await db.select(columns).from(users).where(eq(users.sub, identity.sub));
  if (!existing) throw new Error('user vanished between upsert and select');
  return existing;
}

const sortName = sql<string>`lower(${users.name})`;

/**
 * One page of people by name (case-insensitive), ties by id. `after` is the cursor of the previous page:
 * the lower-cased name and id of its last row, as Postgres lower-cased it, so the comparison matches the
 * order exactly; it stays valid when that person is renamed meanwhile.
 */
export async function listUsers(db: InstanceDb, options: { limit: number; after?: readonly [string, number] }) {
  const rows = await db
    .select({ ...columns, lastSeenAt: users.lastSeenAt, createdAt: users.createdAt, sortName })
    .from(users)
    .where(options.after ? sql`(${sortName}, ${users.id}) > (${options.after[0]}, ${options.after[1]}::int)` : undefined)
    .orderBy(asc(sortName), asc(users.id))
    .limit(options.limit + 1);
  const { items, next } = pageOf(rows, options.limit, (last) => encodeKeyCursor([last.sortName, last.id]));
  return { items: items.map(({ sortName: _, ...row }) => row), next };
}

export async function findUser(db: InstanceDb, id: number): Promise<UserRecord | undefined> {
  const [row] = await db.select(columns).from(users).where(eq(users.id, id));
  return row;
}

/** Sets (or clears, with null) the role an admin chose; returns the updated record. */
export async function assignRole(db: InstanceDb, id: number, role: Role | null): Promise<UserRecord | undefined> {
  const [row] = await db.update(users).set({ role, updatedAt: sql`now()` }).where(and(eq(users.id, id))).returning(columns);
  return row;
}
