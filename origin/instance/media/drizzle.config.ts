// drizzle-kit for the media tables only: `npx drizzle-kit generate --config origin/instance/media/drizzle.config.ts`.
// Their own folder and journal table (see migrate.ts), next to the wiki's migrations.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './origin/instance/media/schema.ts',
  out: './origin/instance/media/drizzle',
  migrations: { table: '__drizzle_migrations_media' },
  strict: true,
});
