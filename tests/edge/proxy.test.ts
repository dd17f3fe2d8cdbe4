import { SELF } from 'cloudflare:test';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { createAssertionVerifier } from '#shared/edge-assertion';
import { APP, baseEnv, bearer, Browser, edgeFetch, hostUrl, mintAccessToken, signIn } from './support/edge-client.ts';

interface Echo {
  method: string;
  path: string;
  query: string;
  bodyBytes: number;
  headers: Record<string, string | undefined>;
}

const verifyAssertion = createAssertionVerifier({ keys: [JSON.parse(inject('assertionPublicJwk'))] });

describe('what an origin receives', () => {
  it('gets a fresh assertion for its own audience and none of the inbound identity headers, cookies or bearer', async () => {
    const token = await mintAccessToken({ username: 'strip-check', groups: ['/PRO'] });
    const res = await edgeFetch(hostUrl('instance2', '/api/pages?q=a%20b'), {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'content-type': 'application/json',
        cookie: 'wp_session=stolen; wp_login_abcdef=x; theme=dark',
        'x-wikiplatform-assertion': 'forged',
        'x-wikiplatform-user': 'admin',
        'X-Forwarded-For': '6.6.6.6',
        'x-forwarded-host': 'evil.example',
        'x-request-id': 'client-chosen-id-123',
        'cf-connecting-ip': '203.0.113.9',
      },
      body: JSON.stringify({ title: 'Hello' }),
    });
    expect(res.status).toBe(200);
    const echoed = (await res.json()) as Echo;
    expect(echoed).toMatchObject({ method: 'PUT', path: '/api/pages', query: '?q=a%20b', bodyBytes: 17 });
    const h = echoed.headers;
    expect(h['authorization']).toBeUndefined();
    expect(h['cookie']).toBe('theme=dark');
    expect(h['x-wikiplatform-user']).toBeUndefined();
    expect(h['x-forwarded-for']).toBe('203.0.113.9');
    expect(h['x-forwarded-host']).toBe('instance2.wikiplatform.localhost');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-request-id']).toBe('client-chosen-id-123');
    expect(res.headers.get('x-request-id')).toBe('client-chosen-id-123');
    // Asked of the runtime with `cache: 'no-store'`, which it sends as these: never from Cloudflare's cache.
    expect([h['cache-control'], h['pragma']]).toEqual(['no-cache', 'no-cache']);
    // workerd itself adds CF-Worker to every outbound fetch; no inbound cf-* header survives.
    expect(Object.keys(h).filter((k) => k.startsWith('cf-') && k !== 'cf-worker')).toEqual([]);

    const assertion = await verifyAssertion(h['x-wikiplatform-assertion'], 'instance2');
    expect(assertion).toMatchObject({
      ok: true,
      payload: { sub: 'sub-strip-check', plan: 'PRO', email: 'strip-check@example.test', emailVerified: true, rid: 'client-chosen-id-123' },
    });
    expect(await verifyAssertion(h['x-wikiplatform-assertion'], 'instance1')).toEqual({ ok: false, reason: 'wrong_audience' });
  });

  it('tells the origin an email is unverified when Keycloak says so, or says nothing', async () => {
    for (const claims of [{ email_verified: false }, { email_verified: undefined }]) {
      const token = await mintAccessToken({ username: 'unverified', groups: ['/PRO'], claims });
      const res = await edgeFetch(hostUrl('instance2', '/echo'), bearer(token));
      const echoed = (await res.json()) as Echo;
      expect(await verifyAssertion(echoed.headers['x-wikiplatform-assertion'], 'instance2')).toMatchObject({
        ok: true,
        payload: { email: 'unverified@example.test', emailVerified: false },
      });
    }
  });

  it('gives the portal an assertion whose audience is "portal"', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'portal-user', groups: ['/STARTER'] }, hostUrl('app', '/dashboard'));
    const res = await browser.navigate(hostUrl('app', '/dashboard'));
    const echoed = (await res.json()) as Echo;
    expect((await verifyAssertion(echoed.headers['x-wikiplatform-assertion'], 'portal')).ok).toBe(true);
    expect(echoed.headers['cookie']).toBeUndefined();
    // A signed-in page view (the hot path) bypasses Cloudflare's cache too.
    expect([echoed.headers['cache-control'], echoed.headers['pragma']]).toEqual(['no-cache', 'no-cache']);
  });

  it('lets public portal pages through without sign-in, with a `public` assertion for nobody', async () => {
    const res = await edgeFetch(hostUrl('app', '/webhooks/stripe'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc', 'x-wikiplatform-assertion': 'forged' },
      body: '{"id":"evt_1"}',
    });
    expect(res.status).toBe(200);
    const echoed = (await res.json()) as Echo;
    expect(echoed.headers['stripe-signature']).toBe('t=1,v1=abc');
    const assertion = await verifyAssertion(echoed.headers['x-wikiplatform-assertion'], 'portal');
    expect(assertion).toMatchObject({ ok: true, payload: { sub: 'anonymous', email: '', plan: null, groups: [], roles: [], purpose: 'public' } });
  });

  it('serves a public portal page to a visitor whose session cookie is no longer valid, and drops that cookie', async () => {
    const res = await edgeFetch(hostUrl('app', '/pricing'), { headers: { cookie: 'wp_session=v1.forged.value; theme=dark', accept: 'text/html' } });
    expect(res.status).toBe(200);
    const echoed = (await res.json()) as Echo;
    expect(echoed.headers['cookie']).toBe('theme=dark');
    expect(res.headers.get('set-cookie')).toMatch(/^wp_session=; .*Max-Age=0/);
    const fresh = await edgeFetch(hostUrl('app', '/pricing'), { headers: { accept: 'text/html' } });
    expect(fresh.headers.get('set-cookie')).toBeNull();
  });

  it('limits anonymous form posts on public portal pages per client address, but never Stripe\'s webhooks', async () => {
    const post = (path: string, ip: string) =>
      edgeFetch(hostUrl('app', path), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': ip, accept: 'application/json' }, body: 'plan=PRO' });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await post('/signup/checkout', '198.51.100.77')).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    const limited = await post('/signup/checkout', '198.51.100.77');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await post('/signup/checkout', '198.51.100.78')).status).toBe(200);
    for (let i = 0; i < 12; i++) expect((await post('/webhooks/stripe', '198.51.100.77')).status).toBe(200);
  });

  it('gives a signed-in visitor of a public portal page their own assertion, without the `public` purpose', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'pricing-visitor', groups: ['/PRO'] }, hostUrl('app', '/dashboard'));
    const res = await browser.navigate(hostUrl('app', '/pricing'));
    const echoed = (await res.json()) as Echo;
    const assertion = await verifyAssertion(echoed.headers['x-wikiplatform-assertion'], 'portal');
    expect(assertion).toMatchObject({ ok: true, payload: { username: 'pricing-visitor', plan: 'PRO' } });
    expect(assertion.ok && assertion.payload.purpose).toBeUndefined();
  });

  it('never lets an origin set or overwrite the edge session cookie', async () => {
    const token = await mintAccessToken({ groups: ['/STARTER'] });
    const res = await edgeFetch(hostUrl('instance1', '/set-cookie'), bearer(token));
    expect(res.headers.getSetCookie()).toEqual(['origin_pref=dark; Path=/']);
  });

  it('passes the origin redirects back to the browser instead of following them', async () => {
    const token = await mintAccessToken({ groups: ['/STARTER'] });
    const res = await edgeFetch(hostUrl('instance1', '/redirect'), bearer(token));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/elsewhere');
  });
});

