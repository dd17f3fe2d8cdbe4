// Which databases `platform migrate` touches and where they are, from the registry and DATABASE_URL_<NAME>
// variables. Pure: the caller hands in the environment.
import { z } from 'zod';
import { jsonVariable } from '#shared/config-schema';
import { InstanceRegistrySchema, type InstanceRegistry } from '#shared/instance-registry';

export type MigrationRole = 'instance' | 'portal';

export interface MigrationTarget {
  /** "portal" or an instance id. */
  name: string;
  role: MigrationRole;
  url: string;
  /** The variable the URL came from, for messages. */
  variable: string;
}

export type TargetsResult = { ok: true; targets: MigrationTarget[] } | { ok: false; problems: string[] };

/** DATABASE_URL_INSTANCE1 for "instance1", DATABASE_URL_MY_WIKI for "my-wiki", DATABASE_URL_PORTAL for the portal. */
export function databaseUrlVariable(name: string): string {
  return `DATABASE_URL_${name.toUpperCase().replace(/-/g, '_')}`;
}

const PostgresUrl = z.string().regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must be a postgres:// URL');

/** Parses the registry JSON (INSTANCES), naming every problem. */
export function parseRegistry(json: string | undefined, source: string): { ok: true; registry: InstanceRegistry } | { ok: false; problems: string[] } {
  if (json === undefined || json.trim() === '') return { ok: false, problems: [`${source}: not set (the instance registry JSON, same value as the edge's INSTANCES)`] };
  const parsed = jsonVariable(InstanceRegistrySchema).safeParse(json);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${source}${i.path.length ? `[${i.path.join('.')}]` : ''}: ${i.message}`) };
  }
  return { ok: true, registry: parsed.data };
}

/**
 * Every registry instance then the portal, each with its URL; `only` narrows to one of them.
 * All problems are collected, so one run tells the operator everything that is missing.
 */
export function migrationTargets(registry: InstanceRegistry, env: Readonly<Record<string, string | undefined>>, only?: string): TargetsResult {
  const all: { name: string; role: MigrationRole }[] = [...registry.map((i) => ({ name: i.id, role: 'instance' as const })), { name: 'portal', role: 'portal' }];
  const problems: string[] = [];
  if (registry.some((i) => i.id === 'portal')) problems.push('INSTANCES: an instance may not be called "portal" (its database variable would be the portal\'s)');
  const wanted = only === undefined ? all : all.filter((t) => t.name === only);
  if (only !== undefined && wanted.length === 0) {
    problems.push(`--only ${only}: not an instance of the registry nor "portal" (known: ${all.map((t) => t.name).join(', ')})`);
  }
  const targets: MigrationTarget[] = [];
  for (const { name, role } of wanted) {
    const variable = databaseUrlVariable(name);
    const value = env[variable];
    if (value === undefined || value === '') {
      problems.push(`${variable}: not set (the database URL of ${name})`);
      continue;
    }
    const url = PostgresUrl.safeParse(value);
    if (!url.success) {
      problems.push(`${variable}: ${url.error.issues[0]!.message}`);
      continue;
    }
    targets.push({ name, role, url: url.data, variable });
  }
  return problems.length ? { ok: false, problems } : { ok: true, targets };
}
