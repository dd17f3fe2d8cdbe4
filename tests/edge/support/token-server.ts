// A small OIDC provider shaped like Keycloak, for the edge tests (Node side). Each realm under
// /realms/<name> has its own RSA key, so tests that count JWKS fetches or rotate keys do not disturb
// each other. It enforces what the edge must get right: client authentication, the exact redirect URI,
// PKCE S256, one-time codes, and it mints tokens with Keycloak's claim shapes.
// Control endpoints under /_control/<realm>/ let a test rotate keys, take the realm down, delay or
// refuse refreshes, read counters, and fetch the realm's private key to mint its own tokens.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface TokenServerOptions {
  /** Public issuer base; a realm's issuer is `${publicBase}/realms/<realm>`. */
  publicBase: string;
  clientId: string;
  clientSecret: string;
}

interface RealmKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  privateKey: CryptoKey;
}

interface TestUser {
  username: string;
  groups: string[];
  roles: string[];
}

interface Grant {
  user: TestUser;
  lineage: string;
  revoked: boolean;
}

/** The Cloudflare Access headers one certs or token request carried (null: absent). */
export interface AccessSeen {
  endpoint: 'certs' | 'token';
  /** For token calls: the grant type and the user the code or refresh token belongs to. */
  grant?: string;
  user?: string;
  id: string | null;
  secret: string | null;
}

interface Realm {
  name: string;
  keys: RealmKey[];
  /** Keys served by the certs endpoint (current first). */
  published: RealmKey[];
  down: boolean;
  refreshDelayMs: number;
  /** Users whose refresh grants get a 503, as from an IdP that is down (scoped, so parallel tests are unaffected). */
  refreshOutage: Set<string>;
  stats: { certs: number; tokenCalls: number; refreshes: Record<string, number>; access: AccessSeen[] };
  codes: Map<string, { user: TestUser; redirectUri: string; challenge: string; nonce?: string; accessTtl: number; used: boolean }>;
  refreshTokens: Map<string, Grant>;
}

