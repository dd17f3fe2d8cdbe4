// oidc-provider configuration that makes it look like Keycloak from the outside: Keycloak's endpoint
// paths, JWT access tokens with aud "account", Keycloak's claims, implicit consent for realm clients,
// refresh tokens without offline_access, and logout without confirmation when id_token_hint is given.
import type { Configuration, KoaContextWithOIDC, OidcToken } from 'oidc-provider';
import { identityClaims, KEYCLOAK_DEFAULT_AUDIENCE, subjectFor, defaultRolesName, serviceAccountUsername } from './keycloak-claims.ts';
import type { PrivateJwks } from './keys.ts';
import { renderErrorPage, renderLogoutConfirmPage } from './login-page.ts';
import type { Realm } from './realm.ts';
import type { FileStore } from './store-adapter.ts';
import type { UserStore } from './user-store.ts';

/** The resource indicator every access token is minted for; it only exists to get JWT access tokens. */
export const ACCOUNT_RESOURCE = 'urn:wikiplatform:idp:account';
/** Keycloak's default client scopes: present in every token whatever the request asked for. */
const KEYCLOAK_DEFAULT_SCOPES = ['openid', 'profile', 'email'];

export const KEYCLOAK_ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  userinfo: '/protocol/openid-connect/userinfo',
  end_session: '/protocol/openid-connect/logout',
  revocation: '/protocol/openid-connect/revoke',
  introspection: '/protocol/openid-connect/token/introspect',
  pushed_authorization_request: '/protocol/openid-connect/ext/par/request',
};

export interface ProviderConfigInput {
  realm: Realm;
  users: UserStore;
  jwks: PrivateJwks;
  cookieKeys: string[];
  store: FileStore;
  mountPath: string;
  accessTokenTtlSeconds: number;
}

