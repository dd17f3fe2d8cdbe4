// The Cloudflare Access service token (ORIGIN_ACCESS_CLIENT_ID / _SECRET, edge/origin-access.ts): with it
// configured, every request the edge makes to an origin or the IdP carries CF-Access-Client-Id and
// CF-Access-Client-Secret — proxied requests on the hot path and the app path, the sso. pass-through, the
// media authorize call, the token endpoint (sign-in and refresh) and the JWKS — and without it none does.
// A client's own CF-Access-* headers never reach an origin. Each case has a realm of its own at the token
// server, so what that realm saw was asked by this file's requests only.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../edge/config.ts';
import type { Env } from '../../edge/env.ts';
import { createPkce, exchangeCode, refreshTokens } from '../../edge/oidc-client.ts';
import { upstreamHeaders } from '../../edge/upstream-headers.ts';
import type { AccessSeen } from './support/token-server.ts';
import { APP, baseEnv, bearer, Browser, control, edgeFetch, hostUrl, mintAccessToken, signIn, tokenServerUrl } from './support/edge-client.ts';

const TOKEN = { id: '0123456789abcdef.access', secret: 'access-secret-for-the-edge-tests-0123456789' };
const CLIENT_FORGED = { 'cf-access-client-id': 'client-forged.access', 'cf-access-client-secret': 'client-forged-secret' };

/** The test env with its own realm (issuer and internal URL), media storage settings, and the token or not. */
function envFor(realm: string, withToken: boolean): Env {
  const publicBase = baseEnv.OIDC_ISSUER!.replace(/\/realms\/[^/]+$/, '');
  return {
    ...baseEnv,
    OIDC_ISSUER: `${publicBase}/realms/${realm}`,
    OIDC_INTERNAL_URL: `${tokenServerUrl()}/realms/${realm}`,
    // Only presigned locally (no request to the storage): enough for the edge to ask the origin first.
    S3_ACCESS_KEY_ID: 'test-key-id',
    S3_SECRET_ACCESS_KEY: 'test-secret-access-key',
    ...(withToken ? { ORIGIN_ACCESS_CLIENT_ID: TOKEN.id, ORIGIN_ACCESS_CLIENT_SECRET: TOKEN.secret } : {}),
  };
}

type Seen = { id: string | null; secret: string | null };
const NONE: Seen = { id: null, secret: null };
const echoed = async (res: Response): Promise<Seen> => {
  expect(res.status).toBe(200);
  const { headers } = (await res.json()) as { headers: Record<string, string | undefined> };
  return { id: headers['cf-access-client-id'] ?? null, secret: headers['cf-access-client-secret'] ?? null };
};

/**
 * Every kind of request the edge makes to an origin or the IdP, for one env: what Access headers each
 * arrived with. `extra` are headers the client itself sends on the proxied requests.
 */
async function observe(env: Env, realm: string, user: string, extra: Record<string, string> = {}) {
  const browser = new Browser(env);
  await signIn(browser, { username: user, groups: ['/PRO'] }, hostUrl('instance1', '/'));
  // Signed-in GET with a fresh cookie: the hot path (edge/hot-path.ts).
  const hot = await echoed(await browser.navigate(hostUrl('instance1', '/wiki/Home'), { headers: extra }));
  // A bearer: the Hono app's gateway.
  const token = await mintAccessToken({ realm, username: `${user}-api`, groups: ['/PRO'] });
  const app = await echoed(await edgeFetch(hostUrl('instance1', '/api/pages'), bearer(token, extra), env));
  // sso. passed through to the IdP.
  const idp = await echoed(await browser.fetch(hostUrl('sso', `/realms/${realm}/account`), { headers: extra }));
  // The edge's own call to the instance origin before presigning an upload (edge/media/origin-caller.ts).
  const upload = await browser.fetch(hostUrl('instance1', '/_media/uploads'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...extra },
    body: JSON.stringify({ filename: 'a.png', contentType: 'image/png', size: 10 }),
  });
  expect(upload.status).toBe(403);
  const media = ((await upload.json()) as { error: { details: { access: Seen } } }).error.details.access;
  return { hot, app, idp, media };
}

