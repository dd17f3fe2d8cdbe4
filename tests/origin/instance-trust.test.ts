// The instance believes only the edge: every request but the probes must carry a valid assertion for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_IDENTITY } from '#shared/edge-assertion';
import { createTestEdge, identity } from './helpers/edge-keys.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
});
afterAll(() => h.close());

async function expectUnauthenticated(res: Response) {
  expect(res.status).toBe(401);
  const body = await res.json();
  expect(body.error.code).toBe('unauthenticated');
  expect(typeof body.error.requestId).toBe('string');
  return body;
}

describe('instance origin trust', () => {
  it('refuses a request without an assertion', async () => {
    await expectUnauthenticated(await h.request('/', { as: null }));
  });

  it('refuses an assertion signed by another key', async () => {
    const impostor = await createTestEdge('test-edge-1');
    await expectUnauthenticated(await h.request('/', { assertion: await impostor.mint(identity(), 'instance1') }));
  });

  it('refuses an expired assertion', async () => {
    const old = Math.floor(Date.now() / 1000) - 600;
    await expectUnauthenticated(await h.request('/', { assertion: await h.edge.mint(identity(), 'instance1', { nowSeconds: old }) }));
  });

  it('refuses an assertion minted for another instance', async () => {
    await expectUnauthenticated(await h.request('/api/me', { audience: 'instance2' }));
  });

  it("refuses the edge's `public` assertion (nobody signed in): an instance has no page open without sign-in", async () => {
    const anonymous = await h.edge.mint(ANONYMOUS_IDENTITY, 'instance1', { purpose: 'public' });
    await expectUnauthenticated(await h.request('/', { assertion: anonymous }));
    await expectUnauthenticated(await h.request('/api/me', { assertion: anonymous }));
  });

  it('refuses garbage in the assertion header with the same vague answer', async () => {
    const body = await expectUnauthenticated(await h.request('/', { assertion: 'not.a.jwt' }));
    expect(body.error.message).not.toMatch(/signature|expired|audience/i);
  });

  it('logs the precise reason for a refusal but never the assertion itself', async () => {
    const token = await h.edge.mint(identity(), 'instance2');
    await h.request('/', { assertion: token });
    const logs = h.logLines.join('');
    expect(logs).toContain('wrong_audience');
    expect(logs).not.toContain(token);
  });

  it('echoes the edge request id in the error body and the response header', async () => {
    const res = await h.request('/', { as: null, headers: { 'x-request-id': 'edge-rid-123' } });
    expect(res.headers.get('x-request-id')).toBe('edge-rid-123');
    expect((await res.json()).error.requestId).toBe('edge-rid-123');
  });

  it("answers with every header the edge would otherwise add, its timing entry included, so the edge passes it on as is", async () => {
    const res = await h.request('/', { headers: { 'x-request-id': 'edge-rid-456', 'x-wikiplatform-edge-timing': 'edge;dur=3' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toBe('edge;dur=3');
    expect(res.headers.get('x-request-id')).toBe('edge-rid-456');
    for (const name of ['content-security-policy', 'x-frame-options', 'referrer-policy']) expect(res.headers.get(name), name).toBeTruthy();
    // Served as http://*.wikiplatform.localhost here: no HSTS, as the edge would add none (public-url.test.ts).
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Anything but the edge's own shape is not echoed into a response header.
    const odd = await h.request('/', { headers: { 'x-wikiplatform-edge-timing': 'edge;dur=3, evil;desc="x"' } });
    expect(odd.headers.get('server-timing')).toBeNull();
  });

  it('serves the home page to a valid assertion, greeting the user by name', async () => {
    const res = await h.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Sam Starter');
    expect(html).toContain('instance1');
    expect(html).toContain('http://app.wikiplatform.localhost:8787/');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('instance probes and metrics', () => {
  it('answers /healthz without an assertion', async () => {
    const res = await h.request('/healthz', { as: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports ready when the database answers', async () => {
    const res = await h.request('/readyz', { as: null });
    expect(res.status).toBe(200);
    expect((await res.json()).database).toBe('ok');
  });

  it('answers probes and metrics 404 to a request that came through the edge, however the path is spelled', async () => {
    for (const path of ['/metrics', '/%6Detrics', '/%72eadyz', '/healthz', '/%68ealthz']) {
      const viaEdge = await h.request(path); // carries a valid assertion, as everything the edge forwards does
      expect(viaEdge.status, path).toBe(404);
      expect((await viaEdge.json()).error).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
      const forwarded = await h.request(path, { as: null, headers: { 'x-forwarded-host': 'instance1.wikiplatform.localhost:8787' } });
      expect(forwarded.status, `${path} with x-forwarded-host`).toBe(404);
    }
    expect(await (await h.request('/%6Detrics', { headers: { accept: 'text/html' } })).text()).not.toContain('http_requests_total');
  });

  it('still answers probes and metrics to a direct caller, the encoded spelling included', async () => {
    for (const path of ['/metrics', '/%6Detrics', '/readyz', '/healthz']) expect((await h.request(path, { as: null })).status, path).toBe(200);
  });

  it('exposes Prometheus metrics labelled with the instance, route and status', async () => {
    await h.request('/');
    const res = await h.request('/metrics', { as: null });
    expect(res.status).toBe(200);
    const text = await res.text();
    const line = text.split('\n').find((l) => l.startsWith('http_requests_total{') && l.includes('route="/*"') && l.includes('status="200"'));
    expect(line).toBeDefined();
    expect(line).toContain('instance="instance1"');
    expect(line).toContain('method="GET"');
    expect(text).toContain('http_request_duration_seconds_bucket');
  });
});
