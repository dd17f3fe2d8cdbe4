// The plan-to-instance matrix: the one source of truth for who may open which instance.
// Pure functions only; the edge and the portal both import this module.

export const PLANS = ['STARTER', 'PRO', 'ENTERPRISE'] as const;
export type Plan = (typeof PLANS)[number];

/** Realm role that opens every instance, whatever the plan. */
export const PLATFORM_ADMIN_ROLE = 'platform-admin';

/** Which instances each plan opens. Configuration may replace it (see edge config); this is the default. */
export type PlanMatrix = Readonly<Record<Plan, readonly string[]>>;

export const DEFAULT_PLAN_MATRIX: PlanMatrix = {
  STARTER: ['instance1'],
  PRO: ['instance1', 'instance2'],
  ENTERPRISE: ['instance1', 'instance2', 'instance3'],
};

/** Plans in ascending order, so "the best plan a user has" is the last match. */
const PLAN_RANK: Record<Plan, number> = { STARTER: 0, PRO: 1, ENTERPRISE: 2 };

export function isPlan(value: unknown): value is Plan {
  return typeof value === 'string' && (PLANS as readonly string[]).includes(value);
}

/**
 * Keycloak sends group paths ("/PRO") when "full group path" is on and bare names ("PRO") when it is
 * off; both shapes are accepted on purpose. Anything else (nested paths, other casing) is not a plan.
 */
export function planFromGroup(group: string): Plan | null {
  const name = group.startsWith('/') ? group.slice(1) : group;
  return isPlan(name) ? name : null;
}

/** The highest of some plans, or null for none. */
export function bestPlan(plans: readonly Plan[]): Plan | null {
  let best: Plan | null = null;
  for (const plan of plans) if (best === null || PLAN_RANK[plan] > PLAN_RANK[best]) best = plan;
  return best;
}

/** The highest plan among a user's groups, or null when they have none. */
export function planFromGroups(groups: readonly string[]): Plan | null {
  let best: Plan | null = null;
  for (const group of groups) {
    const plan = planFromGroup(group);
    if (plan && (best === null || PLAN_RANK[plan] > PLAN_RANK[best])) best = plan;
  }
  return best;
}

export interface AccessSubject {
  plan: Plan | null;
  roles: readonly string[];
}

export function isPlatformAdmin(subject: Pick<AccessSubject, 'roles'>): boolean {
  return subject.roles.includes(PLATFORM_ADMIN_ROLE);
}

/** Instances a subject may open, in matrix order; platform admins get every instance in the registry. */
export function instancesFor(subject: AccessSubject, matrix: PlanMatrix, allInstances: readonly string[]): string[] {
  if (isPlatformAdmin(subject)) return [...allInstances];
  if (!subject.plan) return [];
  const allowed = new Set(matrix[subject.plan]);
  return allInstances.filter((id) => allowed.has(id));
}

export function canOpenInstance(subject: AccessSubject, instanceId: string, matrix: PlanMatrix): boolean {
  if (isPlatformAdmin(subject)) return true;
  return subject.plan !== null && matrix[subject.plan].includes(instanceId);
}

/** Plans that include an instance, cheapest first: what a 403 page offers as the way in. */
export function plansIncluding(instanceId: string, matrix: PlanMatrix): Plan[] {
  return PLANS.filter((plan) => matrix[plan].includes(instanceId));
}
