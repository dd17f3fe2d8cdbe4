// Liveness says the process answers; readiness says it can do its job (database reachable, not draining).
import { Hono } from 'hono';
import type { BaseEnv } from './env.ts';

export interface HealthDeps {
  /** Resolves when the database answers `select 1`. */
  ping: () => Promise<void>;
  /** True once shutdown has begun, so load balancers stop sending work. */
  isDraining?: () => boolean;
}

const PING_TIMEOUT_MS = 2_000;

export function healthRoutes(deps: HealthDeps) {
  const app = new Hono<BaseEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (deps.isDraining?.()) return c.json({ status: 'draining' }, 503);
    try {
      await withTimeout(deps.ping(), PING_TIMEOUT_MS);
      return c.json({ status: 'ready', database: 'ok' });
    } catch (err) {
      c.var.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'readiness check failed');
      return c.json({ status: 'unavailable', database: 'unreachable' }, 503);
    }
  });
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
