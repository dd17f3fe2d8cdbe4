// Pure policy: which realm-management client roles let a caller do what on Keycloak's admin API. Mirrors
// Keycloak's built-in checks (no fine-grained permissions): realm-admin holds every role, view-users is a
// composite of query-users and query-groups, and manage-users passes every view check.

/** The realm-management client, whose roles guard a realm's admin API. */
export const REALM_MANAGEMENT_CLIENT = 'realm-management';

export type AdminPermission = 'query-users' | 'view-users' | 'manage-users' | 'query-groups';

const GRANTED_BY: Readonly<Record<AdminPermission, readonly string[]>> = {
  'query-users': ['query-users', 'view-users', 'manage-users', 'realm-admin'],
  'view-users': ['view-users', 'manage-users', 'realm-admin'],
  'manage-users': ['manage-users', 'realm-admin'],
  'query-groups': ['query-groups', 'view-users', 'manage-users', 'realm-admin'],
};

/** True when one of the caller's realm-management roles grants `permission`. */
export function hasAdminPermission(realmManagementRoles: readonly string[], permission: AdminPermission): boolean {
  return GRANTED_BY[permission].some((role) => realmManagementRoles.includes(role));
}
