// Who may do what inside one instance. Pure: the role comes from the user record, the instance default
// and the edge's platform roles; nothing here touches the database.
import { isPlatformAdmin } from '#shared/plan-matrix';

export const ROLES = ['reader', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Action = 'read' | 'write' | 'purge' | 'manage_people' | 'manage_settings' | 'export' | 'import';

const ALLOWED: Record<Role, ReadonlySet<Action>> = {
  reader: new Set(['read']),
  editor: new Set(['read', 'write']),
  // Exporting and importing read or write every page at once: bulk and costly, so they are for admins.
  admin: new Set(['read', 'write', 'purge', 'manage_people', 'manage_settings', 'export', 'import']),
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * The platform-admin realm role is admin in every instance and cannot be demoted locally; everyone else
 * has the role an instance admin chose for them, or the instance default.
 */
export function effectiveRole(input: { assigned: string | null; instanceDefault: string; platformRoles: readonly string[] }): Role {
  if (isPlatformAdmin({ roles: input.platformRoles })) return 'admin';
  if (isRole(input.assigned)) return input.assigned;
  return isRole(input.instanceDefault) ? input.instanceDefault : 'reader';
}

export function can(role: Role, action: Action): boolean {
  return ALLOWED[role].has(action);
}

/**
 * Deleting an uploaded file: an admin may delete any, an editor the files they uploaded (one whose
 * uploader was removed is left to admins). DELETE /api/media/:id and the files page both ask this.
 */
export function mayDeleteMedia(actor: { id: number; role: Role }, uploadedBy: number | null): boolean {
  return actor.role === 'admin' || (can(actor.role, 'write') && uploadedBy !== null && uploadedBy === actor.id);
}

/** The instance's storage used against its quota is shown to admins (settings, /api/media/usage, the files page). */
export function maySeeStorageUsage(role: Role): boolean {
  return role === 'admin';
}
