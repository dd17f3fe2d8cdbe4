// /_auth/*: sign-in (code + PKCE + state + nonce), callback, logout on every host, current session.
// The realm knows one redirect URI, on app.DOMAIN, so a sign-in started elsewhere hops there first.
import { Hono } from 'hono';
import { SESSION_COOKIE } from '#shared/headers';
import { identityFromKeycloakClaims } from '#shared/identity';
import { instancesFor } from '#shared/plan-matrix';
import { authenticate, sessionStub } from './authenticate.ts';
import { randomToken } from './base64url.ts';
import { clearCookie, parseCookies, serializeCookie } from './cookies.ts';
import type { AppDeps, EdgeContext, EdgeHono } from './edge-context.ts';
import { renderPage } from './error-pages.ts';
import { EDGE_PAGE_CSP } from './security-headers.ts';
import { wireErrorFor } from './failures.ts';
import { siblingOrigin } from './host-router.ts';
import { log } from './logger.ts';
import { LOGIN_COOKIE_PATH, LOGIN_STATE_TTL_SECONDS, loginCookieName, loginCookiesToClear, openLoginState, sealLoginState } from './login-state.ts';
import { authorizeUrl, createPkce, endSessionUrl, exchangeCode } from './oidc-client.ts';
import { bindingLimiter, memoryLimiter, type Limiter } from './rate-limit.ts';
import { errorResponse, jsonError } from './respond.ts';
import { MAX_COOKIE_BYTES, openSession, sealSession } from './session-cookie.ts';
import { safeReturnTo } from './return-to.ts';
import { freshUntil, sessionEnd } from './session-policy.ts';
import { verifyAccessToken, verifyIdToken } from './token-verifier.ts';
import { isNavigation } from './request-kind.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

export const AUTH_RATE_LIMIT = { limit: 60, periodSeconds: 60 };
const LIMITED_AUTH_PATHS: ReadonlySet<string> = new Set(['/_auth/login', '/_auth/callback']);

