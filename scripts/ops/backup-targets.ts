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

/** A database of `backup --all`, or why it cannot be backed up. */
export type TargetOrProblem = { name: string; target: MigrationTarget } | { name: string; problem: string };

/**
 * Every instance then the portal, each resolved on its own: a missing or bad URL fails that database alone,
 * so an instance added to the registry before the backup job got its URL does not stop the others' backups.
 */
export function everyBackupTarget(registry: InstanceRegistry, env: Readonly<Record<string, string | undefined>>): TargetOrProblem[] {
  return [...registry.map((i) => i.id), 'portal'].map((name) => {
    const resolved = migrationTargets(registry, env, name);
    return resolved.ok ? { name, target: resolved.targets[0]! } : { name, problem: resolved.problems.join('; ') };
  });
}

export type { MigrationTarget as BackupTarget };
