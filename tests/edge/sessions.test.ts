import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { APP, Browser, control, hostUrl, signIn } from './support/edge-client.ts';

const SESSION = 'wp_session';

describe('the session cookie', () => {
  it('is one small HttpOnly, SameSite=Lax cookie on the parent domain, without Secure on *.localhost', async () => {
    const browser = new Browser();
    const first = await browser.navigate(hostUrl('instance1'));
    const login = await browser.navigate(first.headers.get('location')!);
    const loginCookie = login.headers.getSetCookie().find((c) => c.startsWith('wp_login_'))!;
    expect(loginCookie).toMatch(/; Path=\/_auth\/;/);
    expect(loginCookie).toMatch(/HttpOnly/);
    expect(loginCookie).not.toMatch(/Domain=/);

    await signIn(browser, { username: 'cookie-shape', groups: ['/PRO', '/ENTERPRISE'], roles: ['editor'] });
    const cookie = browser.get(SESSION)!;
    expect(cookie.domain).toBe('wikiplatform.localhost');
    expect(cookie.hostOnly).toBe(false);
    expect(cookie.value.length).toBeLessThan(2048);
    // No raw IdP token inside: the payload is identity and deadlines only.
    const payload = JSON.parse(atob(cookie.value.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/')));
    expect(Object.keys(payload).sort()).toEqual(['exp', 'fresh', 'id', 'sid', 'v']);
    expect(JSON.stringify(payload)).not.toMatch(/eyJ/);
  });

  it('keeps a user in very many groups signed in: the cookie carries only the plan groups and platform role, and fits', async () => {
    const browser = new Browser();
    const many = Array.from({ length: 60 }, (_, i) => `/department-of-remarkably-long-group-names-${String(i).padStart(3, '0')}`);
    const roles = ['platform-admin', ...Array.from({ length: 40 }, (_, i) => `some-application-specific-role-${i}`)];
    const landed = await signIn(browser, { username: 'joiner', groups: [...many, '/PRO'], roles });
    const cookie = browser.get(SESSION)!;
    expect(cookie.value.length).toBeLessThanOrEqual(3800);
    // No sign-in loop: the landing page opens with this cookie.
    expect((await browser.navigate(landed)).status).toBe(200);
    const session = (await (await browser.fetch(hostUrl('app', '/_auth/session'))).json()) as { user: { plan: string; groups: string[]; roles: string[] } };
    expect(session.user).toMatchObject({ plan: 'PRO', groups: ['/PRO'], roles: ['platform-admin'] });
    // Decisions are unchanged: platform-admin still opens every instance.
    expect((await browser.fetch(hostUrl('instance3', '/api/x'))).status).toBe(200);
  });

  it('answers a clear 400 page instead of a sign-in loop when even the compacted identity cannot fit a cookie', async () => {
    const browser = new Browser();
    // Control characters: each is six bytes once JSON-escaped, in the username, the email and the name.
    const res = await signIn(browser, { username: '\u0001'.repeat(250), groups: ['/PRO'] }).catch((err: Error) => err.message);
    expect(res).toMatch(/^callback failed: 400 /);
    expect(res).toContain('too large for a browser session');
    expect(browser.get(SESSION)).toBeUndefined();
  });

  it('opens every subdomain after one sign-in', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'one-sign-in', groups: ['/ENTERPRISE'] }, hostUrl('app', '/'));
    for (const sub of ['app', 'instance1', 'instance2', 'instance3']) {
      expect((await browser.navigate(hostUrl(sub, '/page'))).status, sub).toBe(200);
    }
  });

  it('reports the identity and the openable instances at /_auth/session', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'session-json', groups: ['/PRO'] });
    const res = await browser.fetch(hostUrl('instance2', '/_auth/session'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({
      authenticated: true,
      via: 'session',
      user: { username: 'session-json', email: 'session-json@example.test', plan: 'PRO', groups: ['/PRO'] },
      instances: [
        { id: 'instance1', url: 'http://instance1.wikiplatform.localhost/' },
        { id: 'instance2', url: 'http://instance2.wikiplatform.localhost/' },
      ],
    });
  });

  it('answers /_auth/session with JSON 401 when nobody is signed in, never a redirect', async () => {
    const res = await new Browser().navigate(hostUrl('app', '/_auth/session'));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('refuses a cookie whose MAC does not match, and clears it', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'tamperer', groups: ['/STARTER'] });
    const cookie = browser.get(SESSION)!;
    const [body, mac] = cookie.value.split('.');
    const claims = JSON.parse(atob(body!.replace(/-/g, '+').replace(/_/g, '/')));
    claims.id.plan = 'ENTERPRISE';
    claims.id.groups = ['/ENTERPRISE'];
    cookie.value = `${btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.${mac}`;
    const res = await browser.fetch(hostUrl('instance3', '/api'));
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=;`) && c.includes('Max-Age=0'))).toBe(true);
    expect(browser.get(SESSION)).toBeUndefined();
  });
});

describe('refresh', () => {
  it('refreshes exactly once when many requests arrive together with an expiring session', async () => {
    const browser = new Browser();
    const username = `concurrent-${crypto.randomUUID().slice(0, 8)}`;
    // A 20 s access token is inside the refresh margin: the very first cookie is already stale.
    await signIn(browser, { username, groups: ['/STARTER'], accessTtl: 20 });
    await control('wikiplatform', 'settings', { refreshDelayMs: 300 });
    try {
      const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => browser.fetch(hostUrl('instance1', `/api/${i}`))));
      expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
      // Every response hands back a renewed cookie, all naming the same session.
      const renewed = responses.map((r) => r.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`)));
      expect(renewed.every(Boolean)).toBe(true);
    } finally {
      await control('wikiplatform', 'settings', { refreshDelayMs: 0 });
    }
    expect((await control('wikiplatform', 'stats')).refreshes[username]).toBe(1);
    // The renewed cookie is fresh: the next requests need neither the Durable Object nor the IdP.
    for (let i = 0; i < 5; i++) expect((await browser.fetch(hostUrl('instance1', '/api/again'))).status).toBe(200);
    expect((await control('wikiplatform', 'stats')).refreshes[username]).toBe(1);
  });

  it('ends the session when the IdP refuses the refresh (user disabled or session revoked there)', async () => {
    const browser = new Browser();
    const username = `revoked-${crypto.randomUUID().slice(0, 8)}`;
    await signIn(browser, { username, groups: ['/STARTER'], accessTtl: 20 });
    await control('wikiplatform', 'revoke-user', { username });
    const page = await browser.navigate(hostUrl('instance1', '/wiki'));
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(`${APP}/_auth/login?returnTo=`);
    expect(browser.get(SESSION)).toBeUndefined();
  });
});

