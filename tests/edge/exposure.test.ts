// What the edge refuses to pass on, whoever asks: origin probes and metrics, Keycloak's admin surface,
// and a sign-out that the user did not ask for.
import { describe, expect, it } from 'vitest';
import { APP, Browser, edgeFetch, hostUrl, mintAccessToken, signIn } from './support/edge-client.ts';

const SESSION = 'wp_session';

describe('origin probes and metrics', () => {
  it('answers 404 for /healthz, /readyz and /metrics on instance and portal hosts, even when signed in', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'curious', groups: ['/ENTERPRISE'] });
    for (const host of ['instance1', 'app'] as const) {
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        const res = await browser.fetch(hostUrl(host, path));
        expect(res.status, `${host}${path}`).toBe(404);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
      }
    }
    // Ordinary paths still reach the origin.
    expect((await browser.fetch(hostUrl('instance1', '/metrics-report'))).status).toBe(200);
  });

  it("answers 404 for the same paths written so that only the origin's router decodes them (escapes, case, slashes, matrix)", async () => {
    // The URL parser keeps `%6D` encoded; Hono decodes it, so `/%6Detrics` would be the origin's /metrics.
    const disguised = ['/%6Detrics', '/metric%73', '/%68ealthz', '/%72eadyz', '/%256Detrics', '/METRICS', '//metrics', '/metrics;x', '/metrics/', '/x/%2E%2E/metrics'];
    const browser = new Browser();
    await signIn(browser, { username: 'disguised', groups: ['/ENTERPRISE'] });
    for (const host of ['instance1', 'app'] as const) {
      for (const path of disguised) {
        const res = await browser.fetch(hostUrl(host, path));
        expect(res.status, `${host}${path}`).toBe(404);
      }
    }
    // The bearer path, which never takes the hot path, refuses them alike.
    const bearer = await mintAccessToken({ groups: ['/ENTERPRISE'] });
    for (const path of disguised) {
      const res = await edgeFetch(hostUrl('instance1', path), { headers: { authorization: `Bearer ${bearer}` } });
      expect(res.status, path).toBe(404);
    }
    expect((await browser.fetch(hostUrl('instance1', '/wiki/%6Detrics'))).status).toBe(200);
  });
});

describe('Keycloak admin surface', () => {
  it('answers 404 for the admin console, the admin API and the master realm on sso', async () => {
    for (const path of ['/admin', '/admin/master/console/', '/realms/master/protocol/openid-connect/auth', '/admin/realms/wikiplatform/users', '/realms/wikiplatform/admin/x']) {
      const res = await new Browser().fetch(hostUrl('sso', path));
      expect(res.status, path).toBe(404);
    }
  });

  it('answers 404 for the admin surface and the master realm behind escapes, matrix parameters and doubled slashes', async () => {
    const disguised = ['/realms/%6Daster/.well-known/openid-configuration', '/%61dmin/master/console/', '/admin;x/master/console/', '//admin/', '/Realms/Master/account', '/realms/wikiplatform/%61dmin/x', '/realms/x/../master/account'];
    for (const path of disguised) {
      const res = await new Browser().fetch(hostUrl('sso', path));
      expect(res.status, path).toBe(404);
    }
    expect((await new Browser().fetch(hostUrl('sso', '/realms/wikiplatform/.well-known/openid-configuration'))).status).toBe(200);
  });
});

describe('sign-out the user did not ask for', () => {
  it('does not end the session for an image request to /_auth/logout, and shows a confirmation instead', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'viewer', groups: ['/STARTER'] });
    const img = await browser.fetch(hostUrl('instance1', '/_auth/logout'), {
      headers: { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image', 'sec-fetch-site': 'same-origin', accept: 'image/*' },
    });
    expect(img.status).toBe(200);
    expect(img.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=`))).toBe(false);
    expect((await browser.fetch(hostUrl('app', '/_auth/session'))).status).toBe(200);
  });

  it('does not sign out on a HEAD request, which is routed like a GET', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'header', groups: ['/STARTER'] });
    const head = await browser.fetch(hostUrl('instance1', '/_auth/logout'), { method: 'HEAD', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(head.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=`))).toBe(false);
    expect((await browser.fetch(hostUrl('app', '/_auth/session'))).status).toBe(200);
  });

  it("refuses a cross-origin sign-out posted to the edge's own routes on the sso host", async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'sso-csrf', groups: ['/STARTER'] });
    for (const path of ['/_auth/logout', '/%5Fauth/logout']) {
      const res = await browser.fetch(hostUrl('sso', path), { method: 'POST', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
      expect(res.status, path).toBe(403);
    }
    expect((await browser.fetch(hostUrl('app', '/_auth/session'))).status).toBe(200);
  });

  it('asks before signing out on a cross-site navigation, and signs out when the form is posted', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'linked', groups: ['/STARTER'] });
    const page = await browser.navigate(hostUrl('instance1', '/_auth/logout'), { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/_auth/logout">');
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${APP}`);
    expect((await browser.fetch(hostUrl('app', '/_auth/session'))).status).toBe(200);

    const posted = await browser.navigate(hostUrl('instance1', '/_auth/logout'), {
      method: 'POST',
      headers: { origin: hostUrl('instance1').replace(/\/$/, ''), 'sec-fetch-site': 'same-origin' },
    });
    expect(posted.status).toBe(303);
    expect((await browser.fetch(hostUrl('app', '/_auth/session'))).status).toBe(401);
  });
});
