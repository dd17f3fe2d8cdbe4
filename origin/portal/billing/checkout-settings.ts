// Stripe Checkout's environment variables, checked the way loadConfig checks the rest (one line per bad
// variable, never a secret's value), and the CheckoutConfig createPortalApp takes, built from them:
//   STRIPE_SECRET_KEY      sk_test_…/sk_live_… (or rk_…); unset: no Checkout, the plans page sells nothing
//   STRIPE_PRICE_STARTER   price_… sold for each plan; all three required with a key
//   STRIPE_PRICE_PRO
//   STRIPE_PRICE_ENTERPRISE
//   STRIPE_API_BASE        optional, e.g. http://127.0.0.1:12111: the local stand-in (test keys only)
import { z } from 'zod';
import { formatIssues } from '#shared/format-issues';
import { PLANS, type Plan } from '#shared/plan-matrix';
import type { CheckoutConfig } from './checkout-routes.tsx';
import { createStripeClient, stripeHostedOrigins } from './stripe-client.ts';

export interface CheckoutSettings {
  secretKey: string;
  prices: Record<Plan, string>;
  apiBase?: string;
}

const PRICE_VARIABLES: Record<Plan, `STRIPE_PRICE_${Plan}`> = { STARTER: 'STRIPE_PRICE_STARTER', PRO: 'STRIPE_PRICE_PRO', ENTERPRISE: 'STRIPE_PRICE_ENTERPRISE' };
const price = z.string().regex(/^price_[A-Za-z0-9_]+$/, 'must be a Stripe price id (price_…)').optional();

const CheckoutEnvSchema = z.object({
  // The message never echoes the value: it is a secret.
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'must be a Stripe secret or restricted key (sk_… or rk_…)').optional(),
  STRIPE_PRICE_STARTER: price,
  STRIPE_PRICE_PRO: price,
  STRIPE_PRICE_ENTERPRISE: price,
  STRIPE_API_BASE: z
    .string()
    .regex(/^https?:\/\/[^/?#@]+\/?$/, 'must be an http(s) origin without path, e.g. http://127.0.0.1:12111')
    .optional(),
});

export type CheckoutSettingsResult = { ok: true; settings: CheckoutSettings | undefined } | { ok: false; message: string };

/** Reads the variables above from an environment; `settings` is undefined when Checkout is switched off. */
export function parseCheckoutSettings(source: Record<string, string | undefined>): CheckoutSettingsResult {
  // Empty strings are how shells and compose files say "unset".
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = CheckoutEnvSchema.safeParse(env);
  if (!parsed.success) return { ok: false, message: formatIssues('Stripe Checkout configuration', parsed.error.issues) };
  const e = parsed.data;
  const problems: string[] = [];
  const given = PLANS.filter((plan) => e[PRICE_VARIABLES[plan]] !== undefined);
  if (!e.STRIPE_SECRET_KEY) {
    if (given.length > 0 || e.STRIPE_API_BASE) problems.push('  - STRIPE_SECRET_KEY: required when STRIPE_PRICE_* or STRIPE_API_BASE is set');
  } else {
    for (const plan of PLANS) if (e[PRICE_VARIABLES[plan]] === undefined) problems.push(`  - ${PRICE_VARIABLES[plan]}: required when STRIPE_SECRET_KEY is set`);
    if (new Set(given.map((plan) => e[PRICE_VARIABLES[plan]])).size !== given.length) problems.push('  - STRIPE_PRICE_*: each plan needs its own price');
    // Real money only ever goes to Stripe itself.
    if (e.STRIPE_API_BASE && /_live_/.test(e.STRIPE_SECRET_KEY)) problems.push('  - STRIPE_API_BASE: only allowed with a test key (sk_test_…)');
  }
  if (problems.length > 0) return { ok: false, message: `Invalid Stripe Checkout configuration:\n${problems.join('\n')}` };
  if (!e.STRIPE_SECRET_KEY) return { ok: true, settings: undefined };
  const prices = Object.fromEntries(PLANS.map((plan) => [plan, e[PRICE_VARIABLES[plan]]!])) as Record<Plan, string>;
  return { ok: true, settings: { secretKey: e.STRIPE_SECRET_KEY, prices, ...(e.STRIPE_API_BASE ? { apiBase: e.STRIPE_API_BASE.replace(/\/$/, '') } : {}) } };
}

/** What createPortalApp's `billing.checkout` takes, with the Stripe client built. */
export function checkoutConfigFrom(settings: CheckoutSettings): CheckoutConfig {
  return {
    stripe: createStripeClient({ secretKey: settings.secretKey, apiBase: settings.apiBase }),
    prices: settings.prices,
    hostedOrigins: stripeHostedOrigins(settings.apiBase),
  };
}
