// Instance settings: one row, read on nearly every request (so callers cache it, see services/caches.ts).
import { eq, sql } from 'drizzle-orm';
import type { Executor, InstanceDb } from '../deps.ts';
import { settings } from '../schema.ts';

export interface InstanceSettings {
  /** Null shows the instance id. */
  title: string | null;
  description: string;
  searchLanguage: string;
  defaultRole: string;
}

const columns = {
  title: settings.title,
  description: settings.description,
  searchLanguage: settings.searchLanguage,
  defaultRole: settings.defaultRole,
};

export async function readSettings(db: InstanceDb): Promise<InstanceSettings> {
  const [row] = await db.select(columns).from(settings).where(eq(settings.id, 1));
  if (row) return row;
  // The migration inserts the row; recreate it if someone deleted it by hand.
  const [created] = await db.insert(settings).values({ id: 1 }).onConflictDoNothing().returning(columns);
  return created ?? (await readSettings(db));
}

export async function writeSettings(db: Executor, patch: Partial<InstanceSettings>): Promise<InstanceSettings> {
  const [row] = await db
    .update(settings)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(settings.id, 1))
    .returning(columns);
  if (!row) throw new Error('settings row missing');
  return row;
}

/** Text-search configurations this database knows (e.g. english, french, simple). */
export async function searchLanguages(db: InstanceDb): Promise<string[]> {
  const rows = await db.execute<{ cfgname: string }>(sql`select cfgname from pg_ts_config order by cfgname`);
  return rows.map((r) => r.cfgname);
}
