// Applies the repo's migrations to each target database in turn; one failure never stops the rest.
import postgres from 'postgres';
import { runMigrations } from '../../origin/common/database.ts';
import { MEDIA_MIGRATIONS_TABLE, runMediaMigrations } from '../../origin/instance/media/migrate.ts';
import { MIGRATIONS } from '../../origin/migrations.ts';
import { describeError } from './describe-error.ts';
import type { MigrationOutcome } from './migration-report.ts';
import type { MigrationTarget } from './migration-targets.ts';
import { redactSecrets } from './redact-url.ts';

// drizzle's migrator records applied migrations in these tables of the "drizzle" schema.
const JOURNAL_TABLES = { instance: ['__drizzle_migrations', MEDIA_MIGRATIONS_TABLE], portal: ['__drizzle_migrations'] } as const;

export interface MigrateHooks {
  /** Called before each database, for progress output. */
  onStart?(target: MigrationTarget, index: number, total: number): void;
  onDone?(outcome: MigrationOutcome, index: number, total: number): void;
}

export async function migrateDatabases(targets: readonly MigrationTarget[], hooks: MigrateHooks = {}): Promise<MigrationOutcome[]> {
  const outcomes: MigrationOutcome[] = [];
  for (const [index, target] of targets.entries()) {
    hooks.onStart?.(target, index, targets.length);
    const outcome = await migrateOne(target);
    outcomes.push(outcome);
    hooks.onDone?.(outcome, index, targets.length);
  }
  return outcomes;
}

async function migrateOne(target: MigrationTarget): Promise<MigrationOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const before = await countApplied(target);
    await runMigrations(target.url, MIGRATIONS[target.role]);
    // The media tables reference the wiki's users, so they come after the wiki's own migrations (as origin/migrate.ts).
    if (target.role === 'instance') await runMediaMigrations(target.url);
    const count = (await countApplied(target)) - before;
    return count > 0 ? { name: target.name, status: 'applied', count, ms: ms() } : { name: target.name, status: 'current', ms: ms() };
  } catch (err) {
    return { name: target.name, status: 'failed', reason: redactSecrets(describeError(err), target.url), ms: ms() };
  }
}

/** Rows in the role's migration journals; 0 for a journal not created yet. */
async function countApplied(target: MigrationTarget): Promise<number> {
  const sql = postgres(target.url, { max: 1, onnotice: () => {}, connect_timeout: 15 });
  try {
    let total = 0;
    for (const table of JOURNAL_TABLES[target.role]) {
      const [exists] = await sql<{ present: boolean }[]>`select to_regclass(${`drizzle.${table}`}) is not null as present`;
      if (!exists!.present) continue;
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql('drizzle')}.${sql(table)}`;
      total += row!.n;
    }
    return total;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
