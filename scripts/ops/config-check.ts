// `platform check`: the registry, the compose services, the realm's plan groups and the plan matrix must
// describe the same instances. Pure: the caller reads the files and hands in what they parsed to.
import type { InstanceRegistry } from '#shared/instance-registry';
import { PLANS, type PlanMatrix } from '#shared/plan-matrix';
import { databaseUrlVariable } from './migration-targets.ts';

export type ProblemArea = 'registry' | 'compose' | 'realm' | 'plan-matrix';

export interface ConfigProblem {
  area: ProblemArea;
  /** What is wrong. */
  problem: string;
  /** What to change so it is right. */
  fix: string;
}

export interface PlatformConfig {
  registry: InstanceRegistry;
  /** docker-compose.yml, parsed with YAML merge keys resolved. */
  compose: unknown;
  /** deploy/keycloak/realm-wikiplatform.json, parsed. */
  realm: unknown;
  planMatrix: PlanMatrix;
}

type Service = { environment?: Record<string, unknown> };

export function checkPlatformConfig(config: PlatformConfig): ConfigProblem[] {
  const ids = config.registry.map((i) => i.id);
  return [...checkCompose(ids, config.compose), ...checkRealm(config.realm), ...checkPlanMatrix(ids, config.planMatrix)];
}

export function checkCompose(ids: readonly string[], compose: unknown): ConfigProblem[] {
  const services = recordAt(compose, 'services');
  if (!services) return [{ area: 'compose', problem: 'docker-compose.yml has no services', fix: 'restore the services: section' }];
  const problems: ConfigProblem[] = [];
  for (const id of ids) {
    const service = services[id] as Service | undefined;
    if (!service) {
      problems.push({ area: 'compose', problem: `instance "${id}" of the registry has no service "${id}"`, fix: `add an "${id}" service (<<: *origin, ORIGIN_ROLE: instance, INSTANCE_ID: ${id}) or remove "${id}" from INSTANCES` });
    } else {
      const env = service.environment ?? {};
      if (env.ORIGIN_ROLE !== 'instance') problems.push({ area: 'compose', problem: `service "${id}" does not set ORIGIN_ROLE: instance`, fix: `set ORIGIN_ROLE: instance in ${id}.environment` });
      if (env.INSTANCE_ID !== id) problems.push({ area: 'compose', problem: `service "${id}" has INSTANCE_ID ${JSON.stringify(env.INSTANCE_ID ?? null)}`, fix: `set INSTANCE_ID: ${id} in ${id}.environment` });
      const host = databaseHost(env.DATABASE_URL);
      if (host !== `db-${id}`) problems.push({ area: 'compose', problem: `service "${id}" uses database host ${JSON.stringify(host)}, not its own`, fix: `point ${id}'s DATABASE_URL at db-${id}` });
    }
    if (!services[`db-${id}`]) {
      problems.push({ area: 'compose', problem: `instance "${id}" has no database service "db-${id}"`, fix: `add a "db-${id}" service (<<: *db, POSTGRES_DB: ${id}) and its volume` });
    }
  }
  for (const [name, value] of Object.entries(services)) {
    const env = (value as Service | null)?.environment ?? {};
    const isInstance = env.ORIGIN_ROLE === 'instance' || /^instance\d+$/.test(name);
    const dbOf = /^db-(.+)$/.exec(name)?.[1];
    if (isInstance && !ids.includes(name)) {
      problems.push({ area: 'compose', problem: `service "${name}" runs an instance the registry does not list`, fix: `add "${name}" to INSTANCES (wrangler.toml and .env) or remove the service` });
    }
    if (dbOf && !ids.includes(dbOf)) {
      problems.push({ area: 'compose', problem: `database service "${name}" belongs to no registry instance`, fix: `remove "${name}" or add "${dbOf}" to INSTANCES` });
    }
  }
  return [...problems, ...checkBackupService(ids, services)];
}

/**
 * The "backup" service must reach every registry instance's database and the portal's: `backup --all` takes
 * the instances from INSTANCES, and one without its DATABASE_URL_<ID> would go without backups.
 */
export function checkBackupService(ids: readonly string[], services: Record<string, unknown>): ConfigProblem[] {
  const backup = services.backup as Service | undefined;
  if (!backup) return [{ area: 'compose', problem: 'there is no "backup" service: the databases are not backed up', fix: 'add the "backup" service (deploy/backup.Dockerfile, one DATABASE_URL_<ID> per instance)' }];
  const env = backup.environment ?? {};
  const portalHost = databaseHost((services.portal as Service | undefined)?.environment?.DATABASE_URL);
  const wanted = [...ids.map((id) => ({ name: id, host: `db-${id}` })), { name: 'portal', host: portalHost ?? 'portal-db' }];
  const problems: ConfigProblem[] = [];
  for (const { name, host } of wanted) {
    const variable = databaseUrlVariable(name);
    const actual = databaseHost(env[variable]);
    if (env[variable] === undefined) {
      problems.push({ area: 'compose', problem: `service "backup" has no ${variable}: ${name} is not backed up`, fix: `add ${variable}: postgres://<user>:\${<PASSWORD>}@${host}:5432/<db> to backup.environment` });
    } else if (actual !== host) {
      problems.push({ area: 'compose', problem: `service "backup" has ${variable} on host ${JSON.stringify(actual)}, not ${host}`, fix: `point backup's ${variable} at ${host}` });
    }
  }
  return problems;
}

export function checkRealm(realm: unknown): ConfigProblem[] {
  const groups = (isRecord(realm) && Array.isArray(realm.groups) ? realm.groups : []) as unknown[];
  const names = new Set(groups.filter(isRecord).map((g) => g.name));
  return PLANS.filter((plan) => !names.has(plan)).map((plan) => ({
    area: 'realm' as const,
    problem: `plan ${plan} has no group in the realm`,
    fix: `add {"name":"${plan}","path":"/${plan}","attributes":{"plan":["${plan}"]}} to groups in deploy/keycloak/realm-wikiplatform.json`,
  }));
}

export function checkPlanMatrix(ids: readonly string[], matrix: PlanMatrix): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const plan of PLANS) {
    for (const id of matrix[plan] ?? []) {
      if (!ids.includes(id)) problems.push({ area: 'plan-matrix', problem: `plan ${plan} names instance "${id}", which the registry does not list`, fix: `add "${id}" to INSTANCES or remove it from ${plan} in the plan matrix` });
    }
  }
  for (const id of ids) {
    if (!PLANS.some((plan) => (matrix[plan] ?? []).includes(id))) {
      problems.push({ area: 'plan-matrix', problem: `instance "${id}" is opened by no plan (only platform admins could reach it)`, fix: `add "${id}" to a plan in the plan matrix (PLAN_MATRIX or shared/plan-matrix.ts)` });
    }
  }
  return problems;
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  [${p.area}] ${p.problem}\n      fix: ${p.fix}`).join('\n');
}

function databaseHost(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    // Compose interpolation (${VAR}) is not a valid URL part; any placeholder will do for the host.
    return new URL(url.replace(/\$\{[^}]*\}/g, 'x')).hostname;
  } catch {
    return null;
  }
}

function recordAt(value: unknown, key: string): Record<string, unknown> | null {
  return isRecord(value) && isRecord(value[key]) ? value[key] : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
