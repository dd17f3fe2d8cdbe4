// Per-request state shared by the edge's middleware and routes (Hono's c.var), and the app's dependencies.
import type { Context } from 'hono';
import type { EdgeConfig } from './config.ts';
import type { EdgeKeys } from './crypto-keys.ts';
import type { Env } from './env.ts';
import type { Route } from './host-router.ts';
import type { JwksCache } from './jwks-cache.ts';
import type { Limiter } from './rate-limit.ts';
import type { HeaderProfile } from './security-headers.ts';

export interface AppDeps {
  config: EdgeConfig;
  /** Imported once per config, on first use. */
  keys: () => Promise<EdgeKeys>;

  jwks: JwksCache;
  /** Limiter for /_auth/*; default: the AUTH_LIMITER binding, else per-isolate. */
  authLimiter?: Limiter;
}

export interface EdgeVars {
  rid: string;
  url: URL;
  route: Route;
  https: boolean;
  /** Secure attribute for cookies set on this request's host. */
  secureCookies: boolean;
  /** https://app.DOMAIN[:port], as the browser reaches it. */
  appOrigin: string;
  headerProfile: HeaderProfile;
  /** Fields for the request's log line (user, instance, reason…). */
  logFields: Record<string, unknown>;
  /** Milliseconds the request waited on the origin, for Server-Timing. */
  originMs?: number;
}

export type EdgeHono = { Bindings: Env; Variables: EdgeVars };
export type EdgeContext = Context<EdgeHono>;
