// The header policy between browser and origin (edge/upstream-headers.ts) and the remembered answers the hot
// path relies on (a remembered cookie or assertion is handed out as it is, without a promise), run in
// workerd so the Headers semantics are the runtime's own.
import { describe, expect, it } from 'vitest';
import type { Identity } from '#shared/identity';
import { cachedAssertion } from '../../edge/assertion-cache.ts';
import { openSession, rememberedSession, sealSession } from '../../edge/session-cookie.ts';
import { upstreamHeaders, type UpstreamHeaderOptions } from '../../edge/upstream-headers.ts';

const options: UpstreamHeaderOptions = {
  host: 'instance1.wikiplatform.localhost:8787',
  proto: 'http',
  clientIp: '198.51.100.4',
  requestId: 'rid-0123456789',
  assertion: 'signed.assertion.value',
  dropAuthorization: true,
  edgeTiming: 'edge;dur=0',
};

const identity: Identity = {
  sub: 'user-1',
  username: 'pro',
  email: 'pro@example.test',
  emailVerified: true,
  name: 'Pro User',
  plan: 'PRO',
  groups: ['/PRO'],
  roles: [],
};

describe('upstream header policy', () => {
  it('strips our cookies, our prefix, Cloudflare and hop-by-hop headers, and sets the forwarding ones', () => {
    const inbound = new Headers({
      accept: 'text/html',
      cookie: 'wp_session=abc; theme=dark; wp_login_x=1',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      te: 'trailers',
      'x-wikiplatform-media-authorize': '1',
      'x-wikiplatform-assertion': 'forged',
      'cf-connecting-ip': '203.0.113.9',
      'cf-ray': 'abc',
      'x-forwarded-for': '6.6.6.6',
      forwarded: 'for=6.6.6.6',
      'x-real-ip': '6.6.6.6',
      'x-request-id': 'client-id-123456',
      authorization: 'Bearer token',
    });
    const out = upstreamHeaders(inbound, options);
    expect(Object.fromEntries(out)).toEqual({
      accept: 'text/html',
      cookie: 'theme=dark',
      'x-forwarded-host': options.host,
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '198.51.100.4',
      'x-request-id': options.requestId,
      'x-wikiplatform-assertion': options.assertion,
      'x-wikiplatform-edge-timing': 'edge;dur=0',
    });
  });

  it('uses the Cookie header the caller already read, and drops Cookie when only our cookies were in it', () => {
    const inbound = new Headers({ cookie: 'theme=dark' });
    // What the caller read wins: the hot path reads Cookie once and passes it on.
    expect(upstreamHeaders(inbound, { ...options, inboundCookie: 'wp_session=abc; lang=fr' }).get('cookie')).toBe('lang=fr');
    expect(upstreamHeaders(inbound, { ...options, inboundCookie: 'wp_session=abc' }).has('cookie')).toBe(false);
    expect(upstreamHeaders(inbound, options).get('cookie')).toBe('theme=dark');
  });

  it('passes a WebSocket upgrade with Connection: Upgrade, and drops any other Upgrade', () => {
    const ws = upstreamHeaders(new Headers({ upgrade: 'WebSocket', connection: 'Upgrade', 'sec-websocket-key': 'k' }), options);
    expect([ws.get('upgrade'), ws.get('connection'), ws.get('sec-websocket-key')]).toEqual(['WebSocket', 'Upgrade', 'k']);
    const h2c = upstreamHeaders(new Headers({ upgrade: 'h2c', connection: 'Upgrade, HTTP2-Settings', 'http2-settings': 'AAMAAABkAAQAAP__' }), options);
    expect([h2c.has('upgrade'), h2c.has('connection'), h2c.has('http2-settings')]).toEqual([false, false, false]);
  });

  it('drops the headers a Connection header names as hop-by-hop, and nothing else', () => {
    const out = upstreamHeaders(new Headers({ connection: 'keep-alive, X-Hop, close', 'x-hop': 'secret', 'x-kept': 'yes', accept: '*/*' }), options);
    expect([out.has('connection'), out.has('x-hop'), out.get('x-kept'), out.get('accept')]).toEqual([false, false, 'yes', '*/*']);
  });

  it('keeps Authorization only when told to', () => {
    const inbound = new Headers({ authorization: 'Basic eDp5' });
    expect(upstreamHeaders(inbound, { ...options, dropAuthorization: false }).get('authorization')).toBe('Basic eDp5');
    expect(upstreamHeaders(inbound, options).has('authorization')).toBe(false);
  });
});

describe('remembered answers on the hot path', () => {
  it('hands out a remembered session cookie verdict synchronously, and only for the exact value', async () => {
    const key = (await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])) as CryptoKey;
    const now = Math.floor(Date.now() / 1000);
    const cookie = await sealSession(key, { sid: 'session-0123456789abcdef', identity, fresh: now + 60, exp: now + 3600 });
    expect(rememberedSession(key, cookie, now)).toBeUndefined();
    const opened = await openSession(key, cookie, now);
    expect(opened).toMatchObject({ ok: true, stale: false });
    expect(rememberedSession(key, cookie, now)).toEqual(opened);
    // Deadlines are still applied to a remembered cookie.
    expect(rememberedSession(key, cookie, now + 61)).toMatchObject({ ok: true, stale: true });
    expect(rememberedSession(key, cookie, now + 3600)).toEqual({ ok: false, reason: 'expired' });
    expect(rememberedSession(key, `${cookie.slice(0, -2)}AA`, now)).toBeUndefined();
  });

  it('hands out a signed assertion as a string once signed, and a promise while signing', async () => {
    const { privateKey } = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const signing = { kid: 'test', key: privateKey };
    const now = Math.floor(Date.now() / 1000);
    const first = cachedAssertion(signing, identity, 'instance1', 'rid-1', now);
    expect(first).toBeInstanceOf(Promise);
    // A second request while the first signature is under way shares it.
    expect(cachedAssertion(signing, identity, 'instance1', 'rid-2', now)).toBe(first);
    const token = await first;
    expect(cachedAssertion(signing, identity, 'instance1', 'rid-3', now + 1)).toBe(token);
    expect(cachedAssertion(signing, identity, 'portal', 'rid-4', now + 1)).toBeInstanceOf(Promise);
  });
});
