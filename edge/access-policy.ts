// Who may open what, from the shared plan matrix. Pure.
import type { Identity } from '#shared/identity';
import { canOpenInstance, plansIncluding, type Plan, type PlanMatrix } from '#shared/plan-matrix';

export type AccessDecision = { allow: true } | { allow: false; plans: Plan[] };

/** Shared: nearly every request is allowed, and the hot path need not allocate to say so. */
const ALLOWED: AccessDecision = Object.freeze({ allow: true });

export function decideInstanceAccess(identity: Identity, instanceId: string, matrix: PlanMatrix): AccessDecision {
  if (canOpenInstance(identity, instanceId, matrix)) return ALLOWED;
  return { allow: false, plans: plansIncluding(instanceId, matrix) };
}

/** Portal paths that need no sign-in (prefix match on whole segments or explicit trailing slash). */
export function isPublicPortalPath(pathname: string, publicPaths: readonly string[]): boolean {
  return publicPaths.some((p) => (p.endsWith('/') ? pathname.startsWith(p) : pathname === p || pathname.startsWith(`${p}/`)));
}

/**
 * A path as an origin's router or Keycloak could come to read it, for deny-lists only: percent-escapes
 * decoded (three rounds, for double encoding), matrix parameters (`;…`, which JAX-RS drops) removed,
 * empty and dot segments resolved, lower-cased. It may over-match, so a deny-list refuses more, never less:
 * WHATWG URL keeps `%6Detrics` encoded while Hono's router decodes it to `/metrics`.
 */
export function canonicalPath(pathname: string): string {
  let p = pathname;
  for (let round = 0; round < 3 && p.includes('%'); round += 1) {
    p = p.replace(/%[0-9a-f]{2}/gi, (escape) => String.fromCharCode(Number.parseInt(escape.slice(1), 16)));
  }
  const segments: string[] = [];
  for (const raw of p.replace(/\\/g, '/').split('/')) {
    const segment = raw.split(';', 1)[0]!;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`.toLowerCase();
}

/** Whether a path needs canonicalPath before a deny-list reads it (most paths do not). */
const NEEDS_CANONICAL = /[%;\\]|\/\/|\/\./;

const INTERNAL_SEGMENTS: ReadonlySet<string> = new Set(['healthz', 'readyz', 'metrics']);

/**
 * Origin paths for the platform's own probes and scrapers (/healthz, /readyz, /metrics and below):
 * reached on the origin host's network, never through the edge, where any signed-in user could read them.
 */
export function isOriginInternalPath(pathname: string): boolean {
  const p = NEEDS_CANONICAL.test(pathname) ? canonicalPath(pathname) : pathname;
  const end = p.indexOf('/', 1);
  return INTERNAL_SEGMENTS.has((end < 0 ? p.slice(1) : p.slice(1, end)).toLowerCase());
}

/**
 * Keycloak paths that are not for end users: the admin console and API, and the master realm. Ops reach
 * them on the origin host (or an Access-protected hostname), never through sso.DOMAIN.
 */
export function isBlockedIdpPath(pathname: string): boolean {
  const p = canonicalPath(pathname);
  return p === '/admin' || p.startsWith('/admin/') || p === '/realms/master' || p.startsWith('/realms/master/') || /^\/realms\/[^/]+\/admin(\/|$)/.test(p);
}
