// Reads the Worker's environment once per isolate into a typed config, or a readable list of what is wrong.
import { z } from 'zod';
import { jsonVariable, PlanMatrixSchema } from '#shared/config-schema';
import { formatIssues } from '#shared/format-issues';
import { InstanceRegistrySchema, type InstanceEntry } from '#shared/instance-registry';
import { DEFAULT_PLAN_MATRIX, type PlanMatrix } from '#shared/plan-matrix';
import type { Env } from './env.ts';
import type { OriginAccess } from './origin-access.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Browser-facing endpoints, under the public issuer. */
  authorizeUrl: string;
  endSessionUrl: string;
  /** Worker-facing endpoints, under OIDC_INTERNAL_URL. */
  tokenUrl: string;
  jwksUrl: string;
  /** The Access service token for those two (they are on the IdP's internal hostname); absent when not set. */
  originAccess?: OriginAccess;
}

export interface EdgeConfig {
  domain: string;
  instances: ReadonlyMap<string, InstanceEntry>;
  portalOrigin: string;
  idpOrigin: string;
  oidc: OidcSettings;
  planMatrix: PlanMatrix;
  secureCookies: 'auto' | 'true' | 'false';
  logLevel: LogLevel;
  originTimeoutMs: number;
  portalPublicPaths: readonly string[];
  /**
   * Cloudflare Access service token sent on every request to an origin or the IdP (origin-access.ts);
   * absent when ORIGIN_ACCESS_CLIENT_ID / _SECRET are not set, and then nothing is added.
   */
  originAccess?: OriginAccess;
  /** Secret material stays as given; crypto-keys.ts imports it once. */
  assertionPrivateJwk: JsonWebKey & { kid: string };
  sessionSecret: string;
}

export type ConfigResult = { ok: true; config: EdgeConfig } | { ok: false; message: string; variables: string[] };

/**
 * Portal paths open without sign-in when PORTAL_PUBLIC_PATHS is empty: pricing, sign-up, Stripe webhooks,
 * and the stylesheet those pages use. The portal declares the same list (SIGNUP_PUBLIC_PATHS and the webhook).
 */
export const DEFAULT_PORTAL_PUBLIC_PATHS = ['/pricing', '/signup/', '/webhooks/', '/_static/'];

const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });


