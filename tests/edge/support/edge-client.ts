// Test-side helpers that run inside workerd: call the real Worker, play a browser (cookie jar with
// Domain/host-only/Path rules, Fetch Metadata headers), sign in through the token server, mint tokens.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { inject } from 'vitest';
import worker from '../../../edge/index.ts';
import type { Env } from '../../../edge/env.ts';

export const DOMAIN = 'wikiplatform.localhost';
export const APP = `http://app.${DOMAIN}`;
export const hostUrl = (sub: string, path = '/') => `http://${sub}.${DOMAIN}${path}`;
export const tokenServerUrl = () => inject('tokenServerUrl');
export const echoUrl = () => inject('echoUrl');

export const baseEnv = env as unknown as Env;

/** Sends a request through the Worker's real entry point, with the test env or an override of it. */
export async function edgeFetch(input: string | Request, init?: RequestInit, useEnv: Env = baseEnv): Promise<Response> {
  const request = input instanceof Request ? input : new Request(input, { redirect: 'manual', ...init });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, useEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
}

let ipCounter = 0;

/** A browser, enough of one: cookies as Chromium keeps them, navigation vs fetch headers. */
export class Browser {
  readonly cookies: StoredCookie[] = [];
  /** A client IP of its own, so rate limits of one test never touch another. */
  readonly ip = `10.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}.${Math.floor(Math.random() * 250) + 1}`;

  constructor(private readonly useEnv: Env = baseEnv) {}

  cookieHeader(url: URL): string {
    return this.cookies
      .filter((c) => (c.hostOnly ? url.hostname === c.domain : url.hostname === c.domain || url.hostname.endsWith(`.${c.domain}`)))
      .filter((c) => url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  get(name: string, host?: string): StoredCookie | undefined {
    return this.cookies.find((c) => c.name === name && (!host || c.domain === host));
  }

  store(res: Response, url: URL) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let domain = url.hostname;
      let hostOnly = true;
      let path = '/';
      let maxAge: number | undefined;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k!.toLowerCase();
        if (key === 'domain') {
          const d = v.replace(/^\./, '').toLowerCase();
          // A browser refuses a Domain that does not cover the setting host.
          if (url.hostname !== d && !url.hostname.endsWith(`.${d}`)) continue;
          domain = d;
          hostOnly = false;
        } else if (key === 'path') path = v;
        else if (key === 'max-age') maxAge = Number(v);
      }
      const i = this.cookies.findIndex((c) => c.name === name && c.domain === domain && c.path === path);
      if (i >= 0) this.cookies.splice(i, 1);
      if (maxAge === undefined || maxAge > 0) this.cookies.push({ name, value, domain, hostOnly, path });
    }
  }

  private async send(url: string, init: RequestInit & { mode: 'navigate' | 'cors' }): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    headers.set('cf-connecting-ip', this.ip);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    headers.set('sec-fetch-mode', init.mode);
    // As a browser sends it for a typed URL (navigate) or a script on the page (cors); tests override it.
    if (!headers.has('sec-fetch-site')) headers.set('sec-fetch-site', init.mode === 'navigate' ? 'none' : 'same-origin');
    if (init.mode === 'navigate') {
      headers.set('accept', 'text/html,application/xhtml+xml');
      headers.set('sec-fetch-dest', 'document');
    } else if (!headers.has('accept')) headers.set('accept', 'application/json');
    const res = await edgeFetch(url, { ...init, headers }, this.useEnv);
    this.store(res, target);
    return res;
  }

  navigate(url: string, init: RequestInit = {}) {
    return this.send(url, { ...init, mode: 'navigate' });
  }

  fetch(url: string, init: RequestInit = {}) {
    return this.send(url, { ...init, mode: 'cors' });
  }
}

export interface TestUserSpec {
  username: string;
  groups?: string[];
  roles?: string[];
  /** Lifetime of the first access token (seconds); short values make the first cookie stale at once. */
  accessTtl?: number;
}

/**
 * Signs a browser in the way a person would: open a page, follow the edge to app's /_auth/login, let the
 * token server approve as `user`, come back through /_auth/callback. Returns the final redirect target.
 */
export async function signIn(browser: Browser, user: TestUserSpec, startUrl = hostUrl('instance1')): Promise<string> {
  const first = await browser.navigate(startUrl);
  if (first.status !== 302) throw new Error(`expected a redirect to sign in, got ${first.status}`);
  let location = first.headers.get('location')!;
  const login = await browser.navigate(location);
  if (login.status !== 302) throw new Error(`login did not redirect: ${login.status}`);
  const authorize = new URL(login.headers.get('location')!);
  // The public issuer (sso.DOMAIN) is only a name here; the token server answers for it.
  const idp = new URL(authorize.pathname + authorize.search, tokenServerUrl());
  idp.searchParams.set('test_user', user.username);
  idp.searchParams.set('test_groups', (user.groups ?? []).join(','));
  idp.searchParams.set('test_roles', (user.roles ?? []).join(','));
  if (user.accessTtl) idp.searchParams.set('test_access_ttl', String(user.accessTtl));
  const approved = await fetch(idp, { redirect: 'manual' });
  if (approved.status !== 302) throw new Error(`token server refused: ${approved.status} ${await approved.text()}`);
  const callback = await browser.navigate(approved.headers.get('location')!);
  if (callback.status !== 302) throw new Error(`callback failed: ${callback.status} ${await callback.text()}`);
  location = callback.headers.get('location')!;
  return location;
}

export async function realmKey(realm = 'wikiplatform') {
  const res = await fetch(`${tokenServerUrl()}/_control/${realm}/key`);
  return (await res.json()) as { kid: string; privateJwk: JWK; publicJwk: JWK; issuer: string };
}

export async function control(realm: string, action: string, body?: unknown): Promise<any> {
  const res = await fetch(`${tokenServerUrl()}/_control/${realm}/${action}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

/** A genuine Keycloak-shaped access token for `realm`, with claim and header overrides. */
export async function mintAccessToken(
  o: { realm?: string; username?: string; groups?: string[]; roles?: string[]; claims?: JWTPayload; header?: Record<string, unknown>; ttl?: number } = {},
): Promise<string> {
  const key = await realmKey(o.realm);
  const now = Math.floor(Date.now() / 1000);
  const username = o.username ?? 'api-client-user';
  const payload: JWTPayload = {
    iss: key.issuer,
    sub: `sub-${username}`,
    aud: 'account',
    azp: 'wikiplatform-edge',
    typ: 'Bearer',
    iat: now,
    exp: now + (o.ttl ?? 300),
    preferred_username: username,
    email: `${username}@example.test`,
    email_verified: true,
    name: `Test ${username}`,
    groups: o.groups ?? [],
    realm_access: { roles: [...(o.roles ?? []), 'offline_access'] },
    ...o.claims,
  };
  const signingKey = await importJWK(key.privateJwk, 'RS256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...o.header }).sign(signingKey);
}

export function bearer(token: string, extra: Record<string, string> = {}): RequestInit {
  return { headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'cf-connecting-ip': '192.0.2.1', ...extra } };
}
