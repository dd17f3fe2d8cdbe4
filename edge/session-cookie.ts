// The session cookie: the identity plus two deadlines, MAC'd with a key derived from SESSION_SECRET.
// Checked with no I/O while fresh; once stale the session's Durable Object is asked (revocation,
// refresh) and a new cookie is issued. Raw IdP tokens never go in here: they exceed 4 KB.
import { z } from 'zod';
import { IdentitySchema, type Identity } from '#shared/identity';
import { PLATFORM_ADMIN_ROLE, planFromGroup } from '#shared/plan-matrix';
import { decodeBase64Url, encodeBase64Url } from './base64url.ts';

export interface SessionClaims {
  /** Session id; names the session's Durable Object. */
  sid: string;
  identity: Identity;
  /** Until this second the cookie alone is trusted. */
  fresh: number;
  /** After this second the session is over (the refresh token's end). */
  exp: number;
}

const PayloadSchema = z.object({
  v: z.literal(1),
  sid: z.string().min(16).max(128),
  id: IdentitySchema,
  fresh: z.number().int(),
  exp: z.number().int(),
});

export type SessionCookieFailure = 'malformed' | 'bad_mac' | 'expired';
export type SessionCookieResult =
  | { ok: true; claims: SessionClaims; stale: boolean }
  | { ok: false; reason: SessionCookieFailure };

/** Cookies above this are refused by some browsers (4096 bytes with the name and attributes). */
export const MAX_COOKIE_BYTES = 3800;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The identity with only what the platform decides on: plan groups and the platform's own role. For users
 * in so many groups that the whole identity would not fit a cookie (a browser drops it, and sign-in would
 * loop), the cookie, and so the assertion, carries this instead; the plan and every decision stay the same.
 */
export function compactIdentity(identity: Identity): Identity {
  return {
    ...identity,
    groups: [...new Set(identity.groups.filter((group) => planFromGroup(group) !== null))],
    roles: identity.roles.filter((role) => role === PLATFORM_ADMIN_ROLE),
  };
}

function sealedBody(claims: SessionClaims, identity: Identity): string {
  return encodeBase64Url(encoder.encode(JSON.stringify({ v: 1, sid: claims.sid, id: identity, fresh: claims.fresh, exp: claims.exp })));
}

/** The cookie value; the identity is compacted when the whole one would pass MAX_COOKIE_BYTES. */
export async function sealSession(key: CryptoKey, claims: SessionClaims): Promise<string> {
  let body = sealedBody(claims, claims.identity);
  // 44: the dot and the MAC in base64url.
  if (body.length + 44 > MAX_COOKIE_BYTES) body = sealedBody(claims, compactIdentity(claims.identity));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(body)));
  return `${body}.${encodeBase64Url(mac)}`;
}

/**
 * Cookies already verified under a key, by exact value. Looking one up is equivalent to verifying it
 * again (same bytes, same key, deterministic MAC), and saves the MAC and schema work on every request
 * of a signed-in user. Deadlines are still checked on every use. Bounded; oldest entries leave first.
 */
const verified = new WeakMap<CryptoKey, Map<string, SessionClaims>>();
const VERIFIED_CACHE_SIZE = 2000;

function remember(key: CryptoKey, value: string, claims: SessionClaims) {
  let cache = verified.get(key);
  if (!cache) verified.set(key, (cache = new Map()));
  if (cache.size >= VERIFIED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(value, claims);
}

function withDeadlines(claims: SessionClaims, nowSeconds: number): SessionCookieResult {
  if (claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims, stale: claims.fresh <= nowSeconds };
}

/** The answer openSession would give, when this exact value was verified before under this key; else undefined. */
export function rememberedSession(key: CryptoKey, value: string, nowSeconds: number): SessionCookieResult | undefined {
  const known = verified.get(key)?.get(value);
  return known && withDeadlines(known, nowSeconds);
}

export async function openSession(key: CryptoKey, value: string, nowSeconds: number): Promise<SessionCookieResult> {
  const known = rememberedSession(key, value, nowSeconds);
  if (known) return known;
  if (value.length > MAX_COOKIE_BYTES) return { ok: false, reason: 'malformed' };
  const dot = value.indexOf('.');
  if (dot <= 0) return { ok: false, reason: 'malformed' };
  const body = value.slice(0, dot);
  const mac = decodeBase64Url(value.slice(dot + 1));
  if (!mac || mac.length !== 32) return { ok: false, reason: 'malformed' };
  // subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify('HMAC', key, mac, encoder.encode(body)))) return { ok: false, reason: 'bad_mac' };
  const bytes = decodeBase64Url(body);
  if (!bytes) return { ok: false, reason: 'malformed' };
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = PayloadSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const p = parsed.data;
  const claims: SessionClaims = { sid: p.sid, identity: p.id, fresh: p.fresh, exp: p.exp };
  remember(key, value, claims);
  return withDeadlines(claims, nowSeconds);
}
