// The IdP's signing keys, cached per isolate. An unknown kid triggers a refetch (the IdP rotated),
// at most once per cool-down so a flood of forged kids cannot hammer the IdP; when the IdP is
// unreachable the last good keys stay in use.
import { importJWK, type JWK } from 'jose';
import { accessHeaders, type OriginAccess } from './origin-access.ts';

export type KeyLookup = { ok: true; key: CryptoKey } | { ok: false; reason: 'unknown_kid' | 'jwks_unavailable' };

export interface JwksCacheOptions {
  url: string;
  /** The Access service token for the IdP's internal hostname, when configured. */
  originAccess?: OriginAccess;
  /** Minimum time between two fetches triggered by unknown kids or failures. */
  cooldownMs?: number;
  /** Keys older than this are refreshed on next use (kept if the refresh fails). */
  maxAgeMs?: number;
  timeoutMs?: number;
  now?: () => number;
  onEvent?: (event: { msg: string; level: 'info' | 'warn'; reason?: string }) => void;
}

interface CachedKey {
  jwk: JWK;
  imported: Map<string, Promise<CryptoKey>>;
}

export class JwksCache {
  readonly url: string;
  private readonly cooldownMs: number;
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly onEvent: NonNullable<JwksCacheOptions['onEvent']>;
  private readonly headers: Record<string, string>;
  private keys = new Map<string, CachedKey>();
  private loadedAt = 0;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;

  constructor(options: JwksCacheOptions) {
    this.url = options.url;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.onEvent = options.onEvent ?? (() => {});
    this.headers = { accept: 'application/json', ...accessHeaders(options.originAccess) };
  }

  async getKey(kid: string, alg: string): Promise<KeyLookup> {
    const now = this.now();
    const known = this.keys.has(kid);
    const expired = now - this.loadedAt > this.maxAgeMs;
    if ((!known || expired) && now - this.lastAttempt >= this.cooldownMs) await this.refresh();
    const cached = this.keys.get(kid);
    if (!cached) return { ok: false, reason: this.keys.size ? 'unknown_kid' : 'jwks_unavailable' };
    // A key published for another algorithm or for encryption is never used to verify.
    if ((cached.jwk.alg && cached.jwk.alg !== alg) || (cached.jwk.use && cached.jwk.use !== 'sig')) {
      return { ok: false, reason: 'unknown_kid' };
    }
    let imported = cached.imported.get(alg);
    if (!imported) {
      imported = importJWK(cached.jwk, alg) as Promise<CryptoKey>;
      cached.imported.set(alg, imported);
    }
    try {
      return { ok: true, key: await imported };
    } catch {
      cached.imported.delete(alg);
      return { ok: false, reason: 'unknown_kid' };
    }
  }

  /** One fetch at a time; callers arriving meanwhile wait for the same one. */
  private refresh(): Promise<void> {
    this.inflight ??= this.fetchKeys().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttempt = this.now();
    try {
      const res = await fetch(this.url, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
      if (!res.ok) throw new Error(`status ${res.status}`);
      const body = (await res.json()) as { keys?: unknown };
      if (!Array.isArray(body.keys)) throw new Error('no keys array');
      const next = new Map<string, CachedKey>();
      for (const jwk of body.keys as JWK[]) {
        if (typeof jwk?.kid !== 'string' || typeof jwk.kty !== 'string' || 'd' in jwk) continue;
        // Keep already-imported keys for kids that did not change.
        const previous = this.keys.get(jwk.kid);
        next.set(jwk.kid, previous && JSON.stringify(previous.jwk) === JSON.stringify(jwk) ? previous : { jwk, imported: new Map() });
      }
      if (!next.size) throw new Error('empty key set');
      this.keys = next;
      this.loadedAt = this.now();
      this.onEvent({ msg: 'jwks refreshed', level: 'info' });
    } catch (err) {
      this.onEvent({ msg: 'jwks refresh failed; keeping last good keys', level: 'warn', reason: String(err) });
    }
  }
}

const caches = new Map<string, JwksCache>();

/**
 * The isolate's cache for a JWKS URL, shared by every request and config that names the same URL and
 * the same Access service token (a config with another token, or none, must not reuse a cache whose
 * fetches carry this one).
 */
export function jwksCacheFor(url: string, o: { originAccess?: OriginAccess; onEvent?: JwksCacheOptions['onEvent'] } = {}): JwksCache {
  const access = o.originAccess;
  const key = access ? `${url}\n${access.clientId}\n${access.clientSecret}` : url;
  let cache = caches.get(key);
  if (!cache) {
    cache = new JwksCache({ url, originAccess: access, onEvent: o.onEvent });
    caches.set(key, cache);
  }
  return cache;
}
