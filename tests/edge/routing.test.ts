import { describe, expect, it } from 'vitest';
import type { Env } from '../../edge/env.ts';
import { routeForHost } from '../../edge/host-router.ts';
import { baseEnv, bearer, edgeFetch, hostUrl, mintAccessToken } from './support/edge-client.ts';

describe('host routing', () => {
  const instances = new Map([['instance1', { id: 'instance1', origin: 'http://127.0.0.1:1', maintenance: false }]]);

  it('maps app, sso and registered instance hosts, with or without a port', () => {
    expect(routeForHost('app.wikiplatform.app', 'wikiplatform.app', instances)).toEqual({ kind: 'portal' });
    expect(routeForHost('SSO.wikiplatform.app:8443', 'wikiplatform.app', instances)).toEqual({ kind: 'idp' });
    expect(routeForHost('instance1.wikiplatform.app:8787', 'wikiplatform.app', instances)).toMatchObject({ kind: 'instance' });
  });

  it('treats every other host as unknown, including look-alikes and nested subdomains', () => {
    for (const host of [
      'wikiplatform.app',
      'instance9.wikiplatform.app',
      'a.instance1.wikiplatform.app',
      'instance1.wikiplatform.app.evil.example',
      'instance1-wikiplatform.app',
      'evilwikiplatform.app',
      '127.0.0.1:8787',
    ]) {
      expect(routeForHost(host, 'wikiplatform.app', instances), host).toEqual({ kind: 'unknown' });
    }
  });

  it('answers 404 for a host outside the registry, even for /_auth paths', async () => {
    for (const url of [hostUrl('instance9'), 'http://elsewhere.example/', hostUrl('instance9', '/_auth/login')]) {
      const res = await edgeFetch(url, { headers: { accept: 'application/json' } });
      expect(res.status, url).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('serves the health check on any host, including the bare loopback address', async () => {
    for (const url of ['http://127.0.0.1:8787/_edge/healthz', hostUrl('instance1', '/_edge/healthz'), hostUrl('sso', '/_edge/healthz')]) {
      const res = await edgeFetch(url);
      expect(res.status, url).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, service: 'edge' });
    }
  });

  it('passes sso traffic to the IdP untouched: method, path, query, body, Authorization and its own cookies', async () => {
    const res = await edgeFetch(hostUrl('sso', '/realms/wikiplatform/login-actions/authenticate?session_code=abc&execution=x'), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Bearer idp-userinfo-token',
        cookie: 'KEYCLOAK_SESSION=k1; wp_session=ours',
        origin: 'http://sso.wikiplatform.localhost',
        'cf-connecting-ip': '198.51.100.7',
      },
      body: 'username=pro&password=secret',
    });
    expect(res.status).toBe(200);
    const echoed = (await res.json()) as { method: string; path: string; query: string; bodyBytes: number; headers: Record<string, string> };
    expect(echoed).toMatchObject({
      method: 'POST',
      path: '/realms/wikiplatform/login-actions/authenticate',
      query: '?session_code=abc&execution=x',
      bodyBytes: 'username=pro&password=secret'.length,
    });
    expect(echoed.headers['authorization']).toBe('Bearer idp-userinfo-token');
    expect(echoed.headers['cookie']).toBe('KEYCLOAK_SESSION=k1');
    expect(echoed.headers['x-forwarded-host']).toBe('sso.wikiplatform.localhost');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
    expect(echoed.headers['x-forwarded-for']).toBe('198.51.100.7');
    expect(echoed.headers['x-wikiplatform-assertion']).toBeUndefined();
  });

  it('adds an instance by configuration alone: a new registry entry is routed with no code change', async () => {
    const registry = JSON.parse(baseEnv.INSTANCES!) as Array<Record<string, unknown>>;
    const env: Env = {
      ...baseEnv,
      INSTANCES: JSON.stringify([...registry, { id: 'instance4', origin: registry[0]!.origin, maintenance: false }]),
      PLAN_MATRIX: JSON.stringify({ STARTER: ['instance1'], PRO: ['instance1', 'instance2'], ENTERPRISE: ['instance1', 'instance2', 'instance3', 'instance4'] }),
    };
    const token = await mintAccessToken({ groups: ['/ENTERPRISE'] });
    const res = await edgeFetch(hostUrl('instance4', '/x'), bearer(token), env);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { headers: Record<string, string> }).headers['x-forwarded-host']).toBe('instance4.wikiplatform.localhost');
  });

  it('keeps an instance in its removal grace period (`platform instance remove`) closed, the others open', async () => {
    const registry = JSON.parse(baseEnv.INSTANCES!) as Array<Record<string, unknown>>;
    const leaving = registry.map((i) => (i.id === 'instance2' ? { ...i, maintenance: true, removeAfter: '2026-12-31' } : i));
    const env: Env = { ...baseEnv, INSTANCES: JSON.stringify(leaving) };
    const token = await mintAccessToken({ groups: ['/ENTERPRISE'] });
    const res = await edgeFetch(hostUrl('instance2', '/api'), bearer(token), env);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'unavailable', details: { removeAfter: '2026-12-31' } } });
    expect((await edgeFetch(hostUrl('instance1', '/x'), bearer(token), env)).status).toBe(200);
  });
});

describe('configuration', () => {
  it('answers 500 naming each bad variable, never their values, when the config is invalid', async () => {
    const env: Env = { ...baseEnv, INSTANCES: '[{"id":"app","origin":"ftp://x"}]', SESSION_SECRET: 'short-secret-value', OIDC_ISSUER: 'not a url' };
    const res = await edgeFetch(hostUrl('instance1'), {}, env);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({
      error: { code: 'internal', details: { configInvalid: expect.arrayContaining(['INSTANCES', 'SESSION_SECRET', 'OIDC_ISSUER']) } },
    });
    expect(body).not.toContain('short-secret-value');
  });

  it('refuses a plan matrix that names an instance missing from the registry', async () => {
    const env: Env = { ...baseEnv, PLAN_MATRIX: '{"STARTER":["ghost"],"PRO":[],"ENTERPRISE":[]}' };
    const res = await edgeFetch(hostUrl('instance1'), {}, env);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: { details: { configInvalid: ['PLAN_MATRIX'] } } });
  });
});
