// Who may open what, from the shared plan matrix. Pure.
import type { Identity } from '#shared/identity';
import { canOpenInstance, plansIncluding, type Plan, type PlanMatrix } from '#shared/plan-matrix';

export type AccessDecision = { allow: true } | { allow: false; plans: Plan[] };

export function decideInstanceAccess(identity: Identity, instanceId: string, matrix: PlanMatrix): AccessDecision {
  if (canOpenInstance(identity, instanceId, matrix)) return { allow: true };
  return { allow: false, plans: plansIncluding(instanceId, matrix) };
}

/** Portal paths that need no sign-in (prefix match on whole segments or explicit trailing slash). */
export function isPublicPortalPath(pathname: string, publicPaths: readonly string[]): boolean {
  return publicPaths.some((p) => (p.endsWith('/') ? pathname.startsWith(p) : pathname === p || pathname.startsWith(`${p}/`)));
}
