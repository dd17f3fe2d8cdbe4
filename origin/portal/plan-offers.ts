// What the plans page shows: each plan, the instances it opens, whether it is the user's, and whether it
// includes the instance the user was trying to open. Pure, on top of the shared plan matrix.
import type { InstanceRegistry } from '#shared/instance-registry';
import { PLANS, type Plan, type PlanMatrix } from '#shared/plan-matrix';

export interface PlanOffer {
  plan: Plan;
  instances: { id: string; title: string }[];
  current: boolean;
  /** The plan opens the instance named in ?instance= (the 403 page links here with it). */
  opensWanted: boolean;
  /** What buying it would be for this user; null for the plan they have. */
  action: PurchaseAction | null;
}

export type PurchaseAction = 'subscribe' | 'upgrade' | 'downgrade';

export function planOffers(matrix: PlanMatrix, registry: InstanceRegistry, currentPlan: Plan | null, wanted: string | null): PlanOffer[] {
  const titles = new Map(registry.map((i) => [i.id, i.title ?? i.id]));
  return PLANS.map((plan) => ({
    plan,
    instances: matrix[plan].filter((id) => titles.has(id)).map((id) => ({ id, title: titles.get(id)! })),
    current: plan === currentPlan,
    opensWanted: wanted !== null && matrix[plan].includes(wanted),
    action: purchaseAction(currentPlan, plan),
  }));
}

function purchaseAction(currentPlan: Plan | null, plan: Plan): PurchaseAction | null {
  if (currentPlan === null) return 'subscribe';
  if (currentPlan === plan) return null;
  // PLANS is in ascending order.
  return PLANS.indexOf(plan) > PLANS.indexOf(currentPlan) ? 'upgrade' : 'downgrade';
}