describe('streaming', () => {
  it('streams both ways: the origin answers with the first chunk while the upload is still open', async () => {
    const token = await mintAccessToken({ groups: ['/STARTER'] });
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    const pending = edgeFetch(hostUrl('instance1', '/stream/echo'), {
      ...bearer(token),
      method: 'POST',
      body: readable,
      // @ts-expect-error duplex is required by some runtimes for streaming bodies
      duplex: 'half',
    });
    await writer.write(encoder.encode('first chunk;'));
    // If the edge buffered the request, this response could never arrive before the writer closes.
    const res = await pending;
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first chunk;');
    await writer.write(encoder.encode('second chunk'));
    const second = await reader.read();
    expect(new TextDecoder().decode(second.value)).toBe('second chunk');
    await writer.close();
    expect((await reader.read()).done).toBe(true);
  });

  it('uploads 100 MB through the edge without buffering it', async () => {
    const token = await mintAccessToken({ groups: ['/STARTER'] });
    const total = 100 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024).fill(98);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await edgeFetch(hostUrl('instance1', '/stream/count'), {
      ...bearer(token),
      method: 'POST',
      body,
      // @ts-expect-error see above
      duplex: 'half',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Echo).bodyBytes).toBe(total);
  });

  it('downloads 100 MB from the origin as a stream', async () => {
    const token = await mintAccessToken({ groups: ['/STARTER'] });
    const res = await edgeFetch(hostUrl('instance1', `/download?bytes=${100 * 1024 * 1024}`), bearer(token));
    expect(res.status).toBe(200);
    let bytes = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
    }
    expect(bytes).toBe(100 * 1024 * 1024);
  });

  it('passes a WebSocket upgrade through to the origin, authenticated', async () => {
    const token = await mintAccessToken({ groups: ['/STARTER'] });
    const res = await edgeFetch(hostUrl('instance1', '/ws'), bearer(token, { upgrade: 'websocket' }));
    expect(res.status).toBe(101);
    const socket = res.webSocket!;
    socket.accept();
    const message = new Promise<string>((resolve) => socket.addEventListener('message', (e) => resolve(String(e.data))));
    socket.send('hello');
    expect(await message).toBe('echo:hello');
    socket.close();
  });

  it('refuses a WebSocket upgrade without credentials', async () => {
    const res = await edgeFetch(hostUrl('instance1', '/ws'), { headers: { upgrade: 'websocket', accept: 'application/json' } });
    expect(res.status).toBe(401);
  });
});

