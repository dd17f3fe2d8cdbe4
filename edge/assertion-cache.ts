// Signed assertions, reused for a few seconds per (signing key, identity, audience) instead of one ES256
// signature per request (the largest single cost of a proxied request). An entry is keyed by the very
// identity object a verified session cookie yields, so it can only ever serve that identity: a renewed
// cookie (new plan, new groups) yields a new object and so a new assertion; bearer identities are new
// objects per request and never hit. An assertion is handed out only while it has at least
// ASSERTION_TTL_SECONDS − ASSERTION_REUSE_SECONDS of its lifetime left.
//
// The embedded `rid` is the id of the request that minted it; origins take the request id from
// X-Request-Id (set on every proxied request), not from the assertion.
import { signAssertion, type AssertionPurpose, type AssertionSigningKey } from '#shared/edge-assertion';
import type { Identity } from '#shared/identity';

/** How long one assertion is reused: well below its 30 s lifetime. */
export const ASSERTION_REUSE_SECONDS = 10;

interface Entry {
  token: Promise<string>;
  /** The token once signed: handed out as it is, without a promise. */
  value?: string;
  /** The assertion's `iat`. */
  issuedAt: number;
}

// Weak on the key and the identity: entries leave with the config (key rotation) or the cookie's claims.
const cache = new WeakMap<AssertionSigningKey, WeakMap<Identity, Map<string, Entry>>>();

export function cachedAssertion(
  signing: AssertionSigningKey,
  identity: Identity,
  audience: string,
  requestId: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  purpose?: AssertionPurpose,
): string | Promise<string> {
  // One entry per audience and purpose: a purpose must never be served from a plain entry, or the reverse.
  const slot = purpose ? `${audience}#${purpose}` : audience;
  let byIdentity = cache.get(signing);
  if (!byIdentity) cache.set(signing, (byIdentity = new WeakMap()));
  let byAudience = byIdentity.get(identity);
  if (!byAudience) byIdentity.set(identity, (byAudience = new Map()));
  const hit = byAudience.get(slot);
  // `issuedAt <= now` also refuses entries from a clock that went backwards.
  if (hit && hit.issuedAt <= nowSeconds && nowSeconds - hit.issuedAt < ASSERTION_REUSE_SECONDS) return hit.value ?? hit.token;
  // Concurrent requests of one session share one signature.
  const entry: Entry = { token: signAssertion(signing, identity, audience, requestId, nowSeconds, purpose), issuedAt: nowSeconds };
  byAudience.set(slot, entry);
  entry.token.then(
    (token) => {
      entry.value = token;
    },
    () => {
      if (byAudience.get(slot) === entry) byAudience.delete(slot);
    },
  );
  return entry.token;
}

