// Security headers on every origin response (request-envelope.ts sets them before the handler runs).
import { HSTS_POLICY } from '#shared/headers';

// Origins only serve their own files; page content is sanitised, and this is the second line of defence.
// `connectSrc` adds the object storage origin the editor PUTs uploads to (presigned, browser → R2).
// `formAction` adds origins a form's answer may redirect to (the portal's billing forms → Stripe's hosted
// pages): browsers check every redirect of a form submission against form-action.
export function contentSecurityPolicy(connectSrc: readonly string[] = [], formAction: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${["'self'", ...formAction].join(' ')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The security headers every origin response carries, as [name, value] pairs built once per app.
 * `hsts`: the public side is https on a real domain (see servesHttps), the same rule as the edge's; then
 * the edge need not complete (copy) every answer to add it.
 */
export function securityHeaderEntries(
  options: { connectSrc?: readonly string[]; formAction?: readonly string[]; hsts?: boolean } = {},
): readonly (readonly [string, string])[] {
  const entries = Object.entries({
    'content-security-policy': contentSecurityPolicy(options.connectSrc, options.formAction),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    // What a signed-in person sees (pages, people's emails, settings, billing) stays out of the browser's
    // disk and back-forward caches after they sign out of a shared computer. Responses meant to be
    // cached (the versioned static assets) set their own.
    'cache-control': 'private, no-store',
  });
  return options.hsts ? [...entries, ['strict-transport-security', HSTS_POLICY]] : entries;
}