describe('refresh while the IdP is unreachable', () => {
  it('keeps serving on the valid access token and asks the IdP again only after a pause, not on every request', async () => {
    const browser = new Browser();
    const username = `outage-${crypto.randomUUID().slice(0, 8)}`;
    await signIn(browser, { username, groups: ['/STARTER'], accessTtl: 20 });
    await control('wikiplatform', 'settings', { refreshOutageFor: username });
    try {
      for (let i = 0; i < 6; i++) expect((await browser.fetch(hostUrl('instance1', `/api/outage/${i}`))).status).toBe(200);
    } finally {
      await control('wikiplatform', 'settings', { refreshRestoredFor: username });
    }
    // The first request found the IdP down; the next five were inside the pause.
    expect((await control('wikiplatform', 'stats')).refreshes[username]).toBe(1);
  });
});

describe('logout', () => {
  it('ends the session for good even while a refresh is in flight: the refresh does not bring it back', async () => {
    const browser = new Browser();
    const username = `racer-${crypto.randomUUID().slice(0, 8)}`;
    await signIn(browser, { username, groups: ['/STARTER'], accessTtl: 20 });
    const stolen = { ...browser.get(SESSION)! };
    await control('wikiplatform', 'settings', { refreshDelayMs: 1500 });
    let during: Promise<Response>;
    try {
      during = browser.fetch(hostUrl('instance1', '/api/during'));
      // Wait until the session's refresh is at the IdP, then sign out.
      for (let i = 0; i < 100 && !(await control('wikiplatform', 'stats')).refreshes[username]; i++) await new Promise((r) => setTimeout(r, 20));
      const out = await browser.fetch(hostUrl('app', '/_auth/logout'), { method: 'POST', headers: { origin: APP } });
      expect(out.status).toBe(200);
      await during;
    } finally {
      await control('wikiplatform', 'settings', { refreshDelayMs: 0 });
    }
    const thief = new Browser();
    thief.cookies.push(stolen);
    const after = await thief.fetch(hostUrl('instance1', '/api/after'));
    expect(after.status).toBe(401);
    expect(after.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=`) && !c.includes('Max-Age=0'))).toBe(false);
  });

  it('on an instance host ends the session everywhere and ends the IdP session with id_token_hint', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'leaver', groups: ['/ENTERPRISE'], accessTtl: 20 });
    // A copy of the cookie as it was, to prove the session itself is over, not just the browser's cookie.
    const copy = { ...browser.get(SESSION)! };
    expect((await browser.navigate(hostUrl('app', '/'))).status).toBe(200);

    const out = await browser.navigate(hostUrl('instance1', '/_auth/logout'));
    expect(out.status).toBe(302);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=;`))!;
    expect(cleared).toContain('Domain=wikiplatform.localhost');
    expect(cleared).toContain('Max-Age=0');
    const idp = new URL(out.headers.get('location')!);
    expect(`${idp.origin}${idp.pathname}`).toBe('http://sso.wikiplatform.localhost/realms/wikiplatform/protocol/openid-connect/logout');
    expect(idp.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/_auth/signed-out`);
    expect(idp.searchParams.get('client_id')).toBe('wikiplatform-edge');
    expect(decodeJwt(idp.searchParams.get('id_token_hint')!)).toMatchObject({ aud: 'wikiplatform-edge', preferred_username: 'leaver' });

    // Signed out on app too: no cookie in this browser…
    expect(browser.get(SESSION)).toBeUndefined();
    expect((await browser.fetch(hostUrl('app', '/_auth/session'))).status).toBe(401);
    // …and the copied cookie no longer opens anything once it has to ask the session.
    const thief = new Browser();
    thief.cookies.push(copy);
    expect((await thief.fetch(hostUrl('app', '/api'))).status).toBe(401);
    expect((await thief.fetch(hostUrl('instance2', '/api'))).status).toBe(401);
  });

  it('answers an API logout with JSON instead of a redirect', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'api-leaver', groups: ['/STARTER'] });
    const res = await browser.fetch(hostUrl('app', '/_auth/logout'), { method: 'POST', headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ signedOut: true });
    expect(browser.get(SESSION)).toBeUndefined();
  });

  it('shows a signed-out page on app after the IdP logout', async () => {
    const res = await new Browser().navigate(hostUrl('app', '/_auth/signed-out'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are signed out');
  });
});
