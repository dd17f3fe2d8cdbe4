// Cookie parsing and the attributes of the edge's own cookies. Pure.
import { SESSION_COOKIE } from '#shared/headers';
import { LOGIN_COOKIE_PREFIX } from './login-state.ts';
import { isLocalhost } from './host-router.ts';

export function parseCookies(header: string | null): Map<string, string> {
  const jar = new Map<string, string>();
  if (!header) return jar;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    // The first occurrence wins, as in browsers' ordering (most specific path first).
    if (!jar.has(name)) jar.set(name, part.slice(eq + 1).trim());
  }
  return jar;
}

/** What String#trim removes, among the Latin-1 characters a header value can hold. */
function trimmable(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0;
}

/**
 * One cookie's value, as parseCookies(header).get(name) would give it, found without splitting the header
 * (the hot path asks for the session cookie on every request).
 */
export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    let p = start;
    while (p < end && trimmable(header.charCodeAt(p))) p += 1;
    if (header.startsWith(name, p)) {
      let q = p + name.length;
      while (q < end && trimmable(header.charCodeAt(q))) q += 1;
      if (q < end && header.charCodeAt(q) === 0x3d) return header.slice(q + 1, end).trim();
    }
    start = end + 1;
  }
  return undefined;
}

/** Our cookies, which an origin must never see: the session and any sign-in state. */
export function isEdgeCookie(name: string): boolean {
  return name === SESSION_COOKIE || name.startsWith(LOGIN_COOKIE_PREFIX);
}

/** The Cookie header without the edge's cookies, or null when nothing is left. */
export function withoutEdgeCookies(header: string | null): string | null {
  if (!header) return null;
  // One cookie (a browser that holds only our session, the common case): nothing to split.
  if (!header.includes(';')) {
    const eq = header.indexOf('=');
    const kept = header.trim();
    return !kept || isEdgeCookie(header.slice(0, Math.max(0, eq)).trim()) ? null : kept;
  }
  const kept = header
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p && !isEdgeCookie(p.slice(0, Math.max(0, p.indexOf('='))).trim()));
  return kept.length ? kept.join('; ') : null;
}

export function useSecureCookies(mode: 'auto' | 'true' | 'false', host: string): boolean {
  if (mode === 'auto') return !isLocalhost(host);
  return mode === 'true';
}

export interface CookieOptions {
  maxAge: number;
  secure: boolean;
  /** Parent domain for the session cookie; omitted for host-only cookies. */
  domain?: string;
  path?: string;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${o.path ?? '/'}`, `Max-Age=${Math.max(0, Math.floor(o.maxAge))}`, 'HttpOnly', 'SameSite=Lax'];
  if (o.domain) parts.push(`Domain=${o.domain}`);
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(name: string, o: Omit<CookieOptions, 'maxAge'>): string {
  return serializeCookie(name, '', { ...o, maxAge: 0 });
}
