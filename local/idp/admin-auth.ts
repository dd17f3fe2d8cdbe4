// Who is calling the admin API: verifies the bearer token as one of this realm's access tokens and resolves
// the caller's realm-management roles. Like Keycloak, the roles come from the caller's current role
// mappings (here: the realm file), not from the token, so a token never grants more than its owner has now.
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { REALM_MANAGEMENT_CLIENT } from './admin-permissions.ts';
import { serviceAccountUsername, subjectFor } from './keycloak-claims.ts';
import type { Realm } from './realm.ts';
import type { UserStore } from './user-store.ts';

export interface AdminCaller {
  /** The token's subject: a service-account user or a person. */
  subject: string;
  /** The client the token was issued to (azp). */
  clientId: string;
  realmManagementRoles: string[];
}

export type AdminAuthenticator = (authorization: string | undefined) => Promise<AdminCaller | null>;

export interface AdminAuthDeps {
  issuer: string;
  publicJwks: { keys: JWK[] };
  realm: Realm;
  users: UserStore;
}

/** Resolves to the caller, or null for a missing, malformed, forged, expired or orphaned token (a 401). */
export function createAdminAuthenticator(deps: AdminAuthDeps): AdminAuthenticator {
  const keys = createLocalJWKSet(deps.publicJwks);
  const serviceAccounts = new Map(
    deps.realm.clients.filter((client) => client.serviceAccounts).map((client) => [subjectFor(deps.realm.name, serviceAccountUsername(client.clientId)), client]),
  );

  return async function authenticate(authorization) {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '')?.[1];
    if (!token) return null;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: deps.issuer, algorithms: ['RS256'], typ: 'JWT' }));
    } catch {
      return null;
    }
    if (payload.typ !== 'Bearer' || typeof payload.sub !== 'string' || typeof payload.azp !== 'string') return null;
    const serviceAccount = serviceAccounts.get(payload.sub);
    if (serviceAccount) {
      if (serviceAccount.clientId !== payload.azp) return null;
      return { subject: payload.sub, clientId: payload.azp, realmManagementRoles: serviceAccount.serviceAccountClientRoles[REALM_MANAGEMENT_CLIENT] ?? [] };
    }
    // People hold no realm-management roles in the local IdP: known and enabled means 403, not 401.
    if (deps.users.get(payload.sub)?.enabled) return { subject: payload.sub, clientId: payload.azp, realmManagementRoles: [] };
    return null;
  };
}
