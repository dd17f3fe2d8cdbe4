// Applies the media tables' migrations. Run after the wiki's own (the tables reference users).
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const MEDIA_MIGRATIONS_FOLDER = fileURLToPath(new URL('./drizzle', import.meta.url));
export const MEDIA_MIGRATIONS_TABLE = '__drizzle_migrations_media';
// Its own lock: a media migration must not wait on (or be mistaken for) the wiki's.
const MEDIA_MIGRATION_LOCK_KEY = 7_406_311_005;

export async function runMediaMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MEDIA_MIGRATION_LOCK_KEY})`;
    await migrate(drizzle({ client: sql }), { migrationsFolder: MEDIA_MIGRATIONS_FOLDER, migrationsTable: MEDIA_MIGRATIONS_TABLE });
    await sql`select pg_advisory_unlock(${MEDIA_MIGRATION_LOCK_KEY})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