/** The Access headers of the realm's certs and token requests, the user's token calls apart. */
async function idpSeen(realm: string, user: string) {
  const { access } = (await control(realm, 'stats')) as { access: AccessSeen[] };
  const strip = ({ id, secret }: AccessSeen): Seen => ({ id, secret });
  return {
    certs: access.filter((a) => a.endpoint === 'certs').map(strip),
    codeExchange: access.filter((a) => a.grant === 'authorization_code' && a.user === user).map(strip),
    refresh: access.filter((a) => a.grant === 'refresh_token' && a.user === user).map(strip),
  };
}

/** Signs `user` in at the token server directly and refreshes once, with the given env's OIDC settings. */
async function exchangeAndRefresh(env: Env, realm: string, user: string) {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.message);
  const { oidc } = loaded.config;
  const pkce = await createPkce();
  const redirectUri = `${APP}/_auth/callback`;
  const authorize = new URL(`${tokenServerUrl()}/realms/${realm}/protocol/openid-connect/auth`);
  for (const [k, v] of Object.entries({ client_id: oidc.clientId, response_type: 'code', redirect_uri: redirectUri, state: 's', nonce: 'n', code_challenge: pkce.challenge, code_challenge_method: 'S256', test_user: user })) {
    authorize.searchParams.set(k, v);
  }
  const code = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
  const exchanged = await exchangeCode(oidc, { code, verifier: pkce.verifier, redirectUri });
  if (!exchanged.ok) throw new Error(exchanged.detail);
  const refreshed = await refreshTokens(oidc, exchanged.tokens.refresh_token!);
  expect(refreshed.ok).toBe(true);
}

describe('with an Access service token configured', () => {
  it('sends it to the origin on the hot path, the app path, the IdP pass-through and the media authorize call', async () => {
    const seen = await observe(envFor('access-on', true), 'access-on', 'access-on-user');
    const token = { id: TOKEN.id, secret: TOKEN.secret };
    expect(seen).toEqual({ hot: token, app: token, idp: token, media: token });
  });

  it('sends it to the IdP for the keys and the code exchange at sign-in', async () => {
    await observe(envFor('access-on-idp', true), 'access-on-idp', 'access-on-idp-user');
    const seen = await idpSeen('access-on-idp', 'access-on-idp-user');
    expect(seen.certs.length).toBeGreaterThan(0);
    expect(seen.codeExchange).toHaveLength(1);
    expect([...seen.certs, ...seen.codeExchange]).toEqual(Array(seen.certs.length + 1).fill({ id: TOKEN.id, secret: TOKEN.secret }));
  });

  it('sends it with a refresh at the token endpoint', async () => {
    await exchangeAndRefresh(envFor('access-on-refresh', true), 'access-on-refresh', 'access-on-refresher');
    const seen = await idpSeen('access-on-refresh', 'access-on-refresher');
    expect(seen.codeExchange).toEqual([{ id: TOKEN.id, secret: TOKEN.secret }]);
    expect(seen.refresh).toEqual([{ id: TOKEN.id, secret: TOKEN.secret }]);
  });

  it('puts its own token in place of the one a client sends', async () => {
    const seen = await observe(envFor('access-forged', true), 'access-forged', 'access-forged-user', CLIENT_FORGED);
    const token = { id: TOKEN.id, secret: TOKEN.secret };
    expect(seen).toEqual({ hot: token, app: token, idp: token, media: token });
  });
});

describe('without one', () => {
  it('sends no Access header to the origins or the IdP', async () => {
    expect(await observe(envFor('access-off', false), 'access-off', 'access-off-user')).toEqual({ hot: NONE, app: NONE, idp: NONE, media: NONE });
    await exchangeAndRefresh(envFor('access-off', false), 'access-off', 'access-off-refresher');
    const seen = await idpSeen('access-off', 'access-off-refresher');
    const all = [...seen.certs, ...seen.codeExchange, ...seen.refresh];
    expect(seen.certs.length).toBeGreaterThan(0);
    expect(seen.refresh).toHaveLength(1);
    expect(all).toEqual(Array(all.length).fill(NONE));
  });

  it("never lets a client's own CF-Access-Client-Id / -Secret through to an origin", async () => {
    expect(await observe(envFor('access-off-forged', false), 'access-off-forged', 'access-off-forged-user', CLIENT_FORGED)).toEqual({
      hot: NONE,
      app: NONE,
      idp: NONE,
      media: NONE,
    });
  });
});

