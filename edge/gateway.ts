// Everything that is not /_auth or /_edge: the IdP passed through untouched, the portal and the
// instances behind sign-in, the plan check and the signed assertion.
import { SESSION_COOKIE } from '#shared/headers';
import { ANONYMOUS_IDENTITY, type AssertionPurpose } from '#shared/edge-assertion';
import type { Identity } from '#shared/identity';
import { decideInstanceAccess, isBlockedIdpPath, isOriginInternalPath, isPublicPortalPath } from './access-policy.ts';
import { cachedAssertion } from './assertion-cache.ts';
import { authenticate, type AuthResult } from './authenticate.ts';
import { clearCookie, serializeCookie } from './cookies.ts';
import type { AppDeps, EdgeContext } from './edge-context.ts';
import { instanceClosedPage, instanceUnavailablePage, planRequiredPage, scheduledRemovalNotice } from './error-pages.ts';
import { wireErrorFor } from './failures.ts';
import type { Env } from './env.ts';
import { log } from './logger.ts';
import { MEDIA_PREFIX } from './media/media-handler.ts';
import { mediaHandlerFactory } from './media/media-for-env.ts';
import { ownCopy, proxy, type ProxyFailure } from './proxy.ts';
import { bindingLimiter, memoryLimiter, type Limiter } from './rate-limit.ts';
import { isNavigation } from './request-kind.ts';
import { errorResponse } from './respond.ts';

/** Where the 403 page sends a user to change plan (a portal page). */
export const UPGRADE_PATH = '/plans';

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The wire error for an origin that failed: 504 for a timeout, 502 otherwise. */
export function originFailure(reason: ProxyFailure, title: string) {
  return reason === 'timeout'
    ? ({ code: 'gateway_timeout', message: `${title} took too long to answer.` } as const)
    : ({ code: 'bad_gateway', message: `${title} cannot be reached right now.` } as const);
}

/** Anonymous POSTs per client address per minute on public portal pages (sign-up). */
export const PUBLIC_POSTS_PER_MINUTE = 10;
/** Upload signatures per user and instance per minute. */
export const UPLOAD_SIGNS_PER_MINUTE = 30;

/**
 * The Workers rate-limit binding of that name when the env has one (wrangler.toml: counted across the
 * location's isolates), else the per-isolate fallback, which still bounds one client on one isolate.
 */
function limiterFor(binding: 'PUBLIC_POST_LIMITER' | 'UPLOAD_SIGN_LIMITER', fallback: Limiter): (env: Partial<Env>) => Limiter {
  const bound = new WeakMap<RateLimit, Limiter>();
  return (env) => {
    const limit = env[binding];
    if (!limit) return fallback;
    let limiter = bound.get(limit);
    if (!limiter) bound.set(limit, (limiter = bindingLimiter(limit)));
    return limiter;
  };
}

