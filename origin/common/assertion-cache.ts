// Remembers assertions already verified, until they expire. Verifying an ES256 signature costs more CPU
// than the rest of a cached page view; an edge that reuses one assertion per session for its short
// lifetime then pays it once. Only successes are cached, keyed by the exact token and audience, and
// never past the token's own `exp`, so nothing is accepted that the verifier would refuse.
import { decodeJwt } from 'jose';
import type { AssertionVerifier } from './assertion.ts';

export function cacheVerifications(verify: AssertionVerifier, options: { maxEntries?: number; now?: () => number } = {}): AssertionVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { result: Awaited<ReturnType<AssertionVerifier>>; expiresAt: number }>();
  return async function verifyCached(token, audience) {
    if (!token) return verify(token, audience);
    const key = `${audience} ${token}`;
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now()) return hit.result;
    if (hit) cache.delete(key);
    const result = await verify(token, audience);
    if (result.ok) {
      const exp = decodeJwt(token).exp;
      if (typeof exp === 'number') {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(key, { result, expiresAt: exp * 1000 });
      }
    }
    return result;
  };
}