describe('the header policy', () => {
  const options = { host: 'instance1.wikiplatform.localhost', proto: 'https', clientIp: null, requestId: 'rid-0123456789', dropAuthorization: true } as const;

  const inbound = new Headers({ accept: '*/*', 'CF-Access-Client-Id': 'forged.access', 'CF-Access-Client-Secret': 'forged', 'cf-access-jwt-assertion': 'forged.jwt' });

  it("drops a client's CF-Access-* headers (the cf- prefix rule)", () => {
    expect([...upstreamHeaders(inbound, options).keys()].filter((name) => name.startsWith('cf-'))).toEqual([]);
  });

  it('adds the configured token, and only it, in their place', () => {
    const withToken = upstreamHeaders(inbound, { ...options, originAccess: { clientId: TOKEN.id, clientSecret: TOKEN.secret } });
    expect([...withToken].filter(([name]) => name.startsWith('cf-'))).toEqual([
      ['cf-access-client-id', TOKEN.id],
      ['cf-access-client-secret', TOKEN.secret],
    ]);
  });
});

describe('configuration', () => {
  it('refuses a Client ID without its secret, or a secret without its Client ID, naming the missing one and never the value', async () => {
    const idOnly = { ...baseEnv, ORIGIN_ACCESS_CLIENT_ID: TOKEN.id };
    const secretOnly = { ...baseEnv, ORIGIN_ACCESS_CLIENT_SECRET: TOKEN.secret };
    for (const [env, missing, value] of [
      [idOnly, 'ORIGIN_ACCESS_CLIENT_SECRET', TOKEN.id],
      [secretOnly, 'ORIGIN_ACCESS_CLIENT_ID', TOKEN.secret],
    ] as const) {
      const loaded = loadConfig(env);
      expect(loaded.ok).toBe(false);
      if (loaded.ok) continue;
      expect(loaded.variables).toEqual([missing]);
      expect(loaded.message).toContain(`${missing}: is required when`);
      expect(loaded.message).not.toContain(value);
      const res = await edgeFetch(hostUrl('instance1', '/'), {}, env);
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(JSON.parse(body)).toMatchObject({ error: { details: { configInvalid: [missing] } } });
      expect(body).not.toContain(value);
    }
  });

  it('names the pair problem next to any other bad variable, and takes empty values as unset', () => {
    const both = loadConfig({ ...baseEnv, SESSION_SECRET: 'short', ORIGIN_ACCESS_CLIENT_ID: TOKEN.id });
    expect(both.ok ? [] : both.variables).toEqual(['SESSION_SECRET', 'ORIGIN_ACCESS_CLIENT_SECRET']);
    const empty = loadConfig({ ...baseEnv, ORIGIN_ACCESS_CLIENT_ID: '', ORIGIN_ACCESS_CLIENT_SECRET: '' });
    expect(empty.ok && empty.config.originAccess).toBeUndefined();
    const set = loadConfig({ ...baseEnv, ORIGIN_ACCESS_CLIENT_ID: TOKEN.id, ORIGIN_ACCESS_CLIENT_SECRET: TOKEN.secret });
    expect(set.ok && set.config.originAccess).toEqual({ clientId: TOKEN.id, clientSecret: TOKEN.secret });
    expect(set.ok && set.config.oidc.originAccess).toEqual({ clientId: TOKEN.id, clientSecret: TOKEN.secret });
    const spaced = loadConfig({ ...baseEnv, ORIGIN_ACCESS_CLIENT_ID: 'two words', ORIGIN_ACCESS_CLIENT_SECRET: TOKEN.secret });
    expect(spaced.ok ? [] : spaced.variables).toEqual(['ORIGIN_ACCESS_CLIENT_ID']);
  });
});
