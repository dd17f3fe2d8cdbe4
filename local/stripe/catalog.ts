// The stand-in's products and prices: one monthly recurring price per plan, under the price ids the
// platform is configured with, shaped like Stripe's Price object.
import { PLANS, type Plan } from '#shared/plan-matrix';

export interface PriceObject {
  id: string;
  object: 'price';
  active: true;
  billing_scheme: 'per_unit';
  created: number;
  currency: string;
  livemode: false;
  lookup_key: null;
  metadata: Record<string, string>;
  nickname: string;
  product: string;
  recurring: { interval: 'month'; interval_count: 1; usage_type: 'licensed' };
  type: 'recurring';
  unit_amount: number;
}

/** Monthly amounts in cents, when none are given. */
export const DEFAULT_AMOUNTS: Readonly<Record<Plan, number>> = { STARTER: 900, PRO: 2900, ENTERPRISE: 9900 };

export interface Catalog {
  price(id: string): PriceObject | undefined;
  /** The plan a price sells (from its metadata, as a Dashboard-made price would carry it). */
  planOf(priceId: string): Plan | undefined;
  productName(price: PriceObject): string;
}

export function createCatalog(prices: Readonly<Record<Plan, string>>, amounts: Partial<Record<Plan, number>> = {}, created = 1_700_000_000): Catalog {
  const byId = new Map<string, PriceObject>();
  for (const plan of PLANS) {
    const id = prices[plan];
    if (typeof id !== 'string' || !/^price_[A-Za-z0-9_]{1,200}$/.test(id)) throw new TypeError(`prices.${plan} must be a price id (price_…)`);
    if (byId.has(id)) throw new TypeError(`prices.${plan} repeats the price id of another plan`);
    const unitAmount = amounts[plan] ?? DEFAULT_AMOUNTS[plan];
    if (!Number.isInteger(unitAmount) || unitAmount < 0) throw new TypeError(`amounts.${plan} must be a whole number of cents`);
    byId.set(id, {
      id,
      object: 'price',
      active: true,
      billing_scheme: 'per_unit',
      created,
      currency: 'usd',
      livemode: false,
      lookup_key: null,
      metadata: { plan },
      nickname: plan,
      product: `prod_local_${plan.toLowerCase()}`,
      recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
      type: 'recurring',
      unit_amount: unitAmount,
    });
  }
  return {
    price: (id) => byId.get(id),
    planOf: (priceId) => byId.get(priceId)?.metadata.plan as Plan | undefined,
    productName: (price) => `wikiplatform ${price.nickname}`,
  };
}

export function formatAmount(price: PriceObject, quantity = 1): string {
  return `$${((price.unit_amount * quantity) / 100).toFixed(2)} / month`;
}