/** Empty strings mean "not set", so wrangler.toml can declare every variable with an empty default. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);


const AssertionJwkSchema = z
  .object({
    kty: z.literal('EC', 'must be an EC key'),
    crv: z.literal('P-256', 'must be a P-256 key (ES256)'),
    x: z.string().min(1),
    y: z.string().min(1),
    d: z.string().min(1, 'must be the PRIVATE key (with "d")'),
    kid: z.string().min(1, 'needs a "kid" so origins can pick the key during rotation'),
  })
  .loose();

const EnvSchema = z.object({
  DOMAIN: z.string().regex(DOMAIN_PATTERN, 'must be a lowercase domain like wikiplatform.app'),
  INSTANCES: jsonVariable(InstanceRegistrySchema),
  PORTAL_ORIGIN: httpUrl,
  IDP_ORIGIN: httpUrl,
  OIDC_ISSUER: httpUrl,
  OIDC_INTERNAL_URL: httpUrl,
  OIDC_CLIENT_ID: z.string().min(1),
  OIDC_CLIENT_SECRET: z.string().min(1),
  PLAN_MATRIX: z.preprocess(unsetIfEmpty, jsonVariable(PlanMatrixSchema).optional()),
  SECURE_COOKIES: z.preprocess(unsetIfEmpty, z.enum(['auto', 'true', 'false']).default('auto')),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['debug', 'info', 'warn', 'error']).default('info')),
  ORIGIN_TIMEOUT_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(100).max(600_000).default(30_000)),
  PORTAL_PUBLIC_PATHS: z.preprocess(
    unsetIfEmpty,
    jsonVariable(z.array(z.string().startsWith('/')).max(50)).default(DEFAULT_PORTAL_PUBLIC_PATHS),
  ),
  EDGE_ASSERTION_PRIVATE_JWK: jsonVariable(AssertionJwkSchema),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters of random data'),
  // An HTTP header value: no control characters, nothing a header could not carry.
  ORIGIN_ACCESS_CLIENT_ID: z.preprocess(unsetIfEmpty, z.string().regex(/^[\x21-\x7e]+$/, 'must be the service token\'s Client ID (printable, no spaces)').optional()),
  ORIGIN_ACCESS_CLIENT_SECRET: z.preprocess(unsetIfEmpty, z.string().regex(/^[\x21-\x7e]+$/, 'must be the service token\'s Client Secret (printable, no spaces)').optional()),
});

/** The service token is two values; one without the other is a mistake, named by the one missing. */
function originAccessIssues(env: Env): z.core.$ZodIssue[] {
  const id = unsetIfEmpty(env.ORIGIN_ACCESS_CLIENT_ID) !== undefined;
  const secret = unsetIfEmpty(env.ORIGIN_ACCESS_CLIENT_SECRET) !== undefined;
  if (id === secret) return [];
  const [missing, present] = id ? ['ORIGIN_ACCESS_CLIENT_SECRET', 'ORIGIN_ACCESS_CLIENT_ID'] : ['ORIGIN_ACCESS_CLIENT_ID', 'ORIGIN_ACCESS_CLIENT_SECRET'];
  return [{ code: 'custom', path: [missing], input: undefined, message: `is required when ${present} is set (both, or neither)` }];
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function loadConfig(env: Env): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  const issues = [...(parsed.success ? [] : parsed.error.issues), ...originAccessIssues(env)];
  if (!parsed.success || issues.length) {
    // Issues name variables and rules only: zod does not echo the offending (possibly secret) values.
    const variables = [...new Set(issues.map((i) => String(i.path[0] ?? '(root)')))];
    return { ok: false, message: formatIssues('edge configuration', issues), variables };
  }
  const v = parsed.data;
  // One object per config, shared by every fetch: nothing is built per request.
  const originAccess: OriginAccess | undefined =
    v.ORIGIN_ACCESS_CLIENT_ID && v.ORIGIN_ACCESS_CLIENT_SECRET ? { clientId: v.ORIGIN_ACCESS_CLIENT_ID, clientSecret: v.ORIGIN_ACCESS_CLIENT_SECRET } : undefined;
  const instances = new Map(v.INSTANCES.map((i) => [i.id, i]));
  const matrix = v.PLAN_MATRIX ?? DEFAULT_PLAN_MATRIX;
  const unknown = Object.values(matrix).flat().filter((id) => !instances.has(id));
  if (v.PLAN_MATRIX && unknown.length) {
    return {
      ok: false,
      message: `Invalid edge configuration:\n  - PLAN_MATRIX: names instances missing from INSTANCES: ${[...new Set(unknown)].join(', ')}`,
      variables: ['PLAN_MATRIX'],
    };
  }
  const issuer = trimSlash(v.OIDC_ISSUER);
  const internal = trimSlash(v.OIDC_INTERNAL_URL);
  return {
    ok: true,
    config: {
      domain: v.DOMAIN,
      instances,
      portalOrigin: trimSlash(v.PORTAL_ORIGIN),
      idpOrigin: trimSlash(v.IDP_ORIGIN),
      oidc: {
        issuer,
        clientId: v.OIDC_CLIENT_ID,
        clientSecret: v.OIDC_CLIENT_SECRET,
        // Keycloak's fixed endpoint layout; no discovery round-trip on a cold isolate.
        authorizeUrl: `${issuer}/protocol/openid-connect/auth`,
        endSessionUrl: `${issuer}/protocol/openid-connect/logout`,
        tokenUrl: `${internal}/protocol/openid-connect/token`,
        jwksUrl: `${internal}/protocol/openid-connect/certs`,
        originAccess,
      },
      planMatrix: matrix,
      secureCookies: v.SECURE_COOKIES,
      logLevel: v.LOG_LEVEL,
      originTimeoutMs: v.ORIGIN_TIMEOUT_MS,
      portalPublicPaths: v.PORTAL_PUBLIC_PATHS,
      originAccess,
      assertionPrivateJwk: v.EDGE_ASSERTION_PRIVATE_JWK as JsonWebKey & { kid: string },
      sessionSecret: v.SESSION_SECRET,
    },
  };
}

const cache = new WeakMap<object, ConfigResult>();

/** The config for this env object, parsed on first use; workerd hands the same env to every request. */
export function configFor(env: Env): ConfigResult {
  let result = cache.get(env);
  if (!result) {
    result = loadConfig(env);
    cache.set(env, result);
  }
  return result;
}
