// Origin configuration: parsed once at start from the environment, with one readable line per bad variable.
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { jsonVariable, PlanMatrixSchema } from '#shared/config-schema';
import { formatIssues } from '#shared/format-issues';
import { isValidInstanceId } from '#shared/instance-id';
import { InstanceRegistrySchema, type InstanceRegistry } from '#shared/instance-registry';
import { DEFAULT_PLAN_MATRIX, type PlanMatrix } from '#shared/plan-matrix';
import { parseCheckoutSettings, type CheckoutSettings } from '../portal/billing/checkout-settings.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface CommonConfig {
  /** Who assertions must be addressed to: the instance id, or "portal". */
  audience: string;
  port: number;
  host: string;
  databaseUrl: string;
  /** The edge's public keys (current and previous), used to verify assertions. */
  jwks: JSONWebKeySet;
  /** e.g. `https://{host}.wikiplatform.app`: how to link to another subdomain. */
  publicUrlPattern: string;
  planMatrix: PlanMatrix;
  logLevel: LogLevel;
}
export type InstanceConfig = CommonConfig & { role: 'instance'; instanceId: string };
export type PortalConfig = CommonConfig & {
  role: 'portal';
  instances: InstanceRegistry;
  /** Stripe's webhook signing secret (`whsec_…`); absent means billing is switched off. */
  stripeWebhookSecret?: string;
  /** Keycloak admin access and Mailgun; absent means paid plans wait in the outbox (see README). */
  provisioning?: ProvisioningConfig;
  /** Stripe Checkout (secret key and a price per plan); absent means the portal sells nothing. */
  checkout?: CheckoutSettings;
};

export interface ProvisioningConfig {
  keycloak: {
    /** Keycloak's root URL as the portal reaches it (e.g. http://keycloak:8080), not the public sso. host. */
    url: string;
    realm: string;
    clientId: string;
    clientSecret: string;
    /** The client whose redirect rules allow the set-password link to end on the portal. */
    setPasswordClientId: string;
  };
  mailgun: { apiKey: string; domain: string; baseUrl: string; from: string };
}
export type OriginConfig = InstanceConfig | PortalConfig;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}


// Only public keys belong on an origin: a key with a private part ("d") means someone pasted the wrong file.
const PublicJwkSchema = z
  .looseObject({ kty: z.string(), kid: z.string().optional() })
  .refine((jwk) => !('d' in jwk), 'contains a private key; origins must only hold the edge PUBLIC keys');
const JwksSchema = z.object({ keys: z.array(PublicJwkSchema).min(1, 'needs at least one key') });


const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((url) => url.replace(/\/+$/, ''));

/** Loopback names: a stand-in on this machine may be spoken to in cleartext. */
const isLoopbackHost = (hostname: string) => hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost' || hostname.endsWith('.localhost');
/** A third party's API across the internet: the key travels with every call, so https, except to a local stand-in. */
const remoteApiUrl = httpUrl.refine((url) => url.startsWith('https:') || isLoopbackHost(new URL(url).hostname), 'must be an https URL (http only for a stand-in on 127.0.0.1 or localhost)');

const EnvSchema = z.object({
  ORIGIN_ROLE: z.enum(['instance', 'portal']),
  INSTANCE_ID: z.string().refine(isValidInstanceId, 'must be a lowercase instance id like "instance1"').optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  EDGE_ASSERTION_JWKS: jsonVariable(JwksSchema).optional(),
  EDGE_ASSERTION_JWKS_FILE: z.string().min(1).optional(),
  PUBLIC_URL_PATTERN: z.string().includes('{host}', { message: 'must contain "{host}", e.g. https://{host}.wikiplatform.app' }),
  INSTANCES: jsonVariable(InstanceRegistrySchema).optional(),
  PLAN_MATRIX: jsonVariable(PlanMatrixSchema).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // The message never echoes the value: it is a secret.
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9]+$/, 'must be a Stripe webhook signing secret (whsec_…)').optional(),
  // Usually http://keycloak:8080: compose's private network, not the internet.
  KEYCLOAK_URL: httpUrl.optional(),
  KEYCLOAK_REALM: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a realm name like "wikiplatform"').default('wikiplatform'),
  KEYCLOAK_PORTAL_CLIENT_ID: z.string().min(1).default('wikiplatform-portal'),
  KEYCLOAK_PORTAL_CLIENT_SECRET: z.string().min(16, 'must be the portal client\'s secret (16 characters or more)').optional(),
  KEYCLOAK_SET_PASSWORD_CLIENT_ID: z.string().min(1).default('wikiplatform-edge'),
  MAILGUN_API_KEY: z.string().min(8, 'must be a Mailgun API key').optional(),
  MAILGUN_DOMAIN: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be the sending domain, e.g. mg.example.com').optional(),
  MAILGUN_BASE_URL: remoteApiUrl.default('https://api.mailgun.net'),
  MAIL_FROM: z.string().regex(/^(?:[^<>]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/, 'must be an address, e.g. "wikiplatform <welcome@mg.example.com>"').optional(),
});

