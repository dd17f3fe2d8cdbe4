// Which database a backup command names: "portal" or an instance of the registry. Pure.
import type { InstanceRegistry } from '#shared/instance-registry';
import { migrationTargets, type MigrationRole, type MigrationTarget, type TargetsResult } from './migration-targets.ts';

export type NamedDatabase = { ok: true; name: string; role: MigrationRole } | { ok: false; problem: string };

export function namedDatabase(registry: InstanceRegistry, name: string): NamedDatabase {
  if (name === 'portal') return { ok: true, name, role: 'portal' };
  if (registry.some((i) => i.id === name)) return { ok: true, name, role: 'instance' };
  return { ok: false, problem: `"${name}": not an instance of the registry nor "portal" (known: ${[...registry.map((i) => i.id), 'portal'].join(', ')})` };
}

/** The databases to back up or restore, with their URLs: one by name, or (name undefined) every instance then the portal. */
export function backupTargets(registry: InstanceRegistry, env: Readonly<Record<string, string | undefined>>, name?: string): TargetsResult {
  if (name !== undefined) {
    const named = namedDatabase(registry, name);
    if (!named.ok) return { ok: false, problems: [named.problem] };
  }
  return migrationTargets(registry, env, name);
}

export type { MigrationTarget as BackupTarget };
