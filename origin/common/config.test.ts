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

describe('loadConfig: provisioning (Keycloak admin + Mailgun)', () => {
  const provisioningEnv = {
    KEYCLOAK_URL: 'http://keycloak:8080/',
    KEYCLOAK_PORTAL_CLIENT_SECRET: 'portal-secret-0123456789',
    MAILGUN_API_KEY: 'key-0123456789abcdef',
    MAILGUN_DOMAIN: 'mg.example.com',
    MAIL_FROM: 'wikiplatform <welcome@mg.example.com>',
  };

  it('is off when none of its variables is set', () => {
    expect((loadConfig(portalEnv) as PortalConfig).provisioning).toBeUndefined();
  });

  it('reads every variable, with Keycloak and Mailgun defaults, and drops a trailing slash from URLs', () => {
    expect((loadConfig({ ...portalEnv, ...provisioningEnv }) as PortalConfig).provisioning).toEqual({
      keycloak: { url: 'http://keycloak:8080', realm: 'wikiplatform', clientId: 'wikiplatform-portal', clientSecret: 'portal-secret-0123456789', setPasswordClientId: 'wikiplatform-edge' },
      mailgun: { apiKey: 'key-0123456789abcdef', domain: 'mg.example.com', baseUrl: 'https://api.mailgun.net', from: 'wikiplatform <welcome@mg.example.com>' },
    });
  });

  it('names the missing variables when only part of provisioning is configured, and never a secret value', () => {
    const attempt = () => loadConfig({ ...portalEnv, KEYCLOAK_URL: 'http://keycloak:8080', KEYCLOAK_PORTAL_CLIENT_SECRET: 'portal-secret-0123456789' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/MAILGUN_API_KEY, MAILGUN_DOMAIN, MAIL_FROM: required with KEYCLOAK_URL, KEYCLOAK_PORTAL_CLIENT_SECRET/);
    expect(attempt).not.toThrow(/portal-secret/);
  });

  it('refuses a From that is not an address and a Keycloak URL that is not http(s)', () => {
    const attempt = () => loadConfig({ ...portalEnv, ...provisioningEnv, MAIL_FROM: 'wikiplatform', KEYCLOAK_URL: 'ftp://keycloak' });
    expect(attempt).toThrow(/MAIL_FROM: must be an address/);
    expect(attempt).toThrow(/KEYCLOAK_URL: must be an http\(s\) URL/);
  });

  it('sends the Mailgun key only over https, except to a stand-in on this machine', () => {
    const withBase = (MAILGUN_BASE_URL: string) => () => loadConfig({ ...portalEnv, ...provisioningEnv, MAILGUN_BASE_URL });
    expect(withBase('http://api.mailgun.net')).toThrow(/MAILGUN_BASE_URL: must be an https URL/);
    expect(withBase('http://mailgun.example.com:8025')).toThrow(/MAILGUN_BASE_URL: must be an https URL/);
    expect((withBase('https://api.eu.mailgun.net')() as PortalConfig).provisioning?.mailgun.baseUrl).toBe('https://api.eu.mailgun.net');
    expect((withBase('http://127.0.0.1:8025')() as PortalConfig).provisioning?.mailgun.baseUrl).toBe('http://127.0.0.1:8025');
    expect((withBase('http://mail.wikiplatform.localhost:8025')() as PortalConfig).provisioning?.mailgun.baseUrl).toBe('http://mail.wikiplatform.localhost:8025');
  });
});

describe('loadConfig: Stripe Checkout', () => {
  const prices = { STRIPE_PRICE_STARTER: 'price_starter', STRIPE_PRICE_PRO: 'price_pro', STRIPE_PRICE_ENTERPRISE: 'price_enterprise' };

  it('is off without STRIPE_SECRET_KEY, and reads the key and a price per plan when given', () => {
    expect((loadConfig(portalEnv) as PortalConfig).checkout).toBeUndefined();
    const config = loadConfig({ ...portalEnv, STRIPE_SECRET_KEY: 'sk_test_abc123', ...prices }) as PortalConfig;
    expect(config.checkout).toEqual({ secretKey: 'sk_test_abc123', prices: { STARTER: 'price_starter', PRO: 'price_pro', ENTERPRISE: 'price_enterprise' } });
  });

  it('names the missing prices alongside the other problems, never the key', () => {
    const attempt = () => loadConfig({ ...portalEnv, STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_PRICE_PRO: 'price_pro', EDGE_ASSERTION_JWKS_FILE: '/nonexistent.json' });
    expect(attempt).toThrow(/STRIPE_PRICE_STARTER: required when STRIPE_SECRET_KEY is set/);
    expect(attempt).toThrow(/EDGE_ASSERTION_JWKS \/ EDGE_ASSERTION_JWKS_FILE: set exactly one/);
    expect(attempt).not.toThrow(/sk_test_abc123/);
  });
});

describe('loadConfig: INSTANCES', () => {
  it('reads an instance in its removal grace period (`platform instance remove`), which the portal lists as closed with its removal day', () => {
    const instances = [{ id: 'instance1', origin: 'http://instance1:3000', maintenance: true, removeAfter: '2026-12-31' }];
    expect((loadConfig({ ...portalEnv, INSTANCES: JSON.stringify(instances) }) as PortalConfig).instances).toEqual(instances);
  });
});
