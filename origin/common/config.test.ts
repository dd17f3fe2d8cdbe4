import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type PortalConfig } from './config.ts';

const portalEnv = {
  ORIGIN_ROLE: 'portal',
  DATABASE_URL: 'postgres://localhost/portal',
  EDGE_ASSERTION_JWKS: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] }),
  PUBLIC_URL_PATTERN: 'https://{host}.wikiplatform.app',
  INSTANCES: JSON.stringify([{ id: 'instance1', origin: 'http://instance1:3000' }]),
};

describe('loadConfig: STRIPE_WEBHOOK_SECRET', () => {
  it('leaves billing off when the secret is absent or empty', () => {
    expect((loadConfig(portalEnv) as PortalConfig).stripeWebhookSecret).toBeUndefined();
    expect((loadConfig({ ...portalEnv, STRIPE_WEBHOOK_SECRET: '' }) as PortalConfig).stripeWebhookSecret).toBeUndefined();
  });

  it('reads a whsec_ secret', () => {
    expect((loadConfig({ ...portalEnv, STRIPE_WEBHOOK_SECRET: 'whsec_abc123' }) as PortalConfig).stripeWebhookSecret).toBe('whsec_abc123');
  });

  it('refuses a value that is not a webhook secret, naming the variable but never echoing the value', () => {
    const attempt = () => loadConfig({ ...portalEnv, STRIPE_WEBHOOK_SECRET: 'sk_live_oops_api_key' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/STRIPE_WEBHOOK_SECRET: must be a Stripe webhook signing secret/);
    expect(attempt).not.toThrow(/sk_live_oops/);
  });
});
