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

/**
 * Origin paths for the platform's own probes and scrapers (/healthz, /readyz, /metrics): reached on the
 * origin host's network, never through the edge, where any signed-in user could read them.
 */
export function isOriginInternalPath(pathname: string): boolean {
  return pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics' || pathname.startsWith('/metrics/');
}

/**
 * Keycloak paths that are not for end users: the admin console and API, and the master realm. Ops reach
 * them on the origin host (or an Access-protected hostname), never through sso.DOMAIN.
 */
export function isBlockedIdpPath(pathname: string): boolean {
  const p = pathname.toLowerCase();
  return p === '/admin' || p.startsWith('/admin/') || p === '/realms/master' || p.startsWith('/realms/master/') || /^\/realms\/[^/]+\/admin(\/|$)/.test(p);
}
