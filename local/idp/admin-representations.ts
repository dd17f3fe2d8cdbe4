// Keycloak's admin JSON shapes (UserRepresentation, GroupRepresentation) and its user-search rules, as pure
// functions over the user store's records, so the admin API's handlers only route and validate.
import { groupIdFor } from './keycloak-claims.ts';
import type { Realm, RealmGroup } from './realm.ts';
import type { IdpUser } from './user-store.ts';

/** GET users answers at most this many without `max`, as Keycloak does. */
export const DEFAULT_MAX_RESULTS = 100;

export function toUserRepresentation(user: IdpUser, brief: boolean): Record<string, unknown> {
  const representation: Record<string, unknown> = {
    id: user.id,
    username: user.username,
    ...(user.firstName ? { firstName: user.firstName } : {}),
    ...(user.lastName ? { lastName: user.lastName } : {}),
    ...(user.email ? { email: user.email } : {}),
    emailVerified: user.emailVerified,
    createdTimestamp: user.createdTimestamp,
    enabled: user.enabled,
  };
  if (brief) return representation;
  return {
    ...representation,
    totp: false,
    disableableCredentialTypes: [],
    requiredActions: [...user.requiredActions],
    notBefore: 0,
    access: { manageGroupMembership: true, view: true, mapRoles: true, impersonate: false, manage: true },
  };
}

export function toGroupRepresentation(group: RealmGroup, realm: Realm, brief: boolean): Record<string, unknown> {
  const representation = { id: groupIdFor(realm.name, group.name), name: group.name, path: group.path, subGroupCount: 0, subGroups: [] };
  if (brief) return representation;
  return { ...representation, attributes: group.attributes, realmRoles: [], clientRoles: {}, access: { view: true, viewMembers: true, manageMembership: true, manage: true } };
}

export function findGroupById(realm: Realm, id: string): RealmGroup | undefined {
  return realm.groups.find((group) => groupIdFor(realm.name, group.name) === id);
}

export interface UserQuery {
  search?: string;
  username?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  exact?: boolean;
  enabled?: boolean;
  emailVerified?: boolean;
}

/**
 * Keycloak's GET users filter, case-insensitive. `search` looks at username, email, first and last name:
 * prefix by default, infix as `*foo*`, exact as `"foo"`; when present the attribute parameters are ignored.
 * Attribute parameters match as substrings, or exactly with `exact=true`.
 */
export function matchesUserQuery(user: IdpUser, query: UserQuery): boolean {
  if (query.enabled !== undefined && user.enabled !== query.enabled) return false;
  if (query.emailVerified !== undefined && user.emailVerified !== query.emailVerified) return false;
  const fields = { username: user.username, email: user.email, firstName: user.firstName, lastName: user.lastName };
  if (query.search !== undefined) {
    const matcher = searchMatcher(query.search);
    return Object.values(fields).some((value) => value !== null && matcher(value.toLowerCase()));
  }
  return (['username', 'email', 'firstName', 'lastName'] as const).every((key) => {
    const wanted = query[key]?.toLowerCase();
    if (wanted === undefined) return true;
    const value = fields[key]?.toLowerCase();
    if (value === undefined) return false;
    return query.exact ? value === wanted : value.includes(wanted);
  });
}

function searchMatcher(raw: string): (value: string) => boolean {
  const search = raw.trim().toLowerCase();
  if (search.length >= 2 && search.startsWith('"') && search.endsWith('"')) {
    const exact = search.slice(1, -1);
    return (value) => value === exact;
  }
  const infix = search.startsWith('*');
  const term = search.replace(/^\*+|\*+$/g, '');
  if (term === '') return () => true;
  return infix ? (value) => value.includes(term) : (value) => value.startsWith(term);
}