describe('origin failures stay with their instance', () => {
  const admin = () => mintAccessToken({ username: 'ops', roles: ['platform-admin'] });

  it('answers a branded 502 page when an instance origin is down, while other instances keep working', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'admin-502', roles: ['platform-admin'] }, hostUrl('offline'));
    const res = await browser.navigate(hostUrl('offline', '/wiki'));
    expect(res.status).toBe(502);
    const html = await res.text();
    expect(html).toContain('Offline wiki cannot be reached right now');
    expect(html).toContain('Your other instances are not affected');
    expect((await browser.navigate(hostUrl('instance1', '/wiki'))).status).toBe(200);
  });

  it('answers JSON 502 bad_gateway to API clients when the origin is down', async () => {
    const res = await edgeFetch(hostUrl('offline', '/api'), bearer(await admin()));
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'bad_gateway' } });
  });

  /** Whether the echo origin saw the /__slow request with this request id given up before it answered. */
  const abandonedAtOrigin = async (rid: string) =>
    ((await (await fetch(`${inject('echoUrl')}/__abandoned/${rid}`)).json()) as { abandoned: boolean }).abandoned;
  /** Polls for up to 2 s after the 504, well before the origin would answer (4 s after the request). */
  const waitForAbandoned = async (rid: string) => {
    for (let i = 0; i < 20; i += 1) {
      if (await abandonedAtOrigin(rid)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };

  it('answers 504 when the origin takes longer than ORIGIN_TIMEOUT_MS to answer, and gives up the request at the origin', async () => {
    const rid = `slow-app-${crypto.randomUUID()}`;
    // SELF: see the next test.
    const res = await SELF.fetch(hostUrl('sluggish', '/api'), bearer(await admin(), { 'x-request-id': rid }));
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { code: 'gateway_timeout' } });
    expect(await waitForAbandoned(rid)).toBe(true);
  });

  it('answers the hot path a branded 504 page for a slow origin, and gives up the request at the origin', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'admin-504', roles: ['platform-admin'] }, hostUrl('instance1'));
    const rid = `slow-hot-${crypto.randomUUID()}`;
    // Through the runtime's own request dispatch (SELF), not a call of the handler inside this test's
    // request: the runtime cancels what a request left pending only once that request is over.
    const url = hostUrl('sluggish', '/wiki');
    const res = await SELF.fetch(url, {
      headers: { cookie: browser.cookieHeader(new URL(url)), accept: 'text/html', 'sec-fetch-mode': 'navigate', 'x-request-id': rid },
    });
    expect(res.status).toBe(504);
    expect(res.headers.get('x-request-id')).toBe(rid);
    expect(await res.text()).toContain('Sluggish wiki');
    expect(await waitForAbandoned(rid)).toBe(true);
    // Instances on healthy origins are not affected.
    expect((await browser.navigate(hostUrl('instance1', '/wiki'))).status).toBe(200);
  });

  // ORIGIN_TIMEOUT_MS (1500 in these tests) bounds the wait for the answer's headers, never the body after them.
  const dripped = Array.from({ length: 5 }, (_, i) => `chunk ${i}\n`).join('') + 'end\n';

  it('lets an answer whose body streams longer than ORIGIN_TIMEOUT_MS arrive whole through the hot path', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'drip-hot', groups: ['/PRO'] }, hostUrl('instance1', '/'));
    const res = await browser.navigate(hostUrl('instance1', '/drip?chunks=5&every=500&complete'));
    expect(res.status).toBe(200);
    // Passed on as the origin sent it: the hot path's untouched answer, not a copy.
    expect(res.headers.get('server-timing')).toMatch(/^edge;dur=\d+$/);
    expect(await res.text()).toBe(dripped);
  });

  it('lets an answer whose body streams longer than ORIGIN_TIMEOUT_MS arrive whole through the app', async () => {
    const res = await edgeFetch(hostUrl('instance1', '/drip?chunks=5&every=500'), bearer(await admin()));
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(/^edge;dur=\d+, origin;dur=\d+$/);
    expect(await res.text()).toBe(dripped);
  });

  it('answers a 503 maintenance page for an instance in maintenance, and only for it', async () => {
    const browser = new Browser();
    const res = await browser.navigate(hostUrl('frozen', '/wiki'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('300');
    expect(await res.text()).toContain('Frozen wiki is under maintenance');
    const api = await edgeFetch(hostUrl('frozen', '/api'), bearer(await admin()));
    expect(await api.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect((await edgeFetch(hostUrl('instance3', '/api'), bearer(await admin()))).status).toBe(200);
  });

  it('says an instance scheduled for removal is closed, until when, and that its administrators can still have it restored', async () => {
    const res = await new Browser().navigate(hostUrl('closing', '/wiki'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeNull();
    const html = await res.text();
    expect(html).toContain('<h1>Ada&#39;s old wiki is closed</h1>');
    expect(html).toContain('<p>It is scheduled for removal after 2026-12-31 (UTC). Your other instances are not affected.</p>');
    expect(html).toContain('<p>Its administrators can ask platform support, through the portal, to restore it before then.</p>');
    expect(html).toContain(`<a class="button" href="${APP}/">Go to the portal</a>`);
    expect(html).not.toContain('under maintenance');
    const api = await edgeFetch(hostUrl('closing', '/api'), bearer(await admin()));
    expect(api.status).toBe(503);
    expect(await api.json()).toMatchObject({
      error: {
        code: 'unavailable',
        message:
          "Ada's old wiki is closed. It is scheduled for removal after 2026-12-31 (UTC). Your other instances are not affected. " +
          'Its administrators can ask platform support, through the portal, to restore it before then.',
        details: { removeAfter: '2026-12-31' },
      },
    });
  });

  it('uses the instance origin from the registry, not anything the client sends', async () => {
    const res = await edgeFetch(hostUrl('instance1', '/x'), bearer(await admin(), { host: 'offline.wikiplatform.localhost' }));
    expect(res.status).toBe(200);
    expect(baseEnv.DOMAIN).toBe('wikiplatform.localhost');
  });
});
