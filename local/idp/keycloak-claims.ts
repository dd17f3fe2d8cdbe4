// Pure mapping from a user to the claims Keycloak puts in its tokens for this realm, so the edge is
// tested against the same shapes production sends.
import { createHash } from 'node:crypto';
import type { Realm, RealmClient } from './realm.ts';
import type { IdpUser } from './user-store.ts';

/** Keycloak's audience when no audience mapper is configured. */
export const KEYCLOAK_DEFAULT_AUDIENCE = 'account';

export function defaultRolesName(realm: Realm): string {
  return `default-roles-${realm.name}`;
}

/** Keycloak's name for the user behind a client's service account. */
export function serviceAccountUsername(clientId: string): string {
  return `service-account-${clientId}`;
}

/** Keycloak ids are UUIDs; derive one from the username so a seeded user's id is stable across restarts. */
export function subjectFor(realmName: string, username: string): string {
  return stableUuid(`${realmName}:${username}`);
}

/** The id of a realm group: Keycloak generates one at import; here it is derived from the name, so it never changes. */
export function groupIdFor(realmName: string, groupName: string): string {
  return stableUuid(`${realmName}:group:${groupName}`);
}

function stableUuid(input: string): string {
  const hex = createHash('sha256').update(input).digest('hex');
  // Shape it as a version-5-style UUID (variant bits set) so validators expecting a UUID are satisfied.
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface IdentityClaims {
  sub: string;
  preferred_username: string;
  email?: string;
  email_verified: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  realm_access: { roles: string[] };
  [groupsClaim: string]: unknown;
}

/**
 * The identity claims of an access token, ID token or userinfo response. As Keycloak's mappers do, a claim
 * whose attribute is empty is left out. Groups appear only when the client has the group-membership mapper,
 * as full paths or bare names depending on its "full.path"; groups the realm no longer defines are dropped.
 */
export function identityClaims(user: IdpUser, realm: Realm, client: RealmClient | undefined): IdentityClaims {
  const fullName = [user.firstName, user.lastName].filter(Boolean).join(' ');
  const claims: IdentityClaims = {
    sub: user.id,
    preferred_username: user.username,
    ...(user.email ? { email: user.email } : {}),
    email_verified: user.emailVerified,
    ...(fullName ? { name: fullName } : {}),
    ...(user.firstName ? { given_name: user.firstName } : {}),
    ...(user.lastName ? { family_name: user.lastName } : {}),
    realm_access: { roles: [defaultRolesName(realm), ...user.realmRoles] },
  };
  const mapper = client?.groupsMapper;
  if (mapper) {
    claims[mapper.claimName] = user.groups.flatMap((name) => {
      const group = realm.groups.find((g) => g.name === name);
      if (!group) return [];
      return [mapper.fullPath ? group.path : name];
    });
  }
  return claims;
}
