// Pure mapping from a demo user to the claims Keycloak puts in its tokens for this realm, so the edge is
// tested against the same shapes production sends.
import { createHash } from 'node:crypto';
import type { DemoUser } from './demo-users.ts';
import type { Realm, RealmClient } from './realm.ts';

/** Keycloak's audience when no audience mapper is configured. */
export const KEYCLOAK_DEFAULT_AUDIENCE = 'account';

export function defaultRolesName(realm: Realm): string {
  return `default-roles-${realm.name}`;
}

/** Keycloak subjects are UUIDs; derive one from the username so it is stable across restarts. */
export function subjectFor(realmName: string, username: string): string {
  const hex = createHash('sha256').update(`${realmName}:${username}`).digest('hex');
  // Shape it as a version-5-style UUID (variant bits set) so validators expecting a UUID are satisfied.
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface IdentityClaims {
  sub: string;
  preferred_username: string;
  email: string;
  email_verified: boolean;
  name: string;
  given_name: string;
  family_name: string;
  realm_access: { roles: string[] };
  [groupsClaim: string]: unknown;
}

/**
 * The identity claims of an access token, ID token or userinfo response. Groups appear only when the
 * client has the group-membership mapper, as full paths or bare names depending on its "full.path".
 */
export function identityClaims(user: DemoUser, realm: Realm, client: RealmClient | undefined): IdentityClaims {
  const [given = user.name, ...rest] = user.name.split(' ');
  const claims: IdentityClaims = {
    sub: subjectFor(realm.name, user.username),
    preferred_username: user.username,
    email: user.email,
    email_verified: true,
    name: user.name,
    given_name: given,
    family_name: rest.join(' '),
    realm_access: { roles: [defaultRolesName(realm), ...user.roles] },
  };
  const mapper = client?.groupsMapper;
  if (mapper) {
    claims[mapper.claimName] = user.groups.map((name) => {
      const group = realm.groups.find((g) => g.name === name);
      return mapper.fullPath ? (group?.path ?? `/${name}`) : name;
    });
  }
  return claims;
}
