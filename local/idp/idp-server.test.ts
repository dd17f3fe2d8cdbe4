// Black-box tests of the local IdP over real HTTP: the browser-facing side through the public issuer
// (as the edge passes it through), the server-to-server side on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type IdpHandle, type StartIdpOptions } from './idp-server.ts';
import { APP_URL, EDGE, PUBLIC_ISSUER, REALM_FILE, throughEdge, VARS } from './idp-test-kit.ts';
import { basicAuth, CookieJar, followAuthorization, getTokensWithPassword, passwordLogin, send } from './login-client.ts';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-idp-'));
  tempDirs.push(dir);
  return dir;
}

function options(dataDir: string, extra: Partial<StartIdpOptions> = {}): StartIdpOptions {
  return { port: 0, issuer: PUBLIC_ISSUER, realmFile: REALM_FILE, vars: VARS, dataDir, ...extra };
}


function authorizeUrl(params: Record<string, string | undefined> = {}): { url: string; verifier: string } {
  const verifier = randomBytes(32).toString('base64url');
  const all: Record<string, string | undefined> = {
    client_id: EDGE.clientId,
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: EDGE.redirectUri,
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...params,
  };
  const url = new URL(`${PUBLIC_ISSUER}/protocol/openid-connect/auth`);
  for (const [key, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(key, value);
  return { url: url.href, verifier };
}

async function postToken(idp: IdpHandle, form: Record<string, string>, auth: 'basic' | 'post' = 'basic') {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(form);
  if (auth === 'basic') headers.authorization = basicAuth(EDGE.clientId, EDGE.clientSecret);
  else {
    body.set('client_id', EDGE.clientId);
    body.set('client_secret', EDGE.clientSecret);
  }
  const response = await fetch(`${idp.internalBaseUrl}/protocol/openid-connect/token`, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

function tokensFor(idp: IdpHandle, username: string) {
  return getTokensWithPassword({ baseUrl: PUBLIC_ISSUER, ...EDGE, username, password: username, resolveHost: throughEdge(idp) });
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('local IdP shaped like the Keycloak realm', () => {
  let idp: IdpHandle;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  beforeAll(async () => {
    idp = await startIdp(options(await tempDir()));
    jwks = createRemoteJWKSet(new URL(idp.jwksUri));
  });
  afterAll(() => idp.close());

  it('advertises Keycloak endpoint paths under the public issuer whatever host the request used', async () => {
    const response = await fetch(`${idp.internalBaseUrl}/.well-known/openid-configuration`);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: PUBLIC_ISSUER,
      authorization_endpoint: `${PUBLIC_ISSUER}/protocol/openid-connect/auth`,
      token_endpoint: `${PUBLIC_ISSUER}/protocol/openid-connect/token`,
      jwks_uri: `${PUBLIC_ISSUER}/protocol/openid-connect/certs`,
      userinfo_endpoint: `${PUBLIC_ISSUER}/protocol/openid-connect/userinfo`,
      end_session_endpoint: `${PUBLIC_ISSUER}/protocol/openid-connect/logout`,
      revocation_endpoint: `${PUBLIC_ISSUER}/protocol/openid-connect/revoke`,
      introspection_endpoint: `${PUBLIC_ISSUER}/protocol/openid-connect/token/introspect`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
    expect(idp.internalBaseUrl).toBe(`http://127.0.0.1:${idp.port}/realms/wikiplatform`);
  });

  it('signs pro in with code + PKCE and issues a Keycloak-shaped access token that verifies against the certs endpoint', async () => {
    const tokens = await tokensFor(idp, 'pro');
    expect(tokens.refresh_token).toBeTruthy();
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: PUBLIC_ISSUER, audience: 'account', algorithms: ['RS256'] });
    expect(payload).toMatchObject({
      azp: 'wikiplatform-edge',
      typ: 'Bearer',
      preferred_username: 'pro',
      email: 'pro@demo.wikiplatform.localhost',
      email_verified: true,
      name: 'Pat Pro',
      given_name: 'Pat',
      family_name: 'Pro',
      groups: ['/PRO'],
      realm_access: { roles: ['default-roles-wikiplatform'] },
      sid: expect.any(String),
      auth_time: expect.any(Number),
    });
    expect(payload.scope).toContain('openid');
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  it('puts the same identity claims and the nonce in the ID token', async () => {
    const { url, verifier } = authorizeUrl({ nonce: 'nonce-123' });
    const { callbackUrl } = await passwordLogin({ authorizeUrl: url, username: 'enterprise', password: 'enterprise', resolveHost: throughEdge(idp) });
    const code = new URL(callbackUrl).searchParams.get('code')!;
    const { json } = await postToken(idp, { grant_type: 'authorization_code', code, redirect_uri: EDGE.redirectUri, code_verifier: verifier }, 'post');
    const { payload } = await jwtVerify(json.id_token!, jwks, { issuer: PUBLIC_ISSUER, audience: EDGE.clientId });
    expect(payload).toMatchObject({ nonce: 'nonce-123', preferred_username: 'enterprise', name: 'Erin Enterprise', groups: ['/ENTERPRISE'], sid: expect.any(String), auth_time: expect.any(Number) });
  });

  it('gives admin the platform-admin realm role and no plan group', async () => {
    const tokens = await tokensFor(idp, 'admin');
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: PUBLIC_ISSUER, audience: 'account' });
    expect(payload.realm_access).toEqual({ roles: ['default-roles-wikiplatform', 'platform-admin'] });
    expect(payload.groups).toEqual([]);
  });

  it('shows the form again with an error and no code after a wrong password', async () => {
    const jar = new CookieJar();
    const http = { resolveHost: throughEdge(idp) };
    const form = await followAuthorization(authorizeUrl().url, jar, http);
    expect(form.kind).toBe('login-form');
    if (form.kind !== 'login-form') return;
    const again = await followAuthorization(form.action, jar, http, { method: 'POST', form: { username: 'pro', password: 'wrong' } });
    expect(again.kind).toBe('login-form');
    if (again.kind !== 'login-form') return;
    expect(again.html).toContain('Invalid username or password.');
    expect(again.html).toContain('value="pro"');
  });

  it('escapes what the user typed when it shows the form again', async () => {
    const jar = new CookieJar();
    const http = { resolveHost: throughEdge(idp) };
    const form = await followAuthorization(authorizeUrl().url, jar, http);
    if (form.kind !== 'login-form') throw new Error('expected the login form');
    const again = await followAuthorization(form.action, jar, http, { method: 'POST', form: { username: '"><script>x</script>', password: 'x' } });
    if (again.kind !== 'login-form') throw new Error('expected the login form');
    expect(again.html).not.toContain('<script>x');
    expect(again.html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('refuses an authorization request without PKCE', async () => {
    const outcome = await followAuthorization(authorizeUrl({ code_challenge: undefined, code_challenge_method: undefined }).url, new CookieJar(), { resolveHost: throughEdge(idp) });
    expect(outcome.kind).toBe('callback');
    if (outcome.kind !== 'callback') return;
    const callback = new URL(outcome.callbackUrl);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('refuses a redirect_uri the realm does not list, without redirecting there', async () => {
    const outcome = await followAuthorization(authorizeUrl({ redirect_uri: 'http://evil.example/_auth/callback' }).url, new CookieJar(), { resolveHost: throughEdge(idp) });
    expect(outcome).toMatchObject({ kind: 'error-page', status: 400 });
  });

  it('exchanges a refresh token for a new access token, with client_secret_basic and client_secret_post', async () => {
    const tokens = await tokensFor(idp, 'starter');
    for (const auth of ['basic', 'post'] as const) {
      const refreshed = await postToken(idp, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth);
      expect(refreshed.status).toBe(200);
      expect(refreshed.json.refresh_token).toBeTruthy();
      const { payload } = await jwtVerify(refreshed.json.access_token!, jwks, { issuer: PUBLIC_ISSUER, audience: 'account' });
      expect(payload).toMatchObject({ preferred_username: 'starter', groups: ['/STARTER'], azp: EDGE.clientId });
    }
  });

  it('refuses the token endpoint to a client with a wrong secret', async () => {
    const response = await fetch(`${idp.internalBaseUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { authorization: basicAuth(EDGE.clientId, 'nope'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(response.status).toBe(401);
  });

  it('answers userinfo for its access tokens with the identity claims', async () => {
    const tokens = await tokensFor(idp, 'pro');
    const response = await fetch(`${idp.internalBaseUrl}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ preferred_username: 'pro', groups: ['/PRO'] });
    const anonymous = await fetch(`${idp.internalBaseUrl}/protocol/openid-connect/userinfo`);
    expect(anonymous.status).toBe(401);
  });

  it('issues a service-account token to the portal with client_credentials', async () => {
    const response = await fetch(`${idp.internalBaseUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { authorization: basicAuth('wikiplatform-portal', VARS.WIKIPLATFORM_PORTAL_CLIENT_SECRET) },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { access_token: string };
    const { payload } = await jwtVerify(json.access_token, jwks, { issuer: PUBLIC_ISSUER, audience: 'account' });
    expect(payload).toMatchObject({ azp: 'wikiplatform-portal', preferred_username: 'service-account-wikiplatform-portal' });
  });

  it('logs out with id_token_hint straight to the post-logout URI, and the next sign-in shows the form', async () => {
    const http = { resolveHost: throughEdge(idp) };
    const tokens = await tokensFor(idp, 'pro');
    // While the IdP session lives, a new authorization comes straight back (SSO), proving the jar holds it.
    expect((await followAuthorization(authorizeUrl().url, tokens.cookies, http)).kind).toBe('callback');

    const logout = new URL(`${PUBLIC_ISSUER}/protocol/openid-connect/logout`);
    logout.search = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: `${APP_URL}/_auth/signed-out`, state: 'bye' }).toString();
    const response = await send(logout, tokens.cookies, {}, http);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`${APP_URL}/_auth/signed-out?state=bye`);

    expect((await followAuthorization(authorizeUrl().url, tokens.cookies, http)).kind).toBe('login-form');
    const refreshed = await postToken(idp, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refreshed.json.error).toBe('invalid_grant');
  });

  it('asks for confirmation before logging out when no id_token_hint proves who asks', async () => {
    const http = { resolveHost: throughEdge(idp) };
    const tokens = await tokensFor(idp, 'starter');
    const response = await send(new URL(`${PUBLIC_ISSUER}/protocol/openid-connect/logout`), tokens.cookies, {}, http);
    expect(response.status).toBe(200);
    expect(response.body).toContain('name="logout" value="yes"');
    expect((await followAuthorization(authorizeUrl().url, tokens.cookies, http)).kind).toBe('callback');
  });

  it('refuses a post-logout URI outside the client wildcard', async () => {
    const http = { resolveHost: throughEdge(idp) };
    const tokens = await tokensFor(idp, 'starter');
    const logout = new URL(`${PUBLIC_ISSUER}/protocol/openid-connect/logout`);
    logout.search = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'http://evil.example/' }).toString();
    const response = await send(logout, tokens.cookies, {}, http);
    expect(response.status).toBe(400);
    expect(response.location).toBeNull();
  });
});

describe('local IdP across restarts and with a bad realm', () => {
  it('keeps its signing keys in a private file, so a token minted before a restart still verifies after', async () => {
    const dataDir = await tempDir();
    const first = await startIdp(options(dataDir));
    const tokens = await tokensFor(first, 'pro');
    await first.close();

    const second = await startIdp(options(dataDir));
    try {
      const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(second.jwksUri)), { issuer: PUBLIC_ISSUER, audience: 'account' });
      expect(payload.preferred_username).toBe('pro');
      expect((await stat(join(dataDir, 'idp', 'jwks.json'))).mode & 0o777).toBe(0o600);
      // The session survived too: the refresh token still works.
      expect((await postToken(second, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('honours a short access-token lifetime', async () => {
    const idp = await startIdp(options(await tempDir(), { accessTokenTtlSeconds: 2 }));
    try {
      const { payload } = await jwtVerify((await tokensFor(idp, 'pro')).access_token, createRemoteJWKSet(new URL(idp.jwksUri)), { issuer: PUBLIC_ISSUER });
      expect(payload.exp! - payload.iat!).toBe(2);
    } finally {
      await idp.close();
    }
  });

  it('refuses to start when a user is in a group the realm does not define', async () => {
    const users = [{ username: 'x', password: 'x', plan: null, name: 'X Y', email: 'x@example.test', groups: ['GOLD'], roles: [] }];
    await expect(startIdp(options(await tempDir(), { users }))).rejects.toThrow(/user "x" is in group "GOLD", which realm "wikiplatform" does not define/);
  });
});