export function gateway(deps: AppDeps) {
  const { config } = deps;
  // /_media/* is answered at the edge (presigned uploads, authorised downloads): upload bytes never reach an origin.
  const mediaFor = mediaHandlerFactory({
    planMatrix: config.planMatrix,
    signingKey: async () => (await deps.keys()).assertion,
    originFor: (id) => config.instances.get(id)?.origin,
    timeoutMs: config.originTimeoutMs,
    originAccess: config.originAccess,
    signLimiter: limiterFor('UPLOAD_SIGN_LIMITER', memoryLimiter(UPLOAD_SIGNS_PER_MINUTE, 60_000)),
    log: (level, fields) => log(level, fields),
  });
  // Anonymous form posts on public portal pages (sign-up's Checkout) each cost a call to Stripe: a script
  // must not be able to burn the account's Stripe rate limit or use the page for card testing.
  const publicPostLimiter = limiterFor('PUBLIC_POST_LIMITER', memoryLimiter(PUBLIC_POSTS_PER_MINUTE, 60_000));

  /** Proxies to `upstream`, turning origin failures into this host's branded 502/504. */
  async function forward(c: EdgeContext, upstream: string, title: string, identity: Identity | null, audience: string | null, purpose?: AssertionPurpose) {
    const keys = await deps.keys();
    // One ES256 signature per identity and audience every few seconds, not per request (assertion-cache.ts).
    const assertion = identity && audience ? await cachedAssertion(keys.assertion, identity, audience, c.var.rid, undefined, purpose) : undefined;
    const result = await proxy(c.req.raw, c.var.url.pathname, c.var.url.search, {
      upstream,
      timeoutMs: config.originTimeoutMs,
      host: c.var.url.host,
      proto: c.var.https ? 'https' : 'http',
      clientIp: c.req.header('cf-connecting-ip') ?? null,
      requestId: c.var.rid,
      assertion,
      // The IdP gets Authorization untouched (userinfo takes a bearer); origins believe only the assertion.
      dropAuthorization: c.var.route.kind !== 'idp',
      // Origins and the IdP alike sit behind Access at their internal hostnames.
      originAccess: config.originAccess,
    });
    c.set('originMs', result.originMs);
    if (result.ok) {
      c.set('headerProfile', c.var.route.kind === 'idp' ? 'idp' : 'origin');
      return ownCopy(result.response);
    }
    c.var.logFields.reason = `origin_${result.reason}`;
    log('warn', { msg: 'origin failed', rid: c.var.rid, upstream, reason: result.reason, detail: result.detail });
    const { code, message } = originFailure(result.reason, title);
    return errorResponse(
      c,
      code,
      message,
      instanceUnavailablePage({ instanceTitle: title, kind: result.reason, portalUrl: `${c.var.appOrigin}/`, requestId: c.var.rid }),
    );
  }

  async function identify(c: EdgeContext): Promise<AuthResult> {
    return authenticate(c.req.raw, { config, keys: await deps.keys(), jwks: deps.jwks, env: c.env, nowSeconds: nowSeconds() });
  }

  /** The refusal for a caller who is not signed in: sign-in for a browser page, JSON 401 for code. */
  function signInRequired(c: EdgeContext, auth: Extract<AuthResult, { ok: false }>): Response {
    c.var.logFields.reason = auth.reason;
    if (auth.hadSession) c.header('set-cookie', clearCookie(SESSION_COOKIE, { secure: c.var.secureCookies, domain: config.domain }), { append: true });
    const wire = wireErrorFor(auth.reason);
    if (wire.code === 'unauthenticated' && isNavigation(c.req.raw)) {
      c.header('cache-control', 'no-store');
      return c.redirect(`${c.var.appOrigin}/_auth/login?returnTo=${encodeURIComponent(c.var.url.toString())}`, 302);
    }
    if (wire.code === 'unauthenticated') c.header('www-authenticate', 'Bearer realm="wikiplatform"');
    return errorResponse(c, wire.code, wire.message);
  }

  /** A refreshed session cookie rides on whatever response goes back. */
  function withRenewedCookie(c: EdgeContext, auth: Extract<AuthResult, { ok: true }>, res: Response): Response {
    c.var.logFields.user = auth.identity.sub;
    if (auth.via === 'session' && auth.renewed && res.status !== 101) {
      res.headers.append(
        'set-cookie',
        serializeCookie(SESSION_COOKIE, auth.renewed.value, { maxAge: auth.renewed.maxAge, secure: c.var.secureCookies, domain: config.domain }),
      );
    }
    return res;
  }

  return async function gatewayHandler(c: EdgeContext): Promise<Response> {
    const route = c.var.route;
    switch (route.kind) {
      case 'unknown':
        return errorResponse(c, 'not_found', 'Not found.');

      case 'idp':
        if (isBlockedIdpPath(c.var.url.pathname)) return errorResponse(c, 'not_found', 'Not found.');
        return forward(c, config.idpOrigin, 'Sign-in', null, null);

      case 'portal': {
        if (isOriginInternalPath(c.var.url.pathname)) return errorResponse(c, 'not_found', 'Not found.');
        const auth = await identify(c);
        if (isPublicPortalPath(c.var.url.pathname, config.portalPublicPaths)) {
          // Public pages still learn who is signed in, when someone is; anyone else comes with a `public`
          // assertion, so the portal knows the request came through the edge.
          if (auth.ok) return withRenewedCookie(c, auth, await forward(c, config.portalOrigin, 'The portal', auth.identity, 'portal'));
          // Stripe's webhooks come from Stripe's few addresses and are verified by the portal: not limited here.
          if (c.req.method === 'POST' && !c.var.url.pathname.startsWith('/webhooks/')) {
            if (!(await publicPostLimiter(c.env).allow(`public-post:${c.req.header('cf-connecting-ip') ?? 'unknown'}`))) {
              c.var.logFields.reason = 'rate_limited';
              c.header('retry-after', '60');
              return errorResponse(c, 'rate_limited', 'Too many requests. Try again in a minute.');
            }
          }
          const res = await forward(c, config.portalOrigin, 'The portal', ANONYMOUS_IDENTITY, 'portal', 'public');
          // A cookie that no longer opens a session is dropped here too, so later pages do not try it again.
          if (auth.hadSession) res.headers.append('set-cookie', clearCookie(SESSION_COOKIE, { secure: c.var.secureCookies, domain: config.domain }));
          return res;
        }
        if (!auth.ok) return signInRequired(c, auth);
        return withRenewedCookie(c, auth, await forward(c, config.portalOrigin, 'The portal', auth.identity, 'portal'));
      }

      case 'instance': {
        const instance = route.instance;
        const title = instance.title ?? instance.id;
        if (isOriginInternalPath(c.var.url.pathname)) return errorResponse(c, 'not_found', 'Not found.');
        if (instance.maintenance) {
          c.var.logFields.reason = 'maintenance';
          const portalUrl = `${c.var.appOrigin}/`;
          if (instance.removeAfter) {
            // The same code as plain maintenance (503 `unavailable`): to a client the instance is not open now either
            // way, and a new code would break those that handle this one. The day is in details for those that show it.
            // No Retry-After: it will not be back in minutes.
            const notice = scheduledRemovalNotice(title, instance.removeAfter);
            return errorResponse(
              c,
              'unavailable',
              `${notice.heading}. ${notice.paragraphs.join(' ')}`,
              instanceClosedPage({ instanceTitle: title, removeAfter: instance.removeAfter, portalUrl, requestId: c.var.rid }),
              { removeAfter: instance.removeAfter },
            );
          }
          c.header('retry-after', '300');
          return errorResponse(
            c,
            'unavailable',
            `${title} is under maintenance.`,
            instanceUnavailablePage({ instanceTitle: title, kind: 'maintenance', portalUrl, requestId: c.var.rid }),
          );
        }
        const auth = await identify(c);
        if (!auth.ok) return signInRequired(c, auth);
        const decision = decideInstanceAccess(auth.identity, instance.id, config.planMatrix);
        if (!decision.allow) {
          c.var.logFields.reason = 'plan_required';
          c.var.logFields.user = auth.identity.sub;
          const upgradeUrl = `${c.var.appOrigin}${UPGRADE_PATH}?instance=${encodeURIComponent(instance.id)}`;
          const res = errorResponse(
            c,
            'plan_required',
            `${title} is available with: ${decision.plans.join(', ') || 'no plan'}.`,
            planRequiredPage({
              instanceTitle: title,
              plans: decision.plans,
              upgradeUrl,
              portalUrl: `${c.var.appOrigin}/`,
              requestId: c.var.rid,
            }),
            { instance: instance.id, plans: decision.plans, upgradeUrl },
          );
          return withRenewedCookie(c, auth, res);
        }
        if (c.var.url.pathname.startsWith(MEDIA_PREFIX)) {
          // The media handler sets its own strict headers (CSP sandbox for downloads); keep them.
          c.set('headerProfile', 'origin');
          const media = await mediaFor(c.env)(c.req.raw, { identity: auth.identity, instanceId: instance.id, requestId: c.var.rid });
          return withRenewedCookie(c, auth, media);
        }
        return withRenewedCookie(c, auth, await forward(c, instance.origin.replace(/\/+$/, ''), title, auth.identity, instance.id));
      }
    }
  };
}
