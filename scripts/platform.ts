// `npm run platform -- <command>`: the ops CLI. Commands: migrate, check, backup, backups, restore, instance. Exit 0 =
// fine, 1 = something failed or is inconsistent, 2 = the CLI was called wrongly or its inputs are missing.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBackupCommand } from './ops/backup-commands.ts';
import { checkPlatformConfig, formatProblems } from './ops/config-check.ts';
import { originAccessWarnings } from './ops/origin-access-check.ts';
import { productionVars } from './ops/wrangler-vars.ts';
import { migrateDatabases } from './ops/migrate-databases.ts';
import { migrationExitCode, statusLine, summaryLine } from './ops/migration-report.ts';
import { migrationTargets, parseRegistry } from './ops/migration-targets.ts';
import { DEFAULT_GRACE_DAYS } from './ops/instance-registry-change.ts';
import { redactUrl } from './ops/redact-url.ts';

const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage: npm run platform -- <command> [options]

Commands:
  migrate                 apply the repo's migrations to every instance database and the portal database
  check                   check that the registry, docker-compose.yml, the realm's plan groups and the plan matrix agree
                          (and warn when production wrangler.toml reaches https origins without an Access token)
  backup <name>|--all     pg_dump one database (an instance id or "portal") or every one to the bucket, then
                          apply retention to its backups
  backups <name>          list a database's backups (time, size, key), newest first
  restore <name> --from <stamp|latest> [--yes]
                          download a backup, verify its sha256, pg_restore it over the database (destructive:
                          without --yes it only says what it would do)
  instance add <id> --title "<Title>" [--plans STARTER,PRO,ENTERPRISE]
                          add an instance to wrangler.toml's production INSTANCES and PLAN_MATRIX (ENTERPRISE always
                          opens it; default ENTERPRISE only), docker-compose.yml (its services, database volume,
                          backup variable), Prometheus' targets, deploy/env.example and the bucket's CORS origins
  instance suspend <id>   maintenance on: the edge answers that instance's host with the maintenance page (503)
  instance resume <id>    maintenance off; also calls off a removal in its grace period
  instance remove <id> [--grace-days ${DEFAULT_GRACE_DAYS}]
                          start the removal: maintenance on and "removeAfter" (today + N days, UTC); nothing deleted
  instance purge <id> [--yes]
                          once removeAfter has passed: take the instance out of every file above (destructive:
                          without --yes it only says what it would do); prints what is left to do by hand
                          The instance commands edit the repo's files only, then print the steps left to ops
                          (.env, tunnel hostname, docker compose, wrangler deploy, the bucket).

