// The edge's signed assertion to origins: a short-lived ES256 JWT whose audience is the target origin
// (an instance id or "portal"). Origins believe nothing else about who is calling.
// Modelled on Pomerium's X-Pomerium-Jwt-Assertion and Cloudflare Access's Cf-Access-Jwt-Assertion.
import { SignJWT, createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type CryptoKey } from 'jose';
import { z } from 'zod';
import { IdentitySchema, type Identity } from './identity.ts';

export const ASSERTION_ISSUER = 'wikiplatform-edge';
export const ASSERTION_ALG = 'ES256';
/** Lifetime of one assertion. Short, because it is minted per request. */
export const ASSERTION_TTL_SECONDS = 30;
/** Clock skew tolerated between the edge and an origin host. */
export const ASSERTION_LEEWAY_SECONDS = 5;

/**
 * What an assertion may be for beyond an ordinary proxied request:
 * - `media-authorize`: the edge's own call that asks an origin to authorise an upload
 *   (edge/media/origin-caller.ts); the origin's route for it accepts nothing else, and proxied requests
 *   never carry this purpose, so no browser request can reach it.
 * - `public`: a portal page open without sign-in (pricing, sign-up), requested by someone not signed in.
 *   Its identity is ANONYMOUS_IDENTITY. It proves the request came through the edge and nothing about who
 *   sent it, so origins refuse it everywhere except on routes declared public.
 */
export const ASSERTION_PURPOSES = ['media-authorize', 'public'] as const;
export type AssertionPurpose = (typeof ASSERTION_PURPOSES)[number];

/** The identity in a `public` assertion: nobody. Frozen, so one object serves every anonymous request. */
export const ANONYMOUS_IDENTITY: Identity = Object.freeze({
  sub: 'anonymous',
  username: '',
  email: '',
  emailVerified: false,
  name: '',
  plan: null,
  groups: Object.freeze([]) as unknown as string[],
  roles: Object.freeze([]) as unknown as string[],
});

const AssertionPayloadSchema = IdentitySchema.extend({
  rid: z.string().max(128),
  purpose: z.enum(ASSERTION_PURPOSES).optional(),
});
export type AssertionPayload = z.infer<typeof AssertionPayloadSchema>;

export interface AssertionSigningKey {
  kid: string;
  key: CryptoKey;
}

export async function signAssertion(
  signing: AssertionSigningKey,
  identity: Identity,
  audience: string,
  requestId: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  purpose?: AssertionPurpose,
): Promise<string> {
  const payload: Record<string, unknown> = { ...identity, rid: requestId };
  if (purpose) payload.purpose = purpose;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: ASSERTION_ALG, kid: signing.kid, typ: 'JWT' })
    .setIssuer(ASSERTION_ISSUER)
    .setAudience(audience)
    .setSubject(identity.sub)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ASSERTION_TTL_SECONDS)
    .sign(signing.key);
}

/** Why an assertion was refused; logged precisely, answered vaguely. */
export type AssertionFailure = 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'wrong_audience' | 'invalid_claims';

export type AssertionResult =
  | { ok: true; payload: AssertionPayload }
  | { ok: false; reason: AssertionFailure };

/**
 * Builds a verifier over the edge's public keys. The set holds the current and the previous key,
 * so a key rotation never refuses a request signed a moment before it.
 */
export function createAssertionVerifier(publicKeys: JSONWebKeySet) {
  const keySet = createLocalJWKSet(publicKeys);
  return async function verifyAssertion(token: string | undefined | null, audience: string): Promise<AssertionResult> {
    if (!token) return { ok: false, reason: 'missing' };
    if (token.length > 8192) return { ok: false, reason: 'malformed' };
    try {
      const { payload } = await jwtVerify(token, keySet, {
        algorithms: [ASSERTION_ALG],
        issuer: ASSERTION_ISSUER,
        audience,
        clockTolerance: ASSERTION_LEEWAY_SECONDS,
        maxTokenAge: ASSERTION_TTL_SECONDS * 2,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      const parsed = AssertionPayloadSchema.safeParse(payload);
      if (!parsed.success || parsed.data.sub !== payload.sub) return { ok: false, reason: 'invalid_claims' };
      return { ok: true, payload: parsed.data };
    } catch (err) {
      return { ok: false, reason: classify(err) };
    }
  };
}

function classify(err: unknown): AssertionFailure {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) return err.claim === 'aud' ? 'wrong_audience' : 'invalid_claims';
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) return 'bad_signature';
  return 'malformed';
}