export function authRoutes(deps: AppDeps) {
  const { config } = deps;
  const oidc = config.oidc;
  const fallbackLimiter = memoryLimiter(AUTH_RATE_LIMIT.limit, AUTH_RATE_LIMIT.periodSeconds * 1000);
  const auth = new Hono<EdgeHono>();

  const limiterFor = (c: EdgeContext): Limiter =>
    deps.authLimiter ?? (c.env.AUTH_LIMITER ? bindingLimiter(c.env.AUTH_LIMITER) : fallbackLimiter);
  const sessionCookie = (c: EdgeContext, value: string, maxAge: number) =>
    serializeCookie(SESSION_COOKIE, value, { maxAge, secure: c.var.secureCookies, domain: config.domain });
  const clearSession = (c: EdgeContext) => clearCookie(SESSION_COOKIE, { secure: c.var.secureCookies, domain: config.domain });
  const redirectUri = (c: EdgeContext) => `${c.var.appOrigin}/_auth/callback`;
  const signInAgain = (c: EdgeContext, heading: string, paragraph: string, status: 400 | 502 | 503) => {
    c.set('headerProfile', 'edge');
    return c.html(
      renderPage({
        title: heading,
        heading,
        paragraphs: [paragraph],
        links: [{ href: `${c.var.appOrigin}/_auth/login`, label: 'Sign in again' }],
        requestId: c.var.rid,
      }),
      status,
    );
  };

  auth.use(async function authRateLimit(c, next) {
    if (c.var.route.kind === 'unknown') return errorResponse(c, 'not_found', 'Not found.');
    // Only the paths that cost the IdP or mint state are limited: an office behind one address must
    // still be able to read its session and to sign out.
    if (!LIMITED_AUTH_PATHS.has(c.req.path)) return next();
    const ip = c.req.header('cf-connecting-ip') ?? 'unknown';
    if (!(await limiterFor(c).allow(`auth:${ip}`))) {
      c.var.logFields.reason = 'rate_limited';
      c.header('retry-after', String(AUTH_RATE_LIMIT.periodSeconds));
      return errorResponse(c, 'rate_limited', 'Too many sign-in requests. Try again in a minute.');
    }
    await next();
  });

  auth.get('/login', async (c) => {
    const url = c.var.url;
    const returnTo = c.req.query('returnTo');
    if (c.var.route.kind !== 'portal') {
      // Only app.DOMAIN can receive the callback; carry the destination (default: this host) across.
      const dest = returnTo ?? `${url.origin}/`;
      return c.redirect(`${c.var.appOrigin}/_auth/login?returnTo=${encodeURIComponent(dest)}`, 302);
    }
    const target = safeReturnTo(returnTo, url, config.domain, `${c.var.appOrigin}/`);
    const keys = await deps.keys();
    const state = randomToken(24);
    const nonce = randomToken(24);
    const pkce = await createPkce();
    const sealed = await sealLoginState(keys.loginState, {
      state,
      nonce,
      verifier: pkce.verifier,
      returnTo: target,
      exp: nowSeconds() + LOGIN_STATE_TTL_SECONDS,
    });
    for (const name of loginCookiesToClear([...parseCookies(c.req.header('cookie') ?? null).keys()])) {
      c.header('set-cookie', clearCookie(name, { secure: c.var.secureCookies, path: LOGIN_COOKIE_PATH }), { append: true });
    }
    c.header(
      'set-cookie',
      serializeCookie(loginCookieName(state), sealed, {
        maxAge: LOGIN_STATE_TTL_SECONDS,
        secure: c.var.secureCookies,
        path: LOGIN_COOKIE_PATH,
      }),
      { append: true },
    );
    c.header('cache-control', 'no-store');
    return c.redirect(authorizeUrl(oidc, { redirectUri: redirectUri(c), state, nonce, challenge: pkce.challenge }), 302);
  });

  auth.get('/callback', async (c) => {
    if (c.var.route.kind !== 'portal') return errorResponse(c, 'not_found', 'Not found.');
    c.header('cache-control', 'no-store');
    const error = c.req.query('error');
    const code = c.req.query('code');
    const state = c.req.query('state');
    if (error) {
      c.var.logFields.reason = `idp_error:${error.slice(0, 64)}`;
      return signInAgain(c, 'Sign-in did not complete', 'The identity provider did not sign you in.', 400);
    }
    if (!code || !state || state.length > 128) {
      c.var.logFields.reason = 'callback_missing_params';
      return signInAgain(c, 'Sign-in did not complete', 'The sign-in response was incomplete.', 400);
    }
    const keys = await deps.keys();
    const cookieName = loginCookieName(state);
    c.header('set-cookie', clearCookie(cookieName, { secure: c.var.secureCookies, path: LOGIN_COOKIE_PATH }), { append: true });
    const opened = await openLoginState(keys.loginState, parseCookies(c.req.header('cookie') ?? null).get(cookieName), state, nowSeconds());
    if (!opened.ok) {
      c.var.logFields.reason = `login_state_${opened.reason}`;
      return signInAgain(c, 'Your sign-in expired', 'Sign-in took too long or was started in another browser. Please start again.', 400);
    }
    const login = opened.value;
    const exchanged = await exchangeCode(oidc, { code, verifier: login.verifier, redirectUri: redirectUri(c) });
    if (!exchanged.ok) {
      c.var.logFields.reason = `token_endpoint_${exchanged.reason}`;
      log('warn', { msg: 'code exchange failed', rid: c.var.rid, reason: exchanged.reason, detail: exchanged.detail });
      return exchanged.reason === 'rejected'
        ? signInAgain(c, 'Sign-in did not complete', 'The sign-in could not be confirmed. Please start again.', 400)
        : signInAgain(c, 'Sign-in is temporarily unavailable', 'The identity provider could not be reached.', 503);
    }
    const tokens = exchanged.tokens;
    const verifier = { issuer: oidc.issuer, clientId: oidc.clientId, jwks: deps.jwks };
    const idToken = tokens.id_token
      ? await verifyIdToken(tokens.id_token, login.nonce, verifier)
      : ({ ok: false, reason: 'malformed' } as const);
    const access = await verifyAccessToken(tokens.access_token, verifier);
    const identity = access.ok ? identityFromKeycloakClaims(access.claims) : null;
    if (!idToken.ok || !access.ok || !identity || idToken.claims.sub !== identity.sub) {
      c.var.logFields.reason = !idToken.ok ? `id_token_${idToken.reason}` : !access.ok ? `access_token_${access.reason}` : 'identity';
      return signInAgain(c, 'Sign-in did not complete', 'The sign-in could not be confirmed. Please start again.', 400);
    }
    const now = nowSeconds();
    const accessExp = Number(access.claims.exp);
    const sid = randomToken(32);
    const sessionExp = sessionEnd(now, tokens.refresh_expires_in, Boolean(tokens.refresh_token), accessExp);
    await sessionStub(c.env, sid).begin({
      identity,
      accessToken: tokens.access_token,
      accessExp,
      refreshToken: tokens.refresh_token,
      idToken: tokens.id_token,
      sessionExp,
    });
    const value = await sealSession(keys.sessionMac, { sid, identity, fresh: freshUntil(now, accessExp), exp: sessionExp });
    if (value.length > MAX_COOKIE_BYTES) {
      // Even compacted, the identity does not fit a cookie (outlandish names): say so instead of a sign-in loop.
      await sessionStub(c.env, sid).end();
      c.var.logFields.reason = 'identity_too_large';
      return signInAgain(c, 'Sign-in did not complete', 'Your account details are too large for a browser session. Ask an administrator to shorten your name or email.', 400);
    }
    c.header('set-cookie', sessionCookie(c, value, sessionExp - now), { append: true });
    c.var.logFields.user = identity.sub;
    log('info', { msg: 'signed in', rid: c.var.rid, user: identity.sub, plan: identity.plan });
    return c.redirect(login.returnTo, 302);
  });

  const logout = async (c: EdgeContext) => {
    c.header('cache-control', 'no-store');
    // A GET ends the session only when the person asked for it: a typed URL or a same-origin link.
    // An <img src="/_auth/logout"> in a wiki page, or a cross-site link, gets a page with a button (POST,
    // which the Origin check covers) instead of signing everyone who views the page out.
    // HEAD is routed to the GET handler: only a POST (Origin-checked) or a deliberate GET signs out.
    if (c.req.method !== 'POST' && !isDeliberateNavigation(c.req.raw)) return confirmLogout(c);
    const keys = await deps.keys();
    const cookie = parseCookies(c.req.header('cookie') ?? null).get(SESSION_COOKIE);
    let idToken: string | undefined;
    if (cookie) {
      // Stale or not, a genuine cookie names the session to end; an expired one has nothing left to end.
      const opened = await openSession(keys.sessionMac, cookie, nowSeconds());
      if (opened.ok) {
        idToken = (await sessionStub(c.env, opened.claims.sid).end()).idToken;
        c.var.logFields.user = opened.claims.identity.sub;
      }
    }
    // The cookie lives on the parent domain: clearing it here signs out every subdomain at once.
    c.header('set-cookie', clearSession(c), { append: true });
    const signedOut = `${c.var.appOrigin}/_auth/signed-out`;
    const next = idToken ? endSessionUrl(oidc, { idTokenHint: idToken, postLogoutRedirectUri: signedOut }) : signedOut;
    const navigate = isNavigation(c.req.raw) || c.req.header('sec-fetch-mode') === 'navigate';
    if (!navigate) return c.json({ signedOut: true, next });
    return c.redirect(next, c.req.method === 'GET' ? 302 : 303);
  };
  const confirmLogout = (c: EdgeContext) => {
    c.set('headerProfile', 'origin');
    // The form posts here, and the answer redirects to the IdP and back to app.: form-action must allow the chain.
    c.header('content-security-policy', EDGE_PAGE_CSP.replace("form-action 'self'", `form-action 'self' ${c.var.appOrigin} ${new URL(oidc.issuer).origin}`));
    c.header('x-frame-options', 'DENY');
    return c.html(
      renderPage({
        title: 'Sign out',
        heading: 'Sign out of wikiplatform?',
        paragraphs: ['This signs you out of every wikiplatform instance.'],
        form: { action: '/_auth/logout', label: 'Sign out' },
        links: [{ href: `${c.var.appOrigin}/`, label: 'Stay signed in' }],
        requestId: c.var.rid,
      }),
    );
  };
  auth.get('/logout', logout);
  auth.post('/logout', logout);

  auth.get('/signed-out', (c) => {
    c.set('headerProfile', 'edge');
    return c.html(
      renderPage({
        title: 'Signed out',
        heading: 'You are signed out',
        paragraphs: ['You have been signed out of every wikiplatform instance.'],
        links: [{ href: `${c.var.appOrigin}/_auth/login`, label: 'Sign in again' }],
        requestId: c.var.rid,
      }),
    );
  });

  auth.get('/session', async (c) => {
    c.header('cache-control', 'no-store');
    const result = await authenticate(c.req.raw, {
      config,
      keys: await deps.keys(),
      jwks: deps.jwks,
      env: c.env,
      nowSeconds: nowSeconds(),
    });
    if (!result.ok) {
      c.var.logFields.reason = result.reason;
      if (result.hadSession) c.header('set-cookie', clearSession(c), { append: true });
      const wire = wireErrorFor(result.reason);
      return jsonError(c, wire.code, wire.message);
    }
    if (result.via === 'session' && result.renewed) {
      c.header('set-cookie', sessionCookie(c, result.renewed.value, result.renewed.maxAge), { append: true });
    }
    c.var.logFields.user = result.identity.sub;
    const ids = instancesFor(result.identity, config.planMatrix, [...config.instances.keys()]);
    return c.json({
      authenticated: true,
      via: result.via,
      user: result.identity,
      instances: ids.map((id) => ({
        id,
        title: config.instances.get(id)?.title ?? id,
        url: `${siblingOrigin(c.var.url, id, config.domain)}/`,
        maintenance: config.instances.get(id)?.maintenance ?? false,
      })),
    });
  });

  auth.all('*', (c) => errorResponse(c, 'not_found', 'Not found.'));
  return auth;
}

/** A top-level navigation the user started: typed, bookmarked, or a link on this very host. */
function isDeliberateNavigation(req: Request): boolean {
  const site = req.headers.get('sec-fetch-site');
  return (
    req.headers.get('sec-fetch-mode') === 'navigate' &&
    req.headers.get('sec-fetch-dest') === 'document' &&
    (site === 'none' || site === 'same-origin')
  );
}
