import { describe, expect, it } from 'vitest';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import type { Env } from '../../edge/env.ts';
import { JwksCache } from '../../edge/jwks-cache.ts';
import { TOKEN_LEEWAY_SECONDS, verifyAccessToken, type TokenFailure } from '../../edge/token-verifier.ts';
import { baseEnv, bearer, control, edgeFetch, hostUrl, mintAccessToken, realmKey, tokenServerUrl } from './support/edge-client.ts';

const CLIENT = 'wikiplatform-edge';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** An env whose OIDC settings point at a realm of its own, so JWKS counters are this test's alone. */
function realmEnv(realm: string): Env {
  return {
    ...baseEnv,
    OIDC_ISSUER: `http://sso.wikiplatform.localhost/realms/${realm}`,
    OIDC_INTERNAL_URL: `${tokenServerUrl()}/realms/${realm}`,
  };
}

async function hmacToken(header: object, payload: object, secret: Uint8Array): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)));
  return `${input}.${btoa(String.fromCharCode(...sig)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

async function foreignKeyToken(kid: string, issuer: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ typ: 'Bearer', azp: CLIENT, groups: ['/ENTERPRISE'] })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(issuer)
    .setAudience('account')
    .setSubject('intruder')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

const enterprise = (claims: JWTPayload = {}, header: Record<string, unknown> = {}) =>
  mintAccessToken({ username: 'table-user', groups: ['/ENTERPRISE'], claims, header });

type Row = [name: string, make: () => Promise<string>, reason: TokenFailure];

const badTokens: Row[] = [
  [
    'alg "none"',
    async () => {
      const { kid, issuer } = await realmKey();
      return `${b64({ alg: 'none', kid })}.${b64({ iss: issuer, sub: 'x', aud: 'account', azp: CLIENT, typ: 'Bearer', exp: now() + 300, groups: ['/ENTERPRISE'] })}.`;
    },
    'alg_not_allowed',
  ],
  [
    'HS256 signed with the realm public key as the secret',
    async () => {
      const { kid, publicJwk, issuer } = await realmKey();
      const pem = await exportSPKI((await importJWK(publicJwk, 'RS256', { extractable: true })) as CryptoKey);
      return hmacToken(
        { alg: 'HS256', kid, typ: 'JWT' },
        { iss: issuer, sub: 'x', aud: 'account', azp: CLIENT, typ: 'Bearer', exp: now() + 300, groups: ['/ENTERPRISE'] },
        new TextEncoder().encode(pem),
      );
    },
    'alg_not_allowed',
  ],
  ['an unknown kid', () => enterprise({}, { kid: 'no-such-key' }), 'unknown_kid'],
  ['the realm kid on a foreign key', async () => foreignKeyToken((await realmKey()).kid, (await realmKey()).issuer), 'bad_signature'],
  ['a wrong issuer', () => enterprise({ iss: 'http://sso.evil.example/realms/wikiplatform' }), 'wrong_issuer'],
  ['an audience for another service', () => enterprise({ aud: 'billing-api' }), 'wrong_audience'],
  ['aud "account" but azp of another client', () => enterprise({ azp: 'some-other-client' }), 'wrong_audience'],
  ['an ID token used as a bearer', () => enterprise({ typ: 'ID', aud: 'account' }), 'wrong_type'],
  ['a refresh token used as a bearer', () => enterprise({ typ: 'Refresh' }), 'wrong_type'],
  ['expired beyond the leeway', () => enterprise({ exp: now() - TOKEN_LEEWAY_SECONDS - 60 }), 'expired'],
  ['nbf in the future beyond the leeway', () => enterprise({ nbf: now() + TOKEN_LEEWAY_SECONDS + 60 }), 'not_yet_valid'],
  ['no exp at all', () => enterprise({ exp: undefined }), 'invalid_claims'],
  [
    'a tampered payload',
    async () => {
      const [h, , s] = (await mintAccessToken({ username: 'table-user', groups: ['/STARTER'] })).split('.');
      return `${h}.${b64({ sub: 'x', groups: ['/ENTERPRISE'] })}.${s}`;
    },
    'bad_signature',
  ],
  ['a truncated signature', async () => (await enterprise()).slice(0, -12), 'bad_signature'],
  ['a token cut after the payload', async () => (await enterprise()).split('.').slice(0, 2).join('.'), 'malformed'],
  ['an oversized token', () => enterprise({ padding: 'x'.repeat(9000) }), 'oversized'],
  ['garbage', async () => 'this-is-not-a-jwt', 'malformed'],
  ['garbage in JWT shape', async () => 'eyJhbGciOi.eyJzdWIi.c2ln', 'malformed'],
];

describe('bearer token validation', () => {
  it.each(badTokens)('refuses %s with a generic 401, logging the precise reason', async (_name, make, reason) => {
    const token = await make();
    const { issuer, } = await realmKey();
    const jwks = new JwksCache({ url: `${tokenServerUrl()}/realms/wikiplatform/protocol/openid-connect/certs` });
    expect(await verifyAccessToken(token, { issuer, clientId: CLIENT, jwks })).toEqual({ ok: false, reason });

    const res = await edgeFetch(hostUrl('instance1', '/api/pages'), bearer(token));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="wikiplatform"');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'unauthenticated', message: 'Authentication required.' });
  });

  it('refuses another Authorization scheme with the same 401', async () => {
    const res = await edgeFetch(hostUrl('instance1'), { headers: { authorization: 'Basic YWRtaW46YWRtaW4=', accept: 'text/html' } });
    expect(res.status).toBe(401);
  });

  it('accepts a genuine Keycloak-shaped token: aud "account", azp our client, typ Bearer', async () => {
    const res = await edgeFetch(hostUrl('instance3', '/api'), bearer(await enterprise()));
    expect(res.status).toBe(200);
  });

  it.each<[string, JWTPayload, Record<string, unknown>]>([
    ['aud naming our client (audience mapper) and another azp', { aud: CLIENT, azp: 'wikiplatform-cli' }, {}],
    ['aud listing account and our client', { aud: ['account', CLIENT] }, {}],
    ['no aud at all but azp our client', { aud: undefined }, {}],
    ['an RFC 9068 at+jwt header and no typ claim', { typ: undefined }, { typ: 'at+jwt' }],
    ['an exp just inside the leeway', { exp: now() - 10 }, {}],
    ['an nbf just inside the leeway', { nbf: now() + 10 }, {}],
  ])('accepts %s', async (_name, claims, header) => {
    const res = await edgeFetch(hostUrl('instance3', '/api'), bearer(await enterprise(claims, header)));
    expect(res.status).toBe(200);
  });

  it('maps group names with or without the leading slash to the same plan', async () => {
    for (const groups of [['/PRO'], ['PRO']]) {
      const token = await mintAccessToken({ groups });
      expect((await edgeFetch(hostUrl('instance2'), bearer(token))).status, groups[0]).toBe(200);
      expect((await edgeFetch(hostUrl('instance3'), bearer(token))).status, groups[0]).toBe(403);
    }
    // Nested paths and other casings are not plans.
    for (const groups of [['/customers/PRO'], ['pro'], ['//PRO']]) {
      expect((await edgeFetch(hostUrl('instance1'), bearer(await mintAccessToken({ groups })))).status, groups[0]).toBe(403);
    }
  });
});

describe('JWKS cache', () => {
  it('fetches the key set once per isolate, not once per request', async () => {
    const env = realmEnv('jwks-once');
    const token = await mintAccessToken({ realm: 'jwks-once', groups: ['/STARTER'] });
    for (let i = 0; i < 20; i++) expect((await edgeFetch(hostUrl('instance1'), bearer(token), env)).status).toBe(200);
    expect((await control('jwks-once', 'stats')).certs).toBe(1);
  });

  it('refetches on an unknown kid, so a key rotated at the IdP is picked up after the cool-down', async () => {
    let clock = 2_000_000;
    const realm = 'jwks-rotate';
    const jwks = new JwksCache({ url: `${tokenServerUrl()}/realms/${realm}/protocol/openid-connect/certs`, cooldownMs: 30_000, now: () => clock });
    const { issuer } = await realmKey(realm);
    const verify = (token: string) => verifyAccessToken(token, { issuer, clientId: CLIENT, jwks });
    expect((await verify(await mintAccessToken({ realm, groups: ['/STARTER'] }))).ok).toBe(true);
    await control(realm, 'rotate', { keepOld: false });
    const rotated = await mintAccessToken({ realm, groups: ['/STARTER'] });
    clock += 30_000;
    expect((await verify(rotated)).ok).toBe(true);
    expect((await control(realm, 'stats')).certs).toBe(2);
  });

  it('refetches at most once per cool-down however many unknown kids arrive', async () => {
    let clock = 1_000_000;
    const jwks = new JwksCache({ url: `${tokenServerUrl()}/realms/jwks-cooldown/protocol/openid-connect/certs`, cooldownMs: 30_000, now: () => clock });
    expect((await jwks.getKey((await realmKey('jwks-cooldown')).kid, 'RS256')).ok).toBe(true);
    for (let i = 0; i < 25; i++) expect(await jwks.getKey(`forged-${i}`, 'RS256')).toEqual({ ok: false, reason: 'unknown_kid' });
    expect((await control('jwks-cooldown', 'stats')).certs).toBe(1);
    clock += 30_000;
    await jwks.getKey('forged-after-cooldown', 'RS256');
    expect((await control('jwks-cooldown', 'stats')).certs).toBe(2);
  });

  it('keeps the last good keys while the IdP is unreachable', async () => {
    let clock = 5_000_000;
    const realm = 'jwks-down';
    const jwks = new JwksCache({ url: `${tokenServerUrl()}/realms/${realm}/protocol/openid-connect/certs`, maxAgeMs: 60_000, now: () => clock });
    const { kid, issuer } = await realmKey(realm);
    expect((await jwks.getKey(kid, 'RS256')).ok).toBe(true);
    await control(realm, 'down', { down: true });
    try {
      clock += 10 * 60_000; // keys now stale: a refetch is attempted and fails
      const token = await mintAccessToken({ realm, groups: ['/STARTER'] });
      const verified = await verifyAccessToken(token, { issuer, clientId: CLIENT, jwks });
      expect(verified.ok).toBe(true);
      expect((await control(realm, 'stats')).certs).toBe(2);
    } finally {
      await control(realm, 'down', { down: false });
    }
  });

  it('answers 503, not 401, to a valid-looking token when the IdP keys were never reachable', async () => {
    const realm = 'jwks-cold';
    const token = await mintAccessToken({ realm, groups: ['/STARTER'] });
    await control(realm, 'down', { down: true });
    try {
      const res = await edgeFetch(hostUrl('instance1'), bearer(token), realmEnv(realm));
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      await control(realm, 'down', { down: false });
    }
  });

  it('never uses a key published for another algorithm', async () => {
    const realm = 'jwks-alg';
    const jwks = new JwksCache({ url: `${tokenServerUrl()}/realms/${realm}/protocol/openid-connect/certs` });
    const { kid } = await realmKey(realm);
    expect(await jwks.getKey(kid, 'ES256')).toEqual({ ok: false, reason: 'unknown_kid' });
  });
});
