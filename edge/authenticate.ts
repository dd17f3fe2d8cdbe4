// Who is calling: an API client's bearer token, or a browser's session cookie. The hot path (a fresh
// cookie) is one HMAC check and no I/O; a stale cookie asks the session's Durable Object, which may
// refresh the IdP tokens, and the caller then gets a new cookie.
import { SESSION_COOKIE } from '#shared/headers';
import { identityFromKeycloakClaims, type Identity } from '#shared/identity';
import type { EdgeConfig } from './config.ts';
import { cookieValue } from './cookies.ts';
import type { EdgeKeys } from './crypto-keys.ts';
import type { Env } from './env.ts';
import type { AuthFailure } from './failures.ts';
import type { JwksCache } from './jwks-cache.ts';
import { openSession, rememberedSession, sealSession, type SessionClaims, type SessionCookieResult } from './session-cookie.ts';
import { freshUntil } from './session-policy.ts';
import { verifyAccessToken } from './token-verifier.ts';

export type AuthResult =
  | { ok: true; identity: Identity; via: 'bearer' }
  | { ok: true; identity: Identity; via: 'session'; sid: string; renewed?: { value: string; maxAge: number } }
  /** `hadSession`: a session cookie was presented and is now useless, so clear it. */
  | { ok: false; reason: AuthFailure; hadSession: boolean };

export interface AuthDeps {
  config: EdgeConfig;
  keys: EdgeKeys;
  jwks: JwksCache;
  env: Env;
  nowSeconds: number;
}

export async function authenticate(req: Request, d: AuthDeps): Promise<AuthResult> {
  const authorization = req.headers.get('authorization');
  // An Authorization header means an API client: the bearer alone decides, cookies are ignored.
  if (authorization !== null) return authenticateBearer(authorization, d);
  const cookie = cookieValue(req.headers.get('cookie'), SESSION_COOKIE);
  if (!cookie) return { ok: false, reason: 'no_credentials', hadSession: false };
  return authenticateSession(cookie, d);
}

/**
 * The hot path's question: is the caller's only credential a session cookie that is valid and fresh?
 * Then its identity, exactly as `authenticate` would return it; otherwise null (and `authenticate`
 * decides). Pure: no Durable Object, no IdP, so asking first and then `authenticate` changes nothing.
 */
export function freshSessionIdentity(
  headers: Headers,
  cookieHeader: string | null,
  keys: EdgeKeys,
  nowSeconds: number,
): Identity | null | Promise<Identity | null> {
  if (!cookieHeader || headers.has('authorization')) return null;
  const cookie = cookieValue(cookieHeader, SESSION_COOKIE);
  if (!cookie) return null;
  // A cookie seen before is answered without a promise: this runs on nearly every request.
  const known = rememberedSession(keys.sessionMac, cookie, nowSeconds);
  return known ? freshIdentity(known) : openSession(keys.sessionMac, cookie, nowSeconds).then(freshIdentity);
}

function freshIdentity(opened: SessionCookieResult): Identity | null {
  return opened.ok && !opened.stale ? opened.claims.identity : null;
}

async function authenticateBearer(header: string, d: AuthDeps): Promise<AuthResult> {
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  if (!match) return { ok: false, reason: 'unsupported_scheme', hadSession: false };
  const verified = await verifyAccessToken(match[1]!, {
    issuer: d.config.oidc.issuer,
    clientId: d.config.oidc.clientId,
    jwks: d.jwks,
    now: () => d.nowSeconds,
  });
  if (!verified.ok) return { ok: false, reason: verified.reason, hadSession: false };
  const identity = identityFromKeycloakClaims(verified.claims);
  if (!identity) return { ok: false, reason: 'invalid_identity', hadSession: false };
  return { ok: true, identity, via: 'bearer' };
}

async function authenticateSession(cookie: string, d: AuthDeps): Promise<AuthResult> {
  const opened = await openSession(d.keys.sessionMac, cookie, d.nowSeconds);
  if (!opened.ok) return { ok: false, reason: `cookie_${opened.reason}`, hadSession: true };
  const { claims } = opened;
  if (!opened.stale) return { ok: true, identity: claims.identity, via: 'session', sid: claims.sid };
  const check = await sessionStub(d.env, claims.sid).check();
  switch (check.status) {
    case 'active': {
      const next: SessionClaims = {
        sid: claims.sid,
        identity: check.identity,
        fresh: freshUntil(d.nowSeconds, check.accessExp),
        exp: check.sessionExp,
      };
      return {
        ok: true,
        identity: check.identity,
        via: 'session',
        sid: claims.sid,
        renewed: { value: await sealSession(d.keys.sessionMac, next), maxAge: next.exp - d.nowSeconds },
      };
    }
    case 'ended':
      return { ok: false, reason: 'session_ended', hadSession: true };
    case 'unavailable':
      return { ok: false, reason: 'idp_unavailable', hadSession: false };
  }
}

export function sessionStub(env: Env, sid: string) {
  return env.SESSIONS.get(env.SESSIONS.idFromName(sid));
}
