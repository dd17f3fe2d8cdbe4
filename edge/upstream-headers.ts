// What an origin receives and what the browser gets back. Pure header policy: the origin must see
// nothing it could mistake for identity except our freshly minted assertion.
import { ASSERTION_HEADER, EDGE_TIMING_HEADER, INTERNAL_HEADER_PREFIX, REQUEST_ID_HEADER } from '#shared/headers';
import { isEdgeCookie, withoutEdgeCookies } from './cookies.ts';
import { ACCESS_CLIENT_ID_HEADER, ACCESS_CLIENT_SECRET_HEADER, type OriginAccess } from './origin-access.ts';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and proxy-chain headers we set ourselves. */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'host',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
  'x-request-id',
]);

export interface UpstreamHeaderOptions {
  /** Host the browser asked for, with port. */
  host: string;
  proto: 'http' | 'https';
  clientIp: string | null;
  requestId: string;
  /** Signed assertion for the origin; absent for the IdP and anonymous portal paths. */
  assertion?: string;
  /** Drop Authorization: the origin trusts the assertion only, and a bearer token is ours. */
  dropAuthorization: boolean;
  /** The edge's Server-Timing entry, for the origin to return (see EDGE_TIMING_HEADER). */
  edgeTiming?: string;
  /** The inbound Cookie header when the caller has read it already (saves reading it again). */
  inboundCookie?: string | null;
  /** The edge's Cloudflare Access service token for the origin hostnames, when configured. */
  originAccess?: OriginAccess;
}

/**
 * Names a Connection header lists are hop-by-hop too (RFC 9110 §7.6.1), except the ones we judge
 * ourselves (Upgrade) or that say nothing about other headers.
 */
function connectionOptions(value: string | null): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token && token !== 'keep-alive' && token !== 'close' && token !== 'upgrade');
}

export function upstreamHeaders(inbound: Headers, o: UpstreamHeaderOptions): Headers {
  // Clone natively, then delete what must not pass, found in one walk over the names: every Headers
  // call costs on the hot path, so Upgrade, Authorization and Cookie are judged in the same walk.
  const out = new Headers(inbound);
  const drop: string[] = [];
  let cookie: string | null = null;
  let websocket = false;
  for (const name of out.keys()) {
    if (name === 'connection') {
      drop.push(name, ...connectionOptions(inbound.get('connection')));
    } else if (name === 'upgrade') {
      // Read only when present: nearly no request carries one.
      websocket = inbound.get('upgrade')?.toLowerCase() === 'websocket';
      if (!websocket) drop.push(name);
    } else if (name === 'cookie') {
      cookie = withoutEdgeCookies(o.inboundCookie === undefined ? inbound.get('cookie') : o.inboundCookie);
      if (!cookie) drop.push(name);
    } else if (
      DROPPED.has(name) ||
      name.startsWith(INTERNAL_HEADER_PREFIX) ||
      name.startsWith('cf-') ||
      (name === 'authorization' && o.dropAuthorization)
    ) {
      drop.push(name);
    }
  }
  for (const name of drop) out.delete(name);
  if (cookie) out.set('cookie', cookie);
  if (websocket) out.set('connection', 'Upgrade');
  out.set('x-forwarded-host', o.host);
  out.set('x-forwarded-proto', o.proto);
  if (o.clientIp) out.set('x-forwarded-for', o.clientIp);
  out.set(REQUEST_ID_HEADER, o.requestId);
  if (o.assertion) out.set(ASSERTION_HEADER, o.assertion);
  if (o.edgeTiming) out.set(EDGE_TIMING_HEADER, o.edgeTiming);
  // Set after the walk: any CF-Access-* the client sent went with the `cf-` rule, so these are ours.
  if (o.originAccess) {
    out.set(ACCESS_CLIENT_ID_HEADER, o.originAccess.clientId);
    out.set(ACCESS_CLIENT_SECRET_HEADER, o.originAccess.clientSecret);
  }
  return out;
}

/**
 * Removes, in place, origin Set-Cookie headers that would set or clobber the edge's own cookies.
 * `headers` is the re-wrapped (mutable) response's: one copy of the origin's headers, not two.
 */
export function dropEdgeSetCookies(headers: Headers): void {
  if (!headers.has('set-cookie')) return;
  const cookies = headers.getSetCookie();
  headers.delete('set-cookie');
  for (const cookie of cookies) {
    const name = cookie.slice(0, Math.max(0, cookie.indexOf('='))).trim();
    if (!isEdgeCookie(name)) headers.append('set-cookie', cookie);
  }
}
