import { describe, expect, it } from 'vitest';
import type { Env } from '../../edge/env.ts';
import { serializeCookie, useSecureCookies } from '../../edge/cookies.ts';
import { loginCookiesToClear, MAX_PENDING_SIGN_INS } from '../../edge/login-state.ts';
import { MAX_RETURN_TO, safeReturnTo } from '../../edge/return-to.ts';
import { APP, baseEnv, Browser, DOMAIN, edgeFetch, hostUrl, signIn, tokenServerUrl } from './support/edge-client.ts';

describe('browser sign-in', () => {
  it('sends an anonymous page view on an instance to sign in on app, then back to the page', async () => {
    const browser = new Browser();
    const first = await browser.navigate(hostUrl('instance1', '/wiki/Home?x=1'));
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(`${APP}/_auth/login?returnTo=${encodeURIComponent(hostUrl('instance1', '/wiki/Home?x=1'))}`);

    const back = await signIn(browser, { username: 'starter-a', groups: ['/STARTER'] }, hostUrl('instance1', '/wiki/Home?x=1'));
    expect(back).toBe(hostUrl('instance1', '/wiki/Home?x=1'));

    const page = await browser.navigate(back);
    expect(page.status).toBe(200);
    const echoed = (await page.json()) as { path: string; headers: Record<string, string> };
    expect(echoed.path).toBe('/wiki/Home');
    expect(echoed.headers['x-wikiplatform-assertion']).toBeTruthy();
  });
});

