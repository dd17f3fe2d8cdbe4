// The hot path: a signed-in browser's request to an instance it may open (or to the portal), with a
// valid, fresh session cookie, proxied with the signed assertion. That is almost every request, and it
// is served here with plain functions instead of Hono's middleware chain (Context, c.var copies,
// routing), which measured as a third of the edge's added latency.
//
// It answers only when the outcome is the plain proxy (or the origin's branded 502/504); everything
// else — /_auth, /_edge, /_media, the IdP, unknown hosts, maintenance, cross-origin writes, bearers,
// missing, stale or bad cookies, a refused plan, any error before the proxy — returns null and the
// Hono app handles the request from scratch. The checks made before declining are pure (no I/O, no
// Durable Object, cookie verification is cached), so asking here first changes no outcome.
import { isForeignRequest } from './csrf.ts';
import { isOriginInternalPath, decideInstanceAccess } from './access-policy.ts';
import { cachedAssertion } from './assertion-cache.ts';
import { freshSessionIdentity } from './authenticate.ts';
import type { EdgeKeys } from './crypto-keys.ts';
import type { AppDeps } from './edge-context.ts';
import { instanceUnavailablePage } from './error-pages.ts';
import { originFailure } from './gateway.ts';
import { routeForHost, siblingOrigin, type Route } from './host-router.ts';
import { log } from './logger.ts';
import { ownCopy, proxy } from './proxy.ts';
import { finishResponse, hstsFor, logRequestAfterAnswer, requestIdFor } from './request-context.ts';
import { plainErrorResponse } from './respond.ts';
import { completeAsIs, type HeaderProfile } from './security-headers.ts';

const UNDERSCORE = 0x5f;
const PERCENT = 0x25;
/** Distinct Host values remembered per config; the cache starts over beyond this (hosts come from clients). */
const TARGET_CACHE_SIZE = 256;

/** What the hot path needs to know about a Host, derived once per Host value (all pure in host + config). */
interface HotTarget {
  route: Route;
  /** Origin base URL, without trailing slash. */
  upstream: string;
  title: string;
  /** The assertion's audience: the instance id, or `portal`. */
  audience: string;
  /** Whether HSTS applies to this Host's https requests (hstsFor). */
  hstsOverHttps: boolean;
}

/**
 * False for every path the Hono app could route elsewhere than the gateway: /_auth, /_edge, /_media
 * and anything else under /_, judged on the parsed path and on the raw one Hono routes on (which it
 * percent-decodes first, hence the refusal of a leading escape).
 */
function gatewayOnlyPath(rawUrl: string, pathname: string): boolean {
  const parsed = pathname.charCodeAt(1);
  if (parsed === UNDERSCORE || parsed === PERCENT) return false;
  const start = rawUrl.indexOf('/', rawUrl.indexOf(':') + 3);
  const raw = start < 0 ? Number.NaN : rawUrl.charCodeAt(start + 1);
  return raw !== UNDERSCORE && raw !== PERCENT;
}

export type HotPath = (req: Request, ctx: ExecutionContext) => Promise<Response | null>;

export function hotPath(deps: AppDeps): HotPath {
  const { config } = deps;
  let loadedKeys: EdgeKeys | undefined;

  /** The hot path's target for a Host, or null when the Hono app must answer (IdP, unknown, maintenance). */
  const targetForHost = (host: string): HotTarget | null => {
    const route = routeForHost(host, config.domain, config.instances);
    const hstsOverHttps = hstsFor(true, host);
    if (route.kind === 'portal') return { route, upstream: config.portalOrigin, title: 'The portal', audience: 'portal', hstsOverHttps };
    if (route.kind !== 'instance' || route.instance.maintenance) return null;
    const { instance } = route;
    return { route, upstream: instance.origin.replace(/\/+$/, ''), title: instance.title ?? instance.id, audience: instance.id, hstsOverHttps };
  };
  // Remembered per Host value instead of re-deriving the lower-cased name, suffix and label per request.
  const targets = new Map<string, HotTarget | null>();
  const targetFor = (host: string): HotTarget | null => {
    let target = targets.get(host);
    if (target === undefined) {
      target = targetForHost(host);
      if (targets.size >= TARGET_CACHE_SIZE) targets.clear();
      targets.set(host, target);
    }
    return target;
  };

  return async function serveHot(req, ctx) {
    const started = Date.now();
    const rawUrl = req.url;
    const url = new URL(rawUrl);
    const pathname = url.pathname;
    if (!gatewayOnlyPath(rawUrl, pathname) || isOriginInternalPath(pathname)) return null;
    const host = url.host;
    const target = targetFor(host);
    if (!target || isForeignRequest(req, url)) return null;
    const { route, upstream, title, audience } = target;

    // Read once: each read of a Request or Headers property crosses into workerd.
    const headers = req.headers;
    const cookieHeader = headers.get('cookie');
    let rid: string;
    let assertion: string;
    let sub: string;
    try {
      // Remembered keys, cookies and assertions are answered without a promise.
      const keys = (loadedKeys ??= await deps.keys());
      const fresh = freshSessionIdentity(headers, cookieHeader, keys, Math.floor(started / 1000));
      const identity = fresh instanceof Promise ? await fresh : fresh;
      if (!identity) return null;
      if (route.kind === 'instance' && !decideInstanceAccess(identity, route.instance.id, config.planMatrix).allow) return null;
      rid = requestIdFor(headers);
      const signed = cachedAssertion(keys.assertion, identity, audience, rid);
      assertion = typeof signed === 'string' ? signed : await signed;
      sub = identity.sub;
    } catch {
      // Nothing has been sent: the Hono app meets the same error and answers it like any other.
      return null;
    }

    const https = url.protocol === 'https:';
    // The edge's own work ends here; the origin returns this entry in its Server-Timing.
    const edgeTiming = `edge;dur=${Date.now() - started}`;
    const result = await proxy(req, pathname, url.search, {
      upstream,
      timeoutMs: config.originTimeoutMs,
      host,
      proto: https ? 'https' : 'http',
      clientIp: headers.get('cf-connecting-ip'),
      inboundCookie: cookieHeader,
      requestId: rid,
      assertion,
      dropAuthorization: true,
      edgeTiming,
      originAccess: config.originAccess,
    });
    if (result.ok && completeAsIs(result.response.headers, rid, edgeTiming, https && target.hstsOverHttps)) {
      // Our origins answer with every header the edge would add: passed on untouched, no copy.
      const res = result.response;
      logRequestAfterAnswer(ctx, req, res, { rid, url, route, ms: Date.now() - started, fields: { user: sub } });
      return res;
    }
    const fields: Record<string, unknown> = { user: sub };
    let res: Response;
    let profile: HeaderProfile;
    if (result.ok) {
      res = ownCopy(result.response);
      profile = 'origin';
    } else {
      fields.reason = `origin_${result.reason}`;
      log('warn', { msg: 'origin failed', rid, upstream, reason: result.reason, detail: result.detail });
      const { code, message } = originFailure(result.reason, title);
      const portalUrl = `${siblingOrigin(url, 'app', config.domain)}/`;
      res = plainErrorResponse(req, rid, code, message, instanceUnavailablePage({ instanceTitle: title, kind: result.reason, portalUrl, requestId: rid }));
      profile = 'edge';
    }
    const ms = finishResponse(res, { rid, url, https, profile, started, originMs: result.originMs });
    logRequestAfterAnswer(ctx, req, res, { rid, url, route, ms, fields });
    return res;
  };
}
