import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../edge/index.ts';
import type { Env } from '../../edge/env.ts';
import { setLogLevel } from '../../edge/logger.ts';
import { APP, baseEnv, bearer, Browser, edgeFetch, hostUrl, mintAccessToken, signIn } from './support/edge-client.ts';

describe('security headers', () => {
  it('puts a strict policy on the edge own pages', async () => {
    const res = await new Browser().navigate(hostUrl('frozen'));
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('adds default headers to origin responses that bring none, and keeps an origin own CSP', async () => {
    const token = await mintAccessToken({ groups: ['/STARTER'] });
    const plain = await edgeFetch(hostUrl('instance1', '/x'), bearer(token));
    expect(plain.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect(plain.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    const own = await edgeFetch(hostUrl('instance1', '/own-csp'), bearer(token));
    expect(own.headers.get('content-security-policy')).toBe("default-src 'self' https://cdn.example");
  });

  it('leaves the IdP pages their own CSP', async () => {
    const res = await edgeFetch(hostUrl('sso', '/realms/wikiplatform/account'));
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends HSTS over https on the real domain, never on localhost', async () => {
    const env: Env = { ...baseEnv, DOMAIN: 'wikiplatform.test' };
    const real = await edgeFetch('https://app.wikiplatform.test/_edge/healthz', {}, env);
    expect(real.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const local = await edgeFetch('https://app.wikiplatform.localhost/_edge/healthz');
    expect(local.headers.get('strict-transport-security')).toBeNull();
    const plainHttp = await edgeFetch('http://app.wikiplatform.test/_edge/healthz', {}, env);
    expect(plainHttp.headers.get('strict-transport-security')).toBeNull();
  });

  it('reports the edge own time and the origin time in Server-Timing', async () => {
    const token = await mintAccessToken({ groups: ['/STARTER'] });
    const res = await edgeFetch(hostUrl('instance1', '/x'), bearer(token));
    expect(res.headers.get('server-timing')).toMatch(/^edge;dur=\d+, origin;dur=\d+$/);
  });
});

describe('cross-origin requests', () => {
  const post = (url: string, headers: Record<string, string>, token?: string) =>
    edgeFetch(url, {
      method: 'POST',
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: '{}',
    });

  it('refuses an unsafe method with a foreign Origin', async () => {
    const token = await mintAccessToken({ groups: ['/PRO'] });
    for (const origin of ['https://evil.example', 'null', 'http://instance1.wikiplatform.localhost', 'https://instance2.wikiplatform.localhost']) {
      const res = await post(hostUrl('instance2', '/api/pages'), { origin }, token);
      expect(res.status, origin).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('refuses a cross-site browser request that carries no Origin', async () => {
    const res = await post(hostUrl('instance1', '/api/pages'), { 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
  });

  it('lets same-origin and non-browser requests through', async () => {
    const token = await mintAccessToken({ groups: ['/PRO'] });
    expect((await post(hostUrl('instance2', '/api/pages'), { origin: 'http://instance2.wikiplatform.localhost' }, token)).status).toBe(200);
    expect((await post(hostUrl('instance2', '/api/pages'), {}, token)).status).toBe(200);
  });

  it('refuses a cross-origin logout (logout CSRF)', async () => {
    const res = await post(`${APP}/_auth/logout`, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });
});

describe('rate limits', () => {
  it('limits /_auth/* per client address with 429 and Retry-After, leaving other clients alone', async () => {
    // The Workers rate-limiting binding from wrangler.toml, not the per-isolate fallback.
    expect(baseEnv.AUTH_LIMITER).toBeDefined();
    const hammer = (ip: string) => edgeFetch(`${APP}/_auth/login`, { headers: { 'cf-connecting-ip': ip, accept: 'text/html' } });
    const statuses: number[] = [];
    for (let i = 0; i < 65; i++) statuses.push((await hammer('198.51.100.200')).status);
    expect(statuses.slice(0, 60).every((s) => s === 302)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const limited = await hammer('198.51.100.200');
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await hammer('198.51.100.201')).status).toBe(302);
  });

  it('still lets a rate-limited address read its session and sign out', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'behind-nat', groups: ['/STARTER'] });
    for (let i = 0; i < 65; i++) await edgeFetch(`${APP}/_auth/login`, { headers: { 'cf-connecting-ip': browser.ip, accept: 'text/html' } });
    expect((await edgeFetch(`${APP}/_auth/login`, { headers: { 'cf-connecting-ip': browser.ip } })).status).toBe(429);
    expect((await browser.fetch(`${APP}/_auth/session`)).status).toBe(200);
    expect((await browser.fetch(`${APP}/_auth/logout`, { method: 'POST', headers: { origin: APP } })).status).toBe(200);
    expect((await browser.fetch(`${APP}/_auth/session`)).status).toBe(401);
  });
});

describe('logs', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    setLogLevel('error');
  });

  it('writes one JSON line per request with request id, instance, user, status and duration, and no secrets', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'logged-user', groups: ['/PRO'] });
    const cookie = browser.get('wp_session')!.value;
    const token = await mintAccessToken({ username: 'logged-api', groups: ['/PRO'] });

    setLogLevel('info');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    await browser.navigate(hostUrl('instance2', '/wiki?secret=1'));
    await edgeFetch(hostUrl('instance2', '/api'), bearer(token, { 'x-request-id': 'trace-abc-123' }));
    await edgeFetch(hostUrl('instance3', '/api'), bearer(token));

    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ level: 'info', instance: 'instance2', path: '/wiki', status: 200, user: expect.any(String), ms: expect.any(Number) });
    expect(entries[1]).toMatchObject({ rid: 'trace-abc-123', user: 'sub-logged-api', status: 200 });
    expect(entries[2]).toMatchObject({ status: 403, reason: 'plan_required' });
    const all = lines.join('\n');
    expect(all).not.toContain(cookie);
    expect(all).not.toContain(token);
    expect(all).not.toContain('secret=1');
  });

  it('answers a signed-in page request before writing its log line, which the invocation then still writes', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'logged-later', groups: ['/PRO'] });
    const url = new URL(hostUrl('instance2', '/wiki'));

    setLogLevel('info');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(url, { headers: { cookie: browser.cookieHeader(url), accept: 'text/html' } }), baseEnv, ctx);
    expect(res.status).toBe(200);
    const requestLines = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
    expect(requestLines()).toHaveLength(0);
    await waitOnExecutionContext(ctx);
    expect(requestLines()).toEqual([expect.objectContaining({ instance: 'instance2', path: '/wiki', status: 200, rid: res.headers.get('x-request-id') })]);
  });
});