/** Provisioning is all or nothing: these must be set together. */
const PROVISIONING_VARIABLES = ['KEYCLOAK_URL', 'KEYCLOAK_PORTAL_CLIENT_SECRET', 'MAILGUN_API_KEY', 'MAILGUN_DOMAIN', 'MAIL_FROM'] as const;

export function loadConfig(source: Record<string, string | undefined>): OriginConfig {
  // Empty strings are how shells and compose files say "unset".
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(formatIssues('origin configuration', parsed.error.issues));
  const e = parsed.data;

  const problems: string[] = [];
  if (e.ORIGIN_ROLE === 'instance' && !e.INSTANCE_ID) problems.push('  - INSTANCE_ID: required when ORIGIN_ROLE=instance');
  if (e.ORIGIN_ROLE === 'portal' && !e.INSTANCES) problems.push('  - INSTANCES: required when ORIGIN_ROLE=portal (JSON array of instances)');
  const provisioningSet = PROVISIONING_VARIABLES.filter((name) => e[name] !== undefined);
  if (e.ORIGIN_ROLE === 'portal' && provisioningSet.length > 0 && provisioningSet.length < PROVISIONING_VARIABLES.length) {
    const missing = PROVISIONING_VARIABLES.filter((name) => e[name] === undefined);
    problems.push(`  - ${missing.join(', ')}: required with ${provisioningSet.join(', ')} (provisioning needs Keycloak and Mailgun both; unset them all to switch it off)`);
  }
  const checkout = e.ORIGIN_ROLE === 'portal' ? parseCheckoutSettings(source) : { ok: true as const, settings: undefined };
  if (!checkout.ok) problems.push(checkout.message.split('\n').slice(1).join('\n'));
  if (Boolean(e.EDGE_ASSERTION_JWKS) === Boolean(e.EDGE_ASSERTION_JWKS_FILE)) {
    problems.push('  - EDGE_ASSERTION_JWKS / EDGE_ASSERTION_JWKS_FILE: set exactly one of them');
  }
  const jwks = e.EDGE_ASSERTION_JWKS ?? (e.EDGE_ASSERTION_JWKS_FILE ? readJwksFile(e.EDGE_ASSERTION_JWKS_FILE, problems) : undefined);
  if (problems.length || !jwks) throw new ConfigError(`Invalid origin configuration:\n${problems.join('\n')}`);

  const common: CommonConfig = {
    audience: e.ORIGIN_ROLE === 'portal' ? 'portal' : (e.INSTANCE_ID as string),
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    jwks: jwks as JSONWebKeySet,
    publicUrlPattern: e.PUBLIC_URL_PATTERN,
    planMatrix: e.PLAN_MATRIX ?? DEFAULT_PLAN_MATRIX,
    logLevel: e.LOG_LEVEL,
  };
  return e.ORIGIN_ROLE === 'portal'
    ? {
        ...common,
        role: 'portal',
        instances: e.INSTANCES as InstanceRegistry,
        ...(e.STRIPE_WEBHOOK_SECRET ? { stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET } : {}),
        ...(provisioningSet.length > 0 ? { provisioning: provisioningConfig(e) } : {}),
        ...(checkout.ok && checkout.settings ? { checkout: checkout.settings } : {}),
      }
    : { ...common, role: 'instance', instanceId: e.INSTANCE_ID as string };
}

function provisioningConfig(e: z.infer<typeof EnvSchema>): ProvisioningConfig {
  // loadConfig has checked that every PROVISIONING_VARIABLES entry is present.
  const need = (value: string | undefined) => value as string;
  return {
    keycloak: {
      url: need(e.KEYCLOAK_URL),
      realm: e.KEYCLOAK_REALM,
      clientId: e.KEYCLOAK_PORTAL_CLIENT_ID,
      clientSecret: need(e.KEYCLOAK_PORTAL_CLIENT_SECRET),
      setPasswordClientId: e.KEYCLOAK_SET_PASSWORD_CLIENT_ID,
    },
    mailgun: { apiKey: need(e.MAILGUN_API_KEY), domain: need(e.MAILGUN_DOMAIN), baseUrl: e.MAILGUN_BASE_URL, from: need(e.MAIL_FROM) },
  };
}

function readJwksFile(path: string, problems: string[]): z.infer<typeof JwksSchema> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`  - EDGE_ASSERTION_JWKS_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  const parsed = jsonVariable(JwksSchema).safeParse(text);
  if (!parsed.success) {
    problems.push(formatIssues(`EDGE_ASSERTION_JWKS_FILE (${path})`, parsed.error.issues).split('\n').slice(1).join('\n'));
    return undefined;
  }
  return parsed.data;
}
