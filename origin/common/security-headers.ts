// Security headers on every origin response. Set before the handler runs (not patched onto the finished
// response): touching a finished response's headers makes @hono/node-server fall back from writing the
// body in one piece to streaming it, which cost a page view more than its database read.
import { createMiddleware } from 'hono/factory';

// Origins only serve their own files; page content is sanitised, and this is the second line of defence.
// `connectSrc` adds the object storage origin the editor PUTs uploads to (presigned, browser → R2).
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(options: { connectSrc?: readonly string[] } = {}) {
  // Built once: the same headers go on every response.
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(options.connectSrc),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
  const entries = Object.entries(headers);
  return createMiddleware(async function setSecurityHeaders(c, next) {
    for (const [name, value] of entries) c.header(name, value);
    await next();
  });
}
