// Security headers. The edge's own pages get a strict policy; proxied responses get the same defaults
// only where the origin set nothing (an origin knows its own scripts better than we do), and the IdP's
// pages keep their own CSP (Keycloak ships one).
import { HSTS_POLICY, REQUEST_ID_HEADER } from '#shared/headers';

/** CSP of pages the edge renders itself: no script at all. */
export const EDGE_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Default CSP for origin responses that bring none. */
export const ORIGIN_DEFAULT_CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

export const HSTS = HSTS_POLICY;

export type HeaderProfile = 'edge' | 'origin' | 'idp';

/** Set on proxied answers that have none: for every profile but `edge`, then for `origin` only. */
const PROXIED_DEFAULTS: readonly (readonly [string, string])[] = [['referrer-policy', 'strict-origin-when-cross-origin']];
const ORIGIN_DEFAULTS: readonly (readonly [string, string])[] = [
  ['content-security-policy', ORIGIN_DEFAULT_CSP],
  ['x-frame-options', 'SAMEORIGIN'],
];
/** Every header the `origin` profile sets where absent: what completeAsIs requires an answer to carry. */
const ORIGIN_PROFILE_DEFAULTS = [...PROXIED_DEFAULTS, ...ORIGIN_DEFAULTS];

function setIfAbsent(headers: Headers, name: string, value: string): void {
  if (!headers.has(name)) headers.set(name, value);
}

/** `hsts`: the request came over https to a real domain (never *.localhost). */
export function applySecurityHeaders(headers: Headers, profile: HeaderProfile, hsts: boolean): void {
  // No closures in here: it runs on every response, and the bundler names each per-call closure
  // (keepNames → Object.defineProperty per request).
  headers.set('x-content-type-options', 'nosniff');
  // HSTS over http is ignored by browsers, and on *.localhost it would outlive the dev session.
  if (hsts) setIfAbsent(headers, 'strict-transport-security', HSTS);
  if (profile === 'edge') {
    headers.set('content-security-policy', EDGE_PAGE_CSP);
    headers.set('x-frame-options', 'DENY');
    headers.set('referrer-policy', 'no-referrer');
    return;
  }
  for (const [name, value] of profile === 'origin' ? ORIGIN_PROFILE_DEFAULTS : PROXIED_DEFAULTS) setIfAbsent(headers, name, value);
}

/**
 * Whether an origin's answer already carries everything the edge would add — the headers
 * applySecurityHeaders gives the `origin` profile, our request id and our Server-Timing entry (origins
 * echo both) — and no Set-Cookie (those are filtered on the long way). Then it is passed on as it is:
 * copying an answer's headers to make them mutable is the largest cost of a proxied request in workerd.
 * Reads only.
 */
export function completeAsIs(headers: Headers, requestId: string, edgeTiming: string, hsts: boolean): boolean {
  if (headers.has('set-cookie') || headers.get('x-content-type-options') !== 'nosniff') return false;
  for (const [name] of ORIGIN_PROFILE_DEFAULTS) if (!headers.has(name)) return false;
  return (
    (!hsts || headers.has('strict-transport-security')) &&
    headers.get(REQUEST_ID_HEADER) === requestId &&
    (headers.get('server-timing')?.startsWith(edgeTiming) ?? false)
  );
}