Inputs (environment, as on the origin host's .env):
  INSTANCES              the instance registry JSON, same value as the edge's INSTANCES var
                         (or --instances-file <path> to a file holding that JSON)
  DATABASE_URL_<ID>      migrate, backup, restore: one postgres:// URL per registry instance, the id
                         upper-cased with "-" as "_" (instance1 → DATABASE_URL_INSTANCE1)
  DATABASE_URL_PORTAL    migrate, backup, restore: the portal's database
  PLAN_MATRIX            check: optional plan matrix JSON, as the edge takes it (default: shared/plan-matrix.ts)
  S3_ENDPOINT, S3_BUCKET, S3_REGION (default auto), S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY
                         backup, backups, restore: the bucket (R2's S3 API), as the origins read it; backups
                         go to tenants/<id>/backups/<UTC stamp>.dump, the portal's to portal/backups/
  BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY
                         backup: retention counts, default 7 and 4 (--keep-daily / --keep-weekly win)
  PG_DUMP, PG_RESTORE    backup, restore: the binaries to run (default: pg_dump / pg_restore on PATH);
                         pg_dump must be of the server's major version or newer

Options:
  --only <name>          migrate: just this instance (or "portal")
  --instances-file <p>   read the registry JSON from a file instead of INSTANCES
  --compose <path>       check: compose file (default docker-compose.yml)
  --realm <path>         check: realm file (default deploy/keycloak/realm-wikiplatform.json)
  --all                  backup: every registry instance, then the portal; goes on past a failure
  --keep-daily <n>       backup: keep every backup of the n newest days that have one (default 7)
  --keep-weekly <n>      backup: and the newest of each of the n newest weeks, Monday to Sunday UTC (default 4)
  --from <stamp|latest>  restore: which backup: latest, a stamp as listed (2026-11-21T03-00-00Z) or its key
  --yes                  restore: really replace the database; instance purge: really purge
  --dry-run              instance: print the changes (a diff per file) and the steps, write nothing
  --root <dir>           instance: the checkout whose files are edited (default: this one)
  --env-file <path>      instance: also set INSTANCES and PLAN_MATRIX in the origin host's .env (add: and a new
                         random <ID>_DB_PASSWORD if it has none, never printed; purge: drop the instance's lines)
  --today <YYYY-MM-DD>   instance remove, purge: the day taken as today (UTC), default the real one
  --help

Exit codes: 0 all migrated / consistent / backed up / restored / instance files changed (or nothing to change,
            or a dry run); 1 a database, a backup or its retention, or a restore failed / the configuration is
            inconsistent / an instance change would leave it inconsistent or could not be written; 2 wrong usage or
            missing inputs, a refused instance change, or a restore or purge without --yes (nothing was done).
Passwords in database URLs and the bucket's secret are never printed.
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      only: { type: 'string' },
      'instances-file': { type: 'string' },
      compose: { type: 'string' },
      realm: { type: 'string' },
      all: { type: 'boolean', default: false },
      'keep-daily': { type: 'string' },
      'keep-weekly': { type: 'string' },
      from: { type: 'string' },
      yes: { type: 'boolean', default: false },
      title: { type: 'string' },
      plans: { type: 'string' },
      'grace-days': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      root: { type: 'string' },
      'env-file': { type: 'string' },
      today: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const file = values['instances-file'];
  const instancesJson = file ? await readFile(file, 'utf8').catch(() => undefined) : process.env.INSTANCES;
  const instancesSource = file ? `--instances-file ${file}` : 'INSTANCES';

  switch (command) {
    case 'instance': {
      // Loaded here only: it needs the yaml and diff packages and wrangler, which the backup image does not install.
      const { runInstanceCommand } = await import('./ops/instance-commands.ts');
      return runInstanceCommand(
        {
          args: rest,
          options: {
            title: values.title,
            plans: values.plans,
            graceDays: values['grace-days'],
            yes: values.yes,
            dryRun: values['dry-run'],
            root: resolve(values.root ?? rootDir),
            envFile: values['env-file'],
            today: values.today,
          },
        },
        { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`), usageError, inputError },
      );
    }
    case 'backup':
    case 'backups':
    case 'restore':
      return runBackupCommand(
        {
          command,
          args: rest,
          options: { all: values.all, keepDaily: values['keep-daily'], keepWeekly: values['keep-weekly'], from: values.from, yes: values.yes },
          instancesJson,
          instancesSource,
          env: process.env,
        },
        { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`), usageError, inputError },
      );
    case 'migrate': {
      if (rest.length) return usageError(`unexpected arguments: ${rest.join(' ')}`);
      const registry = parseRegistry(instancesJson, instancesSource);
      if (!registry.ok) return inputError(registry.problems);
      const resolved = migrationTargets(registry.registry, process.env, values.only);
      if (!resolved.ok) return inputError(resolved.problems);
      const outcomes = await migrateDatabases(resolved.targets, {
        onStart: (t, i, n) => process.stdout.write(`[${i + 1}/${n}] ${t.name} (${t.role}, ${redactUrl(t.url)}): migrating…\n`),
        onDone: (o, i, n) => process.stdout.write(`[${i + 1}/${n}] ${statusLine(o)}\n`),
      });
      process.stdout.write(`${summaryLine(outcomes)}\n`);
      return migrationExitCode(outcomes);
    }
    case 'check': {
      if (rest.length) return usageError(`unexpected arguments: ${rest.join(' ')}`);
      if (instancesJson === undefined || instancesJson.trim() === '') {
        return inputError([`${instancesSource}: not set or unreadable (the instance registry JSON, same value as the edge's INSTANCES)`]);
      }
      // Loaded here only: it needs the yaml package, a dev dependency the backup image does not install.
      const { readPlatformConfig } = await import('./ops/read-platform-config.ts');
      const read = await readPlatformConfig({
        instancesJson,
        instancesSource,
        planMatrixJson: process.env.PLAN_MATRIX,
        composePath: resolve(values.compose ?? resolve(rootDir, 'docker-compose.yml')),
        realmPath: resolve(values.realm ?? resolve(rootDir, 'deploy/keycloak/realm-wikiplatform.json')),
      });
      const problems = read.ok ? checkPlatformConfig(read.config) : read.problems;
      const warnings = await productionWarnings();
      if (warnings.length) process.stdout.write(`${warnings.map((w) => `warning: ${w}`).join('\n')}\n`);
      if (problems.length === 0) {
        process.stdout.write(`configuration consistent: ${read.ok ? read.config.registry.map((i) => i.id).join(', ') : ''}\n`);
        return 0;
      }
      process.stdout.write(`configuration inconsistent (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}\n`);
      return 1;
    }
    default:
      return usageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

/** Warnings from the production wrangler.toml of this checkout (not problems: they do not change the exit code). */
async function productionWarnings(): Promise<string[]> {
  const text = await readFile(resolve(rootDir, 'wrangler.toml'), 'utf8').catch(() => null);
  const read = text === null ? null : productionVars(text);
  if (!read?.ok) return [];
  return originAccessWarnings(new Map([...read.vars].map(([name, line]) => [name, line.value])));
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n\n${USAGE}`);
  return 2;
}

function inputError(problems: readonly string[]): number {
  process.stderr.write(`Invalid platform CLI input:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee npm run platform -- --help\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`platform: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
