// What ops put in .env (deploy/env.example), with plausible values, and compose's ${VAR} interpolation over
// it: enough to hand a compose service's environment to the origins' own configuration checks.

export const SAMPLE_ENV: Readonly<Record<string, string>> = {
  WIKIPLATFORM_DOMAIN: 'wikiplatform.app',
  EDGE_ASSERTION_JWKS: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] }),
  INSTANCES: JSON.stringify([{ id: 'instance1', origin: 'http://instance1:3000' }]),
  S3_ENDPOINT: 'https://account.r2.cloudflarestorage.com',
  S3_BUCKET: 'wikiplatform-media',
  S3_ACCESS_KEY_ID: 'access-key-id',
  S3_SECRET_ACCESS_KEY: 'secret-access-key',
  PORTAL_CLIENT_SECRET: 'portal-client-secret-0123456789',
  MAILGUN_API_KEY: 'mailgun-api-key-0123',
  MAILGUN_DOMAIN: 'mg.wikiplatform.app',
  MAIL_FROM: 'wikiplatform <welcome@mg.wikiplatform.app>',
};

/** `${VAR}`, `${VAR:-default}` and `${VAR:?message}` resolved against `env`; an unset required variable becomes "x". */
export function resolveComposeValue(value: string, env: Readonly<Record<string, string>> = SAMPLE_ENV): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?[-?]([^}]*))?\}/g, (_m, name: string, fallback?: string) => env[name] ?? (fallback !== undefined && !/^set /.test(fallback) ? fallback : 'x'));
}

/** A compose service's environment (merge keys already resolved), interpolated as compose would. */
export function serviceEnvironment(service: { environment?: Record<string, unknown> }, env?: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, resolveComposeValue(String(v), env)]));
}
