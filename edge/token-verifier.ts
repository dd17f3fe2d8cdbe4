// Validates the IdP's JWTs (access tokens from API clients and from the code exchange; ID tokens at
// sign-in). Each refusal carries a precise reason for the log; the wire only ever hears "401".
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTHeaderParameters } from 'jose';
import type { JwksCache } from './jwks-cache.ts';

/** Keycloak signs with RS256 by default; ES256 is its other common choice. Nothing symmetric, never none. */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256'] as const;
/** Clock skew tolerated on exp/nbf/iat (the issue allows up to 60 s). */
export const TOKEN_LEEWAY_SECONDS = 30;
/** Real Keycloak tokens are 1–3 KB; anything this large is not ours. */
export const MAX_TOKEN_LENGTH = 8192;
/** Keycloak's audience for the built-in account client, present unless an audience mapper is set. */
const KEYCLOAK_DEFAULT_AUDIENCE = 'account';

export type TokenFailure =
  | 'malformed'
  | 'oversized'
  | 'alg_not_allowed'
  | 'unknown_kid'
  | 'jwks_unavailable'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'wrong_type'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_nonce'
  | 'invalid_claims';

export type TokenResult = { ok: true; claims: JWTPayload } | { ok: false; reason: TokenFailure };

export interface VerifierOptions {
  issuer: string;
  clientId: string;
  jwks: JwksCache;
  /** Seconds since the epoch; tests move the clock. */
  now?: () => number;
}

class KeyLookupFailed extends Error {
  constructor(readonly reason: 'unknown_kid' | 'jwks_unavailable') {
    super(reason);
  }
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

async function verifySignatureAndTimes(token: string, o: VerifierOptions): Promise<TokenResult> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'oversized' };
  if (!JWT_SHAPE.test(token)) return { ok: false, reason: 'malformed' };
  let header: JWTHeaderParameters;
  try {
    header = decodeProtectedHeader(token) as JWTHeaderParameters;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  // Decided before any key lookup, so alg=none or HS256 tokens never cause a JWKS fetch.
  if (!(ALLOWED_ALGORITHMS as readonly string[]).includes(header.alg)) return { ok: false, reason: 'alg_not_allowed' };
  if (typeof header.kid !== 'string' || !header.kid) return { ok: false, reason: 'unknown_kid' };
  try {
    const { payload } = await jwtVerify(
      token,
      async (h) => {
        const found = await o.jwks.getKey(h.kid!, h.alg);
        if (!found.ok) throw new KeyLookupFailed(found.reason);
        return found.key;
      },
      {
        algorithms: [...ALLOWED_ALGORITHMS],
        issuer: o.issuer,
        clockTolerance: TOKEN_LEEWAY_SECONDS,
        requiredClaims: ['exp', 'sub', 'iss'],
        currentDate: o.now ? new Date(o.now() * 1000) : undefined,
      },
    );
    return { ok: true, claims: payload };
  } catch (err) {
    return { ok: false, reason: classify(err) };
  }
}

function classify(err: unknown): TokenFailure {
  if (err instanceof KeyLookupFailed) return err.reason;
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'not_yet_valid';
    if (err.claim === 'iss') return 'wrong_issuer';
    if (err.claim === 'iat') return 'not_yet_valid';
    return 'invalid_claims';
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'alg_not_allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  return 'malformed';
}

function audiences(claims: JWTPayload): string[] {
  if (typeof claims.aud === 'string') return [claims.aud];
  return Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === 'string') : [];
}

/**
 * An access token is ours when its audience names our client, or when it was issued to our client
 * (azp) with no audience beyond Keycloak's default "account". Anything else was meant for someone else.
 */
export function isOurAudience(claims: JWTPayload, clientId: string): boolean {
  const aud = audiences(claims);
  if (aud.includes(clientId)) return true;
  return claims.azp === clientId && aud.every((a) => a === KEYCLOAK_DEFAULT_AUDIENCE);
}

/**
 * Only access tokens open doors: Keycloak marks them `typ: "Bearer"` (its ID and refresh tokens say
 * "ID" and "Refresh"), RFC 9068 providers mark the header `typ: "at+jwt"`.
 */
function isAccessToken(claims: JWTPayload, token: string): boolean {
  if (claims.typ === 'Bearer') return true;
  if (claims.typ !== undefined) return false;
  const typ = (decodeProtectedHeader(token).typ ?? '').toLowerCase();
  return typ === 'at+jwt' || typ === 'application/at+jwt';
}

export async function verifyAccessToken(token: string, o: VerifierOptions): Promise<TokenResult> {
  const result = await verifySignatureAndTimes(token, o);
  if (!result.ok) return result;
  if (!isOurAudience(result.claims, o.clientId)) return { ok: false, reason: 'wrong_audience' };
  if (!isAccessToken(result.claims, token)) return { ok: false, reason: 'wrong_type' };
  return result;
}

/** The ID token from the code exchange: for our client, and bound to this sign-in by its nonce. */
export async function verifyIdToken(token: string, nonce: string, o: VerifierOptions): Promise<TokenResult> {
  const result = await verifySignatureAndTimes(token, o);
  if (!result.ok) return result;
  const aud = audiences(result.claims);
  if (!aud.includes(o.clientId)) return { ok: false, reason: 'wrong_audience' };
  if (aud.length > 1 && result.claims.azp !== o.clientId) return { ok: false, reason: 'wrong_audience' };
  if (result.claims.nonce !== nonce) return { ok: false, reason: 'bad_nonce' };
  return result;
}