describe('sign-in flow', () => {
  it('starts a code flow with PKCE S256, state, nonce and the one registered redirect URI on app', async () => {
    const browser = new Browser();
    const res = await browser.navigate(`${APP}/_auth/login?returnTo=${encodeURIComponent(hostUrl('instance2', '/x'))}`);
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe('http://sso.wikiplatform.localhost/realms/wikiplatform/protocol/openid-connect/auth');
    const p = url.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe('wikiplatform-edge');
    expect(p.get('redirect_uri')).toBe(`${APP}/_auth/callback`);
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(p.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    expect(p.get('scope')).toContain('openid');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('hops a sign-in started on an instance host over to app, keeping the destination', async () => {
    const res = await new Browser().navigate(hostUrl('instance3', '/_auth/login'));
    expect(res.headers.get('location')).toBe(`${APP}/_auth/login?returnTo=${encodeURIComponent(hostUrl('instance3', '/'))}`);
  });

  it('keeps the port the browser used in every URL it builds', async () => {
    const res = await new Browser().navigate('http://instance1.wikiplatform.localhost:8787/wiki');
    expect(res.headers.get('location')).toBe(
      `http://app.wikiplatform.localhost:8787/_auth/login?returnTo=${encodeURIComponent('http://instance1.wikiplatform.localhost:8787/wiki')}`,
    );
    const login = await new Browser().navigate('http://app.wikiplatform.localhost:8787/_auth/login');
    expect(new URL(login.headers.get('location')!).searchParams.get('redirect_uri')).toBe('http://app.wikiplatform.localhost:8787/_auth/callback');
  });

  it.each([
    'https://evil.example/',
    '//evil.example/x',
    'http://app.wikiplatform.localhost.evil.example/',
    'http://evilwikiplatform.localhost/',
    'javascript:alert(1)',
    'data:text/html,hi',
    'http://user:pw@instance1.wikiplatform.localhost/',
    'https://instance1.wikiplatform.localhost/',
    'http://instance1.wikiplatform.localhost:9999/',
    `${APP}/_auth/login`,
  ])('refuses to return to %s and lands on the portal instead', async (returnTo) => {
    const browser = new Browser();
    const login = await browser.navigate(`${APP}/_auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    const authorize = new URL(login.headers.get('location')!);
    const idp = new URL(authorize.pathname + authorize.search, tokenServerUrl());
    idp.searchParams.set('test_user', 'redirect-victim');
    const approved = await fetch(idp, { redirect: 'manual' });
    const callback = await browser.navigate(approved.headers.get('location')!);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${APP}/`);
  });

  it('returns to another of our hosts and to relative paths', () => {
    const url = new URL(`${APP}/_auth/login`);
    expect(safeReturnTo(hostUrl('instance3', '/a?b=c#d'), url, DOMAIN, 'F')).toBe(hostUrl('instance3', '/a?b=c#d'));
    expect(safeReturnTo('/dashboard', url, DOMAIN, 'F')).toBe(`${APP}/dashboard`);
    expect(safeReturnTo('https://evil.example', url, DOMAIN, 'F')).toBe('F');
  });

  it('brings a destination too long to carry through sign-in back to its host front page', () => {
    const url = new URL(`${APP}/_auth/login`);
    const long = hostUrl('instance2', `/wiki/${'a'.repeat(MAX_RETURN_TO)}`);
    expect(safeReturnTo(long, url, DOMAIN, 'F')).toBe(hostUrl('instance2', '/'));
    const fits = hostUrl('instance2', `/wiki/${'a'.repeat(MAX_RETURN_TO - 200)}`);
    expect(safeReturnTo(fits, url, DOMAIN, 'F')).toBe(fits);
  });

  it('keeps at most three sign-ins pending per browser: each new one clears the oldest, and the newest completes', async () => {
    const browser = new Browser();
    const pending = () => browser.cookies.filter((c) => c.name.startsWith('wp_login_'));
    const states: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const login = await browser.navigate(`${APP}/_auth/login?returnTo=${encodeURIComponent(hostUrl('instance1', `/wiki/Page-${i}`))}`);
      expect(login.status).toBe(302);
      states.push(new URL(login.headers.get('location')!).searchParams.get('state')!);
      expect(pending().length).toBe(Math.min(i + 1, MAX_PENDING_SIGN_INS));
    }
    // The oldest sign-in's cookie is gone: its callback is refused like any expired sign-in.
    const oldest = await browser.navigate(`${APP}/_auth/callback?code=abc&state=${states[0]}`);
    expect(oldest.status).toBe(400);
    // The newest completes and lands where it was started.
    const login = await browser.navigate(`${APP}/_auth/login?returnTo=${encodeURIComponent(hostUrl('instance1', '/wiki/Last'))}`);
    const authorize = new URL(login.headers.get('location')!);
    const idp = new URL(authorize.pathname + authorize.search, tokenServerUrl());
    idp.searchParams.set('test_user', 'many-tabs');
    const approved = await fetch(idp, { redirect: 'manual' });
    const callback = await browser.navigate(approved.headers.get('location')!);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(hostUrl('instance1', '/wiki/Last'));
    expect(pending().length).toBe(MAX_PENDING_SIGN_INS - 1);
  });

  it('clears the oldest pending sign-in cookies first, as browsers list them', () => {
    expect(loginCookiesToClear(['theme', 'wp_login_a', 'wp_session', 'wp_login_b'])).toEqual([]);
    expect(loginCookiesToClear(['wp_login_a', 'wp_login_b', 'wp_login_c'])).toEqual(['wp_login_a']);
    expect(loginCookiesToClear(['wp_login_a', 'x', 'wp_login_b', 'wp_login_c', 'wp_login_d'])).toEqual(['wp_login_a', 'wp_login_b']);
  });

  it('refuses a callback whose state has no matching sign-in cookie', async () => {
    const res = await new Browser().navigate(`${APP}/_auth/callback?code=abc&state=${'s'.repeat(32)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Your sign-in expired');
  });

  it('refuses a callback whose state was swapped for another sign-in cookie', async () => {
    const browser = new Browser();
    const login = await browser.navigate(`${APP}/_auth/login`);
    const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
    const loginCookie = browser.cookies.find((c) => c.name.startsWith('wp_login_'))!;
    // Same cookie presented under the name another state would use.
    const forged = `${'Z'.repeat(32)}`;
    loginCookie.name = `wp_login_${forged.slice(0, 16)}`;
    const res = await browser.navigate(`${APP}/_auth/callback?code=abc&state=${forged}`);
    expect(res.status).toBe(400);
    expect(state).not.toBe(forged);
  });

  it('cannot replay a callback: the code and the sign-in cookie are single-use', async () => {
    const browser = new Browser();
    const login = await browser.navigate(`${APP}/_auth/login`);
    const authorize = new URL(login.headers.get('location')!);
    const idp = new URL(authorize.pathname + authorize.search, tokenServerUrl());
    idp.searchParams.set('test_user', 'replayer');
    const callbackUrl = (await fetch(idp, { redirect: 'manual' })).headers.get('location')!;
    const loginCookie = { ...browser.cookies.find((c) => c.name.startsWith('wp_login_'))! };
    expect((await browser.navigate(callbackUrl)).status).toBe(302);
    const attacker = new Browser();
    attacker.cookies.push(loginCookie);
    expect((await attacker.navigate(callbackUrl)).status).toBe(400);
  });

  it('shows a retry page when the IdP reports an error', async () => {
    const res = await new Browser().navigate(`${APP}/_auth/callback?error=access_denied&state=x`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Sign in again');
  });

  it('serves the callback on app only', async () => {
    const res = await new Browser().navigate(hostUrl('instance1', '/_auth/callback?code=a&state=b'));
    expect(res.status).toBe(404);
  });
});

describe('cookies on a real domain', () => {
  const realDomain: Env = {
    ...baseEnv,
    DOMAIN: 'wikiplatform.test',
    OIDC_ISSUER: 'https://sso.wikiplatform.test/realms/wikiplatform',
  };

  it('marks the sign-in cookie Secure on https hosts outside localhost', async () => {
    const res = await edgeFetch('https://app.wikiplatform.test/_auth/login', { headers: { accept: 'text/html' } }, realDomain);
    expect(res.headers.getSetCookie()[0]).toMatch(/; Secure$/);
    expect(new URL(res.headers.get('location')!).searchParams.get('redirect_uri')).toBe('https://app.wikiplatform.test/_auth/callback');
  });

  it('decides Secure from the host: never on *.localhost with "auto", always when forced', () => {
    expect(useSecureCookies('auto', 'app.wikiplatform.localhost:8787')).toBe(false);
    expect(useSecureCookies('auto', 'app.wikiplatform.app')).toBe(true);
    expect(useSecureCookies('true', 'app.wikiplatform.localhost')).toBe(true);
    expect(serializeCookie('wp_session', 'v', { maxAge: 60, secure: true, domain: 'wikiplatform.app' })).toBe(
      'wp_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Domain=wikiplatform.app; Secure',
    );
  });
});
