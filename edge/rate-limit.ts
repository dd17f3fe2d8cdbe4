// Rate limiting for expensive paths (/_auth/*: each sign-in costs IdP round-trips and a Durable Object).
// Uses the Workers rate-limiting binding (works in workerd locally and at Cloudflare); without one, a
// per-isolate fixed window, which is weaker (per isolate) but keeps the edge protected.

export interface Limiter {
  /** True when the request may proceed. */
  allow(key: string): Promise<boolean>;
}

export function bindingLimiter(binding: RateLimit): Limiter {
  return {
    async allow(key) {
      const { success } = await binding.limit({ key });
      return success;
    },
  };
}

export function memoryLimiter(limit: number, windowMs: number, now: () => number = Date.now): Limiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async allow(key) {
      const t = now();
      let w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        // Bound memory: forget every finished window when the map grows.
        if (windows.size > 10_000) for (const [k, v] of windows) if (t - v.start >= windowMs) windows.delete(k);
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      return w.count <= limit;
    },
  };
}