async function newKey(realm: string, n: number): Promise<RealmKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `${realm}-k${n}-${randomUUID().slice(0, 8)}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateJwk, publicJwk, privateKey: privateKey as CryptoKey };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function userSub(username: string): string {
  return createHash('sha256').update(username).digest('hex').slice(0, 32);
}

export async function startTokenServer(o: TokenServerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const realms = new Map<string, Realm>();

  async function realm(name: string): Promise<Realm> {
    let r = realms.get(name);
    if (!r) {
      const key = await newKey(name, 1);
      r = {
        name,
        keys: [key],
        published: [key],
        down: false,
        refreshDelayMs: 0,
        refreshOutage: new Set(),
        stats: { certs: 0, tokenCalls: 0, refreshes: {}, access: [] },
        codes: new Map(),
        refreshTokens: new Map(),
      };
      realms.set(name, r);
    }
    return r;
  }

  const issuerOf = (r: Realm) => `${o.publicBase}/realms/${r.name}`;

  async function mintTokens(r: Realm, user: TestUser, accessTtl: number, nonce: string | undefined, lineage: string) {
    const key = r.keys[0]!;
    const now = Math.floor(Date.now() / 1000);
    const sub = userSub(user.username);
    const profile = {
      preferred_username: user.username,
      email: `${user.username}@example.test`,
      email_verified: true,
      name: `Test ${user.username}`,
      groups: user.groups,
    };
    const sid = randomUUID();
    // Keycloak's access-token shape: aud "account", azp = the client, typ "Bearer".
    const access = await new SignJWT({
      ...profile,
      typ: 'Bearer',
      azp: o.clientId,
      sid,
      realm_access: { roles: [...user.roles, 'offline_access', 'uma_authorization'] },
      scope: 'openid profile email',
    })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(issuerOf(r))
      .setAudience('account')
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + accessTtl)
      .setJti(randomUUID())
      .sign(key.privateKey);
    const id = await new SignJWT({ ...profile, typ: 'ID', azp: o.clientId, sid, ...(nonce ? { nonce } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(issuerOf(r))
      .setAudience(o.clientId)
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(key.privateKey);
    const refresh = randomBytes(32).toString('base64url');
    r.refreshTokens.set(refresh, { user, lineage, revoked: false });
    return {
      access_token: access,
      expires_in: accessTtl,
      refresh_expires_in: 1800,
      refresh_token: refresh,
      token_type: 'Bearer',
      id_token: id,
      scope: 'openid profile email',
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://token-server');
    const control = /^\/_control\/([a-z0-9-]+)\/([a-z-]+)$/.exec(url.pathname);
    if (control) {
      const r = await realm(control[1]!);
      const body = req.method === 'POST' ? (JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>) : {};
      switch (control[2]) {
        case 'key':
          return json(res, 200, { kid: r.keys[0]!.kid, privateJwk: r.keys[0]!.privateJwk, publicJwk: r.keys[0]!.publicJwk, issuer: issuerOf(r) });
        case 'stats':
          return json(res, 200, r.stats);
        case 'down':
          r.down = Boolean(body.down);
          return json(res, 200, { down: r.down });
        case 'settings':
          if (typeof body.refreshDelayMs === 'number') r.refreshDelayMs = body.refreshDelayMs;
          if (typeof body.refreshOutageFor === 'string') r.refreshOutage.add(body.refreshOutageFor);
          if (typeof body.refreshRestoredFor === 'string') r.refreshOutage.delete(body.refreshRestoredFor);
          return json(res, 200, { ok: true });
        case 'revoke-user': {
          for (const g of r.refreshTokens.values()) if (g.user.username === body.username) g.revoked = true;
          return json(res, 200, { ok: true });
        }
        case 'rotate': {
          const key = await newKey(r.name, r.keys.length + 1);
          r.keys.unshift(key);
          r.published = body.keepOld ? [key, ...r.published] : [key];
          return json(res, 200, { kid: key.kid, privateJwk: key.privateJwk });
        }
        default:
          return json(res, 404, { error: 'unknown control' });
      }
    }

    const m = /^\/realms\/([a-z0-9-]+)\/protocol\/openid-connect\/([a-z]+)$/.exec(url.pathname);
    if (!m) return json(res, 404, { error: 'not_found' });
    const r = await realm(m[1]!);
    const endpoint = m[2]!;

    const header = (name: string) => (typeof req.headers[name] === 'string' ? req.headers[name] : null);
    const seenAccess = (extra: Pick<AccessSeen, 'endpoint' | 'grant' | 'user'>) =>
      r.stats.access.push({ ...extra, id: header('cf-access-client-id'), secret: header('cf-access-client-secret') });

    if (endpoint === 'certs') {
      r.stats.certs += 1;
      seenAccess({ endpoint: 'certs' });
      if (r.down) return json(res, 503, { error: 'down' });
      return json(res, 200, { keys: r.published.map((k) => k.publicJwk) });
    }

    if (endpoint === 'auth') {
      const p = url.searchParams;
      if (p.get('client_id') !== o.clientId) return json(res, 400, { error: 'unauthorized_client' });
      if (p.get('response_type') !== 'code') return json(res, 400, { error: 'unsupported_response_type' });
      if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) return json(res, 400, { error: 'invalid_request', why: 'pkce' });
      if (!p.get('state') || !p.get('nonce')) return json(res, 400, { error: 'invalid_request', why: 'state/nonce' });
      const redirectUri = p.get('redirect_uri') ?? '';
      const user: TestUser = {
        username: p.get('test_user') ?? 'someone',
        groups: (p.get('test_groups') ?? '').split(',').filter(Boolean),
        roles: (p.get('test_roles') ?? '').split(',').filter(Boolean),
      };
      const code = randomBytes(24).toString('base64url');
      r.codes.set(code, {
        user,
        redirectUri,
        challenge: p.get('code_challenge')!,
        nonce: p.get('nonce') ?? undefined,
        accessTtl: Number(p.get('test_access_ttl') ?? 300),
        used: false,
      });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state')!);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }

    if (endpoint === 'token') {
      r.stats.tokenCalls += 1;
      if (req.method !== 'POST') return json(res, 405, { error: 'invalid_request' });
      const expected = `Basic ${Buffer.from(`${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return json(res, 401, { error: 'invalid_client' });
      const form = new URLSearchParams(await readBody(req));
      if (r.down) return json(res, 503, { error: 'down' });
      if (form.get('grant_type') === 'authorization_code') {
        const grant = r.codes.get(form.get('code') ?? '');
        if (!grant || grant.used) return json(res, 400, { error: 'invalid_grant' });
        seenAccess({ endpoint: 'token', grant: 'authorization_code', user: grant.user.username });
        grant.used = true;
        if (form.get('redirect_uri') !== grant.redirectUri) return json(res, 400, { error: 'invalid_grant', why: 'redirect_uri' });
        const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (challenge !== grant.challenge) return json(res, 400, { error: 'invalid_grant', why: 'pkce' });
        return json(res, 200, await mintTokens(r, grant.user, grant.accessTtl, grant.nonce, randomUUID()));
      }
      if (form.get('grant_type') === 'refresh_token') {
        const grant = r.refreshTokens.get(form.get('refresh_token') ?? '');
        if (!grant || grant.revoked) return json(res, 400, { error: 'invalid_grant' });
        seenAccess({ endpoint: 'token', grant: 'refresh_token', user: grant.user.username });
        r.stats.refreshes[grant.user.username] = (r.stats.refreshes[grant.user.username] ?? 0) + 1;
        if (r.refreshOutage.has(grant.user.username)) return json(res, 503, { error: 'temporarily_unavailable' });
        if (r.refreshDelayMs) await sleep(r.refreshDelayMs);
        return json(res, 200, await mintTokens(r, grant.user, 300, undefined, grant.lineage));
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    }

    return json(res, 404, { error: 'not_found' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