export function buildProviderConfiguration(input: ProviderConfigInput): Configuration {
  const { realm, store, mountPath, accessTokenTtlSeconds: ttl } = input;
  const { users } = input;
  const clientsById = new Map(realm.clients.map((client) => [client.clientId, client]));
  const groupClaims = [...new Set(realm.clients.flatMap((c) => (c.groupsMapper ? [c.groupsMapper.claimName] : [])))];
  const longCookie = { httpOnly: true, sameSite: 'lax', path: `${mountPath}/` };

  /** Keycloak ends the SSO session right away when the logout request proves who asks (id_token_hint). */
  async function endSessionWithoutConfirmation(ctx: KoaContextWithOIDC): Promise<void> {
    const { session } = ctx.oidc;
    const { postLogoutRedirectUri, state } = session.state ?? {};
    for (const [clientId, authorization] of Object.entries(session.authorizations ?? {})) {
      if (authorization.grantId && !session.authorizationFor(clientId)?.persistsLogout) {
        store.revokeGrant(authorization.grantId);
        store.delete(`Grant:${authorization.grantId}`);
      }
    }
    await session.destroy();
    ctx.cookies.set(ctx.oidc.provider.cookieName('session'), null, longCookie);
    const target = new URL(postLogoutRedirectUri ?? ctx.oidc.urlFor('end_session_success'));
    if (postLogoutRedirectUri && state != null) target.searchParams.set('state', String(state));
    ctx.status = 303;
    ctx.redirect(target.href);
  }

  return {
    adapter: store.adapterFor,
    jwks: input.jwks,
    clients: realm.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.secret,
      client_name: client.name,
      redirect_uris: client.standardFlow ? client.redirectUris : [],
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      grant_types: [
        ...(client.standardFlow ? ['authorization_code', 'refresh_token'] : []),
        ...(client.serviceAccounts ? ['client_credentials'] : []),
      ],
      response_types: client.standardFlow ? ['code'] : [],
      // oidc-provider accepts client_secret_post too for clients registered with basic, as Keycloak does.
      token_endpoint_auth_method: 'client_secret_basic',
      // Keycloak always puts auth_time in ID tokens.
      require_auth_time: true,
    })),
    routes: KEYCLOAK_ROUTES,
    // What the realm's clients use: code flow only, client secrets only.
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    scopes: ['openid', 'offline_access', 'profile', 'email', 'roles'],
    // Keycloak's default client scopes put every identity claim in every token, so they hang off "openid".
    claims: {
      openid: ['sub', 'preferred_username', 'name', 'given_name', 'family_name', 'email', 'email_verified', 'realm_access', ...groupClaims],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
      acr: null,
      sid: null,
      auth_time: null,
      iss: null,
    },
    conformIdTokenClaims: false,
    cookies: {
      keys: input.cookieKeys,
      // Distinct names: the edge's own cookies on the parent domain reach this host too.
      names: { session: 'wp_idp_session', interaction: 'wp_idp_interaction', resume: 'wp_idp_resume' },
      long: longCookie,
      short: { httpOnly: true, sameSite: 'lax' },
    },
    pkce: { required: (_ctx: unknown, client: { clientId: string }) => clientsById.get(client.clientId)?.pkceS256 ?? true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          if (ctx.oidc.entities.IdTokenHint) return endSessionWithoutConfirmation(ctx);
          ctx.type = 'html';
          ctx.body = renderLogoutConfirmPage(form, realm.name);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = renderErrorPage('Signed out', 'You are signed out.');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf ?? ACCOUNT_RESOURCE,
        // Without this, a request with scope "openid" would get an opaque token meant for userinfo only.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
          if (indicator !== ACCOUNT_RESOURCE) throw new Error(`unknown resource indicator ${indicator}`);
          return {
            scope: [...KEYCLOAK_DEFAULT_SCOPES, 'roles'].join(' '),
            audience: KEYCLOAK_DEFAULT_AUDIENCE,
            accessTokenTTL: ttl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    formats: {
      customizers: {
        jwt: async (ctx: KoaContextWithOIDC, token: OidcToken, jwt: { header?: Record<string, unknown>; payload: Record<string, unknown> }) => {
          // Keycloak's access tokens say typ "JWT" in the header and typ "Bearer" in the payload.
          jwt.header = { typ: 'JWT' };
          const payload = jwt.payload;
          const client = clientsById.get(token.clientId ?? '');
          payload.typ = 'Bearer';
          payload.azp = token.clientId;
          payload.scope = [...new Set([...KEYCLOAK_DEFAULT_SCOPES, ...String(payload.scope ?? '').split(' ').filter(Boolean)])].join(' ');
          if (token.accountId) {
            const user = users.get(token.accountId);
            // findAccount already refused a user who is gone; never mint a token without their claims.
            if (!user) throw new Error('the user of this grant no longer exists');
            delete payload.client_id; // Keycloak user tokens carry azp, not client_id
            const authTime = ctx.oidc.entities.AuthorizationCode?.authTime ?? ctx.oidc.entities.RefreshToken?.authTime;
            Object.assign(payload, { auth_time: authTime, sid: token.sid, acr: '1' }, identityClaims(user, realm, client));
          } else {
            // A service account token (client_credentials), as Keycloak mints for serviceAccountsEnabled clients:
            // its client roles (realm-management for the portal) under resource_access, as Keycloak's roles scope does.
            const username = serviceAccountUsername(token.clientId ?? '');
            const clientRoles = Object.entries(client?.serviceAccountClientRoles ?? {}).filter(([, roles]) => roles.length > 0);
            Object.assign(payload, {
              sub: subjectFor(realm.name, username),
              preferred_username: username,
              realm_access: { roles: [defaultRolesName(realm)] },
              ...(clientRoles.length > 0 ? { resource_access: Object.fromEntries(clientRoles.map(([id, roles]) => [id, { roles }])) } : {}),
            });
          }
        },
      },
    },
    // Read at every use, so tokens carry the user's current groups (the admin API may have changed them).
    findAccount: async (ctx: KoaContextWithOIDC, sub: string) => {
      const user = users.get(sub);
      if (!user?.enabled) return undefined;
      return {
        accountId: sub,
        claims: async () => identityClaims(users.get(sub) ?? user, realm, clientsById.get(ctx.oidc.client?.clientId ?? '')),
      };
    },
    // Realm clients are first-party: consent is implicit, as in Keycloak without "consent required".
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { session, client, provider } = ctx.oidc;
      if (!session.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const grant = (grantId ? await provider.Grant.find(grantId) : undefined) ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const requested = [...ctx.oidc.requestParamScopes].filter((scope) => scope !== 'offline_access');
      grant.addOIDCScope([...new Set([...KEYCLOAK_DEFAULT_SCOPES, ...requested])].join(' '));
      grant.addResourceScope(ACCOUNT_RESOURCE, [...KEYCLOAK_DEFAULT_SCOPES, 'roles'].join(' '));
      await grant.save();
      return grant;
    },
    // Keycloak hands out a refresh token on every code grant; it dies with the SSO session.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    // Keycloak's default keeps an old refresh token usable, so concurrent refreshes never log a user out.
    rotateRefreshToken: () => false,
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `${mountPath}/interaction/${interaction.uid}` },
    clientBasedCORS: (_ctx: unknown, origin: string, client: { clientId: string }) =>
      // Keycloak's webOrigins "+": the origins of the client's redirect URIs.
      (clientsById.get(client.clientId)?.redirectUris ?? []).some((uri) => new URL(uri).origin === origin),
    renderError: async (ctx: KoaContextWithOIDC, out: { error?: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = renderErrorPage('Sign-in error', out.error_description ?? out.error ?? 'The request could not be processed.');
    },
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      IdToken: ttl,
      AuthorizationCode: 60,
      RefreshToken: realm.ssoSessionIdleTimeout,
      Session: realm.ssoSessionMaxLifespan,
      Grant: realm.ssoSessionMaxLifespan,
      Interaction: 30 * 60,
    },
  };
}
