// Keycloak's userinfo endpoint accepts its own JWT access tokens (aud "account"); oidc-provider's refuses
// any token minted for a resource server, so this small handler answers at the same path instead.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { identityClaims } from './keycloak-claims.ts';
import type { Realm } from './realm.ts';
import type { UserStore } from './user-store.ts';

export interface UserinfoDeps {
  issuer: string;
  publicJwks: { keys: JWK[] };
  realm: Realm;
  users: UserStore;
}

export function createUserinfoHandler(deps: UserinfoDeps) {
  const keys = createLocalJWKSet(deps.publicJwks);

  return async function handleUserinfo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? '');
    if (!match?.[1]) return unauthorized(res, 'invalid_request', 'no access token provided');
    try {
      const { payload } = await jwtVerify(match[1], keys, { issuer: deps.issuer, algorithms: ['RS256'], typ: 'JWT' });
      const user = typeof payload.sub === 'string' ? deps.users.get(payload.sub) : undefined;
      if (!user?.enabled || payload.typ !== 'Bearer') return unauthorized(res, 'invalid_token', 'invalid token');
      const client = deps.realm.clients.find((c) => c.clientId === payload.azp);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(identityClaims(user, deps.realm, client)));
    } catch {
      return unauthorized(res, 'invalid_token', 'invalid token');
    }
  };
}

function unauthorized(res: ServerResponse, error: string, description: string): void {
  res.writeHead(401, {
    'content-type': 'application/json',
    'www-authenticate': `Bearer error="${error}", error_description="${description}"`,
  });
  res.end(JSON.stringify({ error, error_description: description }));
}
