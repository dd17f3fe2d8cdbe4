// drizzle-kit configuration for the origin databases. Two schemas, one per role:
//   npx drizzle-kit generate                      → origin/instance/drizzle
//   DRIZZLE_ROLE=portal npx drizzle-kit generate  → origin/portal/drizzle
// Generating needs no database; origins apply the migrations themselves at start (origin/migrate.ts for ops).
import { defineConfig } from 'drizzle-kit';

const role = process.env.DRIZZLE_ROLE === 'portal' ? 'portal' : 'instance';

export default defineConfig({
  dialect: 'postgresql',
  schema: `./origin/${role}/schema.ts`,
  out: `./origin/${role}/drizzle`,
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost/unused' },
  strict: true,
});
