// Remembers assertions already verified, until they expire. Verifying an ES256 signature costs more CPU
// than the rest of a cached page view; an edge that reuses one assertion per session for its short
// lifetime then pays it once. Only successes are cached, keyed by the exact token and audience, and
// never past the token's own `exp`, so nothing is accepted that the verifier would refuse.
import { decodeJwt } from 'jose';
import type { AssertionResult } from '#shared/edge-assertion';
import type { AssertionVerifier, MaybeAsyncVerifier } from './assertion.ts';

/** Answers a token verified before from memory, with no promise; anything else is verified. */
export function cacheVerifications(verify: AssertionVerifier, options: { maxEntries?: number; now?: () => number } = {}): MaybeAsyncVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // One map per audience (an app has one): the token alone is the key, with no string built per request.
  const caches = new Map<string, Map<string, { result: AssertionResult; expiresAt: number }>>();
  const verifyAndRemember = async (cache: Map<string, { result: AssertionResult; expiresAt: number }>, token: string, audience: string) => {
    const result = await verify(token, audience);
    if (result.ok) {
      const exp = decodeJwt(token).exp;
      if (typeof exp === 'number') {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(token, { result, expiresAt: exp * 1000 });
      }
    }
    return result;
  };
  return function verifyCached(token, audience) {
    if (!token) return verify(token, audience);
    let cache = caches.get(audience);
    if (cache === undefined) caches.set(audience, (cache = new Map()));
    const hit = cache.get(token);
    if (hit !== undefined) {
      if (hit.expiresAt > now()) return hit.result;
      cache.delete(token);
    }
    return verifyAndRemember(cache, token, audience);
  };
}
