// Ops entry: apply the migrations of one role to one database, then exit.
//   ORIGIN_ROLE=instance DATABASE_URL=postgres://… tsx origin/migrate.ts
import { z } from 'zod';
import { formatIssues } from '#shared/format-issues';
import { runMigrations } from './common/database.ts';
import { runMediaMigrations } from './instance/media/migrate.ts';
import { MIGRATIONS } from './migrations.ts';

const Env = z.object({
  ORIGIN_ROLE: z.enum(['instance', 'portal']),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(`${formatIssues('migration configuration', parsed.error.issues)}\n`);
  process.exit(1);
}
try {
  await runMigrations(parsed.data.DATABASE_URL, MIGRATIONS[parsed.data.ORIGIN_ROLE]);
  // The media tables reference the wiki's users, so they come after the wiki's own migrations.
  if (parsed.data.ORIGIN_ROLE === 'instance') await runMediaMigrations(parsed.data.DATABASE_URL);
  process.stdout.write(`migrations applied (${parsed.data.ORIGIN_ROLE})\n`);
} catch (err) {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
