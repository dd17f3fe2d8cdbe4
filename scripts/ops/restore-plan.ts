// What `platform restore` tells the operator before and after: what it replaces with what, and how to keep
// people from writing meanwhile. The CLI does not flip the maintenance flag itself: the registry lives in
// the edge's configuration, which ops change and deploy. Pure.
import type { BackupObject } from './backup-key.ts';
import { formatBytes } from './backup-report.ts';
import type { MigrationRole } from './migration-targets.ts';

/**
 * The flags of every restore: drop and recreate what the dump holds, owned by whoever restores (the
 * instance's own user, whatever role owned it before), all or nothing.
 */
export const RESTORE_FLAGS = ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error'] as const;

export interface RestorePlanInput {
  name: string;
  role: MigrationRole;
  /** Already redacted. */
  database: string;
  variable: string;
  backup: Required<BackupObject>;
  /** The instance's maintenance flag in the registry the CLI was given; null for the portal. */
  maintenance: boolean | null;
}

export function restorePlan(p: RestorePlanInput): string[] {
  return [
    `Restore ${p.name} from ${p.backup.key}`,
    `  backup:    taken ${p.backup.time.toISOString().replace('.000Z', 'Z')}, ${formatBytes(p.backup.size)}; its sha256 is checked before anything else`,
    `  database:  ${p.database} (${p.variable})`,
    `  effect:    pg_restore ${RESTORE_FLAGS.join(' ')}`,
    '             drops and recreates every table, sequence and function the backup holds: whatever was written',
    '             after the backup is lost. All in one transaction. Objects the backup does not hold (a table a',
    '             later migration added) are left as they are.',
    ...before(p),
  ];
}

function before(p: RestorePlanInput): string[] {
  if (p.role === 'portal') {
    return ['Before: stop the portal origin so nothing writes during the restore (the portal has no maintenance flag):', '          docker compose stop portal'];
  }
  const lines = [
    `Before: put ${p.name} in maintenance at the edge so nobody writes during the restore:`,
    `        npm run platform -- instance suspend ${p.name}, then wrangler deploy --env production.`,
  ];
  if (p.maintenance === false) lines.push(`        (The registry this command was given has "${p.name}" out of maintenance.)`);
  return lines;
}

export function afterRestore(p: Pick<RestorePlanInput, 'name' | 'role'>): string[] {
  if (p.role === 'portal') return ['After: start the portal origin again (docker compose start portal) and open the portal to check.'];
  return [
    `After: take ${p.name} out of maintenance (npm run platform -- instance resume ${p.name}, wrangler deploy --env production)`,
    '       and open a few pages to check.',
  ];
}
