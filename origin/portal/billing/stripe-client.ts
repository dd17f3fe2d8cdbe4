// Builds the portal's Stripe API client. `apiBase` points the library at another server (the local
// stand-in in `npm start` and tests) through its host/port/protocol options; without it, api.stripe.com.
import Stripe from 'stripe';

export interface StripeClientOptions {
  /** `sk_test_…`/`sk_live_…`, or a restricted key (`rk_…`). Never logged or echoed. */
  secretKey: string;
  /** e.g. http://127.0.0.1:12111 — an origin only, no path. */
  apiBase?: string;
  /** Per request; Stripe's library waits 80 s by default, far longer than a portal page should. */
  timeoutMs?: number;
  /** Retries of connection failures and 409/5xx answers, made safe by idempotency keys. */
  maxNetworkRetries?: number;
}

/** Where Stripe's own hosted pages live: Checkout, and the customer portal. */
export const STRIPE_HOSTED_ORIGINS: readonly string[] = ['https://checkout.stripe.com', 'https://billing.stripe.com'];

const SECRET_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/;

export function createStripeClient(options: StripeClientOptions): Stripe {
  // The message names the variable's expected shape, never the value.
  if (!SECRET_KEY.test(options.secretKey)) throw new TypeError('secretKey must be a Stripe secret or restricted key (sk_… or rk_…)');
  const base = options.apiBase === undefined ? undefined : parseApiBase(options.apiBase);
  return new Stripe(options.secretKey, {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 10_000,
    telemetry: false,
    appInfo: { name: 'wikiplatform-portal' },
    ...(base ? { host: base.hostname, port: base.port, protocol: base.protocol } : {}),
  });
}

/**
 * The origins a browser is sent to from the portal (Checkout, the customer portal): the plans page's
 * CSP must allow them in form-action, since browsers check a form's redirects against it too.
 */
export function stripeHostedOrigins(apiBase?: string): readonly string[] {
  return apiBase === undefined ? STRIPE_HOSTED_ORIGINS : [parseApiBase(apiBase).origin];
}

function parseApiBase(apiBase: string): { hostname: string; port: number; protocol: 'http' | 'https'; origin: string } {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    throw new TypeError('apiBase must be an absolute http(s) URL such as http://127.0.0.1:12111');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
    throw new TypeError('apiBase must be an http(s) origin without path, query or credentials');
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
  // URL keeps the brackets of an IPv6 literal; the library wants the bare address.
  return { hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, protocol, origin: url.origin };
}
