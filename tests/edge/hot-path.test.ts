// The hot path (edge/hot-path.ts) and the assertion reuse (edge/assertion-cache.ts): a signed-in
// browser's requests are proxied with the same headers as through the Hono app, and one assertion per
// identity and audience is reused for a few seconds while every request keeps its own request id.
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { createAssertionVerifier } from '#shared/edge-assertion';
import { Browser, hostUrl, signIn } from './support/edge-client.ts';

interface Echo {
  headers: Record<string, string | undefined>;
}

const verifyAssertion = createAssertionVerifier({ keys: [JSON.parse(inject('assertionPublicJwk'))] });

describe('hot path', () => {
  it('reuses one assertion per identity and audience, with a fresh request id per request', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'hot-path-a', groups: ['/PRO'] }, hostUrl('instance1', '/wiki/Home'));
    const first = await browser.navigate(hostUrl('instance1', '/wiki/Home'));
    const second = await browser.navigate(hostUrl('instance1', '/wiki/Other'));
    const [a, b] = [(await first.json()) as Echo, (await second.json()) as Echo];

    expect(a.headers['x-wikiplatform-assertion']).toBeDefined();
    expect(b.headers['x-wikiplatform-assertion']).toBe(a.headers['x-wikiplatform-assertion']);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    expect(first.headers.get('x-request-id')).toBe(a.headers['x-request-id']);
    expect(second.headers.get('x-request-id')).toBe(b.headers['x-request-id']);
    const verified = await verifyAssertion(b.headers['x-wikiplatform-assertion'], 'instance1');
    expect(verified).toMatchObject({ ok: true, payload: { sub: expect.any(String), plan: 'PRO' } });

    // Same headers as the Hono path: edge cookie stripped, security defaults, Server-Timing.
    expect(a.headers['cookie']).toBeUndefined();
    expect(second.headers.get('x-content-type-options')).toBe('nosniff');
    expect(second.headers.get('content-security-policy')).toBeTruthy();
    expect(second.headers.get('server-timing')).toMatch(/^edge;dur=\d+, origin;dur=\d+$/);
  });

  it('passes an answer that already carries every header the edge would add on untouched', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'hot-path-complete', groups: ['/PRO'] }, hostUrl('instance1', '/'));
    const res = await browser.navigate(hostUrl('instance1', '/complete'));
    expect(await res.text()).toBe('complete');
    // The origin's own values, and the edge's timing entry as the origin returned it (no origin;dur added).
    expect(res.headers.get('server-timing')).toMatch(/^edge;dur=\d+$/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'none'");
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('completes an answer that lacks any of them, and filters Set-Cookie aimed at the edge', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'hot-path-incomplete', groups: ['/PRO'] }, hostUrl('instance1', '/'));
    for (const omit of ['x-frame-options', 'content-security-policy', 'referrer-policy', 'x-content-type-options', 'x-request-id', 'server-timing']) {
      const res = await browser.navigate(hostUrl('instance1', `/complete?omit=${omit}`));
      expect(res.headers.get('server-timing'), omit).toMatch(/^edge;dur=\d+, origin;dur=\d+$/);
      expect(res.headers.get(omit), omit).toBeTruthy();
      expect(res.headers.get('x-request-id'), omit).toMatch(/^[0-9a-f-]{36}$/);
    }
    const withCookie = await browser.navigate(hostUrl('instance1', '/complete?cookie=wp_session'));
    expect(withCookie.headers.getSetCookie()).toEqual(['origin_pref=dark; Path=/']);
    expect(withCookie.headers.get('server-timing')).toMatch(/origin;dur=/);
  });

  it('never hands one identity or audience the assertion of another', async () => {
    const alice = new Browser();
    const bob = new Browser();
    await signIn(alice, { username: 'hot-path-alice', groups: ['/ENTERPRISE'] }, hostUrl('instance1', '/'));
    await signIn(bob, { username: 'hot-path-bob', groups: ['/ENTERPRISE'] }, hostUrl('instance1', '/'));
    const echo = async (browser: Browser, sub: string) =>
      ((await (await browser.navigate(hostUrl(sub, '/x'))).json()) as Echo).headers['x-wikiplatform-assertion'];
    const [a1, b1, aPortal] = [await echo(alice, 'instance1'), await echo(bob, 'instance1'), await echo(alice, 'app')];
    expect(a1).not.toBe(b1);
    expect(a1).not.toBe(aPortal);
    const [va, vb, vp] = [await verifyAssertion(a1, 'instance1'), await verifyAssertion(b1, 'instance1'), await verifyAssertion(aPortal, 'portal')];
    expect(va.ok && vb.ok && vp.ok).toBe(true);
    if (va.ok && vb.ok && vp.ok) {
      expect(va.payload.username).toBe('hot-path-alice');
      expect(vb.payload.username).toBe('hot-path-bob');
      expect(vp.payload.username).toBe('hot-path-alice');
    }
  });
});
