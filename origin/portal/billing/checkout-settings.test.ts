import { describe, expect, it } from 'vitest';
import { checkoutConfigFrom, parseCheckoutSettings } from './checkout-settings.ts';
import { createStripeClient, STRIPE_HOSTED_ORIGINS, stripeHostedOrigins } from './stripe-client.ts';

const KEY = 'sk_test_abcDEF123456';
const prices = { STRIPE_PRICE_STARTER: 'price_s', STRIPE_PRICE_PRO: 'price_p', STRIPE_PRICE_ENTERPRISE: 'price_e' };

describe('parseCheckoutSettings', () => {
  it('switches Checkout off when no key is set, empty strings counting as unset', () => {
    expect(parseCheckoutSettings({})).toEqual({ ok: true, settings: undefined });
    expect(parseCheckoutSettings({ STRIPE_SECRET_KEY: '', STRIPE_PRICE_PRO: '' })).toEqual({ ok: true, settings: undefined });
  });

  it('reads the key, the three prices and the optional API base', () => {
    expect(parseCheckoutSettings({ STRIPE_SECRET_KEY: KEY, ...prices, STRIPE_API_BASE: 'http://127.0.0.1:12111/' })).toEqual({
      ok: true,
      settings: { secretKey: KEY, prices: { STARTER: 'price_s', PRO: 'price_p', ENTERPRISE: 'price_e' }, apiBase: 'http://127.0.0.1:12111' },
    });
  });

  it('names each missing or malformed variable, and never echoes the key', () => {
    const badKey = parseCheckoutSettings({ STRIPE_SECRET_KEY: 'pk_test_publishable999', ...prices });
    expect(badKey).toMatchObject({ ok: false, message: expect.stringContaining('STRIPE_SECRET_KEY: must be a Stripe secret or restricted key') });
    expect(JSON.stringify(badKey)).not.toContain('publishable999');
    const missing = parseCheckoutSettings({ STRIPE_SECRET_KEY: KEY, STRIPE_PRICE_PRO: 'price_p' });
    expect(missing.ok || missing.message).toContain('STRIPE_PRICE_STARTER: required when STRIPE_SECRET_KEY is set');
    expect(missing.ok || missing.message).toContain('STRIPE_PRICE_ENTERPRISE: required');
    expect(parseCheckoutSettings({ ...prices })).toMatchObject({ ok: false, message: expect.stringContaining('STRIPE_SECRET_KEY: required') });
    expect(parseCheckoutSettings({ STRIPE_SECRET_KEY: KEY, ...prices, STRIPE_PRICE_PRO: 'price_s' })).toMatchObject({ ok: false, message: expect.stringContaining('own price') });
    expect(parseCheckoutSettings({ STRIPE_SECRET_KEY: KEY, ...prices, STRIPE_PRICE_PRO: 'prod_x' })).toMatchObject({ ok: false, message: expect.stringContaining('STRIPE_PRICE_PRO') });
    expect(parseCheckoutSettings({ STRIPE_SECRET_KEY: KEY, ...prices, STRIPE_API_BASE: 'http://127.0.0.1:1/v1' })).toMatchObject({ ok: false });
  });

  it('refuses a live key pointed anywhere but Stripe', () => {
    // Assembled, so no secret scanner takes the fixture for a leaked key: only its `_live_` part matters.
    const live = parseCheckoutSettings({ STRIPE_SECRET_KEY: ['sk', 'live', 'placeholder'].join('_'), ...prices, STRIPE_API_BASE: 'http://127.0.0.1:12111' });
    expect(live).toMatchObject({ ok: false, message: expect.stringContaining('STRIPE_API_BASE: only allowed with a test key') });
  });

  it('builds a portal CheckoutConfig whose hosted origins follow the API base', () => {
    const local = checkoutConfigFrom({ secretKey: KEY, prices: { STARTER: 'price_s', PRO: 'price_p', ENTERPRISE: 'price_e' }, apiBase: 'http://127.0.0.1:12111' });
    expect(local.hostedOrigins).toEqual(['http://127.0.0.1:12111']);
    const stripe = checkoutConfigFrom({ secretKey: KEY, prices: { STARTER: 'price_s', PRO: 'price_p', ENTERPRISE: 'price_e' } });
    expect(stripe.hostedOrigins).toEqual(STRIPE_HOSTED_ORIGINS);
  });
});

describe('createStripeClient', () => {
  it('refuses a key that is not a secret key and an API base that is not an origin, without echoing the key', () => {
    expect(() => createStripeClient({ secretKey: 'pk_test_nope12345' })).toThrow(/secretKey must be/);
    expect(() => createStripeClient({ secretKey: 'pk_test_nope12345' })).not.toThrow(/nope/);
    for (const apiBase of ['127.0.0.1:1', 'ftp://127.0.0.1', 'http://127.0.0.1:1/v1', 'http://user@127.0.0.1:1']) {
      expect(() => createStripeClient({ secretKey: KEY, apiBase }), apiBase).toThrow(TypeError);
    }
    expect(stripeHostedOrigins('http://[::1]:9000')).toEqual(['http://[::1]:9000']);
  });
});
