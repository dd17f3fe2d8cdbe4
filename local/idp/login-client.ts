// A scripted browser for the IdP's sign-in: follows redirects with a cookie jar and submits the login form,
// so tests can sign in without Chromium.
//
// Hosts: Node's resolver may not map *.localhost to loopback, and undici's fetch refuses to set Host.
// Requests therefore go through node:http, connecting where `resolveHost` says while sending the URL's
// own Host header. The default sends *.localhost to 127.0.0.1 on the same port — exactly what a browser
// does — and leaves other hosts alone. Pass `fetch` instead to route every request through it (then
// hostnames must resolve, and resolveHost is not used).
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type ResolveHost = (url: URL) => { url: string; hostHeader: string };

export interface HttpOptions {
  fetch?: typeof fetch;
  resolveHost?: ResolveHost;
}

interface SimpleResponse {
  status: number;
  location: string | null;
  setCookies: string[];
  body: string;
}

export const defaultResolveHost: ResolveHost = (url) => {
  if (url.hostname === 'localhost' || url.hostname.endsWith('.localhost')) {
    const target = new URL(url);
    target.hostname = '127.0.0.1';
    return { url: target.href, hostHeader: url.host };
  }
  return { url: url.href, hostHeader: url.host };
};

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number | null;
}

/**
 * Cookies for one IdP host (the flows here never carry cookies across hosts). Honours Path, Max-Age and
 * Expires, which oidc-provider relies on: interaction cookies are path-scoped and logout expires them.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  store(setCookieHeaders: readonly string[], requestUrl: URL): void {
    for (const header of setCookieHeaders) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: StoredCookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), path: defaultPath(requestUrl), expiresAt: null };
      for (const attribute of attributes) {
        const [rawKey = '', ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const value = rest.join('=').trim();
        if (key === 'path' && value.startsWith('/')) cookie.path = value;
        if (key === 'max-age') cookie.expiresAt = Date.now() + Number(value) * 1000;
        if (key === 'expires' && cookie.expiresAt === null) cookie.expiresAt = Date.parse(value);
      }
      const key = `${cookie.name};${cookie.path}`;
      if (cookie.expiresAt !== null && cookie.expiresAt <= Date.now()) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  headerFor(url: URL): string {
    const now = Date.now();
    return [...this.#cookies.values()]
      .filter((c) => (c.expiresAt === null || c.expiresAt > now) && pathMatches(url.pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  names(): string[] {
    return [...new Set([...this.#cookies.values()].map((c) => c.name))];
  }
}

function defaultPath(url: URL): string {
  const slash = url.pathname.lastIndexOf('/');
  return slash > 0 ? url.pathname.slice(0, slash) : '/';
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** One request, no redirect following; cookies from the jar go out and come back into it. */
export async function send(
  url: URL,
  jar: CookieJar,
  init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> },
  http: HttpOptions = {},
): Promise<SimpleResponse> {
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  const headers: Record<string, string> = { accept: 'text/html,application/json', ...init.headers };
  const cookie = jar.headerFor(url);
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = http.fetch
    ? await viaFetch(http.fetch, url, init.method ?? 'GET', headers, body)
    : await viaNodeHttp((http.resolveHost ?? defaultResolveHost)(url), init.method ?? 'GET', headers, body);
  jar.store(response.setCookies, url);
  return response;
}

async function viaFetch(fetchImpl: typeof fetch, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<SimpleResponse> {
  const response = await fetchImpl(url, { method, headers, body, redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), setCookies: response.headers.getSetCookie(), body: await response.text() };
}

function viaNodeHttp(target: { url: string; hostHeader: string }, method: string, headers: Record<string, string>, body?: string): Promise<SimpleResponse> {
  const url = new URL(target.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers: { ...headers, host: target.hostHeader, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const setCookie = res.headers['set-cookie'] ?? [];
        resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, setCookies: setCookie, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export type AuthorizeOutcome =
  | { kind: 'callback'; callbackUrl: string }
  | { kind: 'login-form'; formUrl: string; action: string; html: string }
  | { kind: 'error-page'; status: number; html: string };

const MAX_REDIRECTS = 10;

/**
 * Follows redirects from `startUrl` while they stay on the IdP (same origin, under the realm path).
 * Ends at the client's redirect URI (callback), at a login form, or at any other page (an error).
 */
export async function followAuthorization(startUrl: string, jar: CookieJar, http: HttpOptions = {}, first?: { method: string; form: Record<string, string> }): Promise<AuthorizeOutcome> {
  const realmBase = realmBaseOf(new URL(startUrl));
  let url = new URL(startUrl);
  let request: { method?: string; form?: Record<string, string> } = first ?? {};
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const response = await send(url, jar, request, http);
    request = {};
    if (response.status >= 300 && response.status < 400 && response.location) {
      const next = new URL(response.location, url);
      if (!next.href.startsWith(realmBase)) return { kind: 'callback', callbackUrl: next.href };
      url = next;
      continue;
    }
    const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(response.body)?.[1];
    if (response.status === 200 && action) {
      return { kind: 'login-form', formUrl: url.href, action: new URL(decodeHtml(action), url).href, html: response.body };
    }
    return { kind: 'error-page', status: response.status, html: response.body };
  }
  throw new Error(`more than ${MAX_REDIRECTS} redirects from ${startUrl}`);
}

function realmBaseOf(url: URL): string {
  const realmPath = /^\/realms\/[^/]+\//.exec(url.pathname)?.[0];
  if (!realmPath) throw new TypeError(`${url.href} is not a Keycloak-style realm URL (/realms/<realm>/...)`);
  return `${url.origin}${realmPath}`;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** An attribute value as a browser reads it: the named entities our pages write and numeric ones, in one pass. */
export function decodeHtml(value: string): string {
  return value.replace(/&(?:#(\d{1,7})|(amp|lt|gt|quot|apos));/g, (entity, code?: string, name?: string) => {
    if (name) return NAMED_ENTITIES[name]!;
    const point = Number(code);
    return point <= 0x10ffff ? String.fromCodePoint(point) : entity;
  });
}

export interface PasswordLoginOptions extends HttpOptions {
  /** A full authorization URL, as the edge produced it. */
  authorizeUrl: string;
  username: string;
  password: string;
  /** Reuse a jar to act as the same browser across calls (SSO, logout). */
  cookies?: CookieJar;
}

/**
 * Signs in through the form and returns the redirect back to the client (with ?code&state). If the IdP
 * already has a session (SSO), no form appears and the callback comes straight back.
 */
export async function passwordLogin(options: PasswordLoginOptions): Promise<{ callbackUrl: string; cookies: CookieJar }> {
  const jar = options.cookies ?? new CookieJar();
  const first = await followAuthorization(options.authorizeUrl, jar, options);
  if (first.kind === 'callback') return { callbackUrl: first.callbackUrl, cookies: jar };
  if (first.kind === 'error-page') throw new Error(`IdP refused the authorization request (HTTP ${first.status})`);
  const after = await followAuthorization(first.action, jar, options, {
    method: 'POST',
    form: { username: options.username, password: options.password },
  });
  if (after.kind === 'callback') return { callbackUrl: after.callbackUrl, cookies: jar };
  if (after.kind === 'login-form') throw new Error(`IdP did not accept the credentials of ${options.username}`);
  throw new Error(`IdP sign-in failed (HTTP ${after.status})`);
}

export interface TokenSet {
  access_token: string;
  id_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  scope?: string;
}

export interface PasswordTokensOptions extends HttpOptions {
  /** The IdP base, e.g. IdpHandle.internalBaseUrl (…/realms/wikiplatform). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  username: string;
  password: string;
  scope?: string;
  cookies?: CookieJar;
}

/** The whole code + PKCE flow against the IdP directly, as a confidential client would run it. */
export async function getTokensWithPassword(options: PasswordTokensOptions): Promise<TokenSet & { cookies: CookieJar }> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const authorize = new URL(`${options.baseUrl}/protocol/openid-connect/auth`);
  authorize.search = new URLSearchParams({
    client_id: options.clientId,
    response_type: 'code',
    scope: options.scope ?? 'openid profile email',
    redirect_uri: options.redirectUri,
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const { callbackUrl, cookies } = await passwordLogin({ ...options, authorizeUrl: authorize.href });
  const callback = new URL(callbackUrl);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new Error(`unexpected callback ${callback.origin}${callback.pathname} (no code or wrong state)`);
  const tokenUrl = new URL(`${options.baseUrl}/protocol/openid-connect/token`);
  const response = await send(tokenUrl, new CookieJar(), {
    method: 'POST',
    headers: { authorization: basicAuth(options.clientId, options.clientSecret), accept: 'application/json' },
    form: { grant_type: 'authorization_code', code, redirect_uri: options.redirectUri, code_verifier: verifier },
  }, options);
  if (response.status !== 200) throw new Error(`token endpoint answered HTTP ${response.status}: ${response.body.slice(0, 200)}`);
  return { ...(JSON.parse(response.body) as TokenSet), cookies };
}

/** HTTP Basic client authentication, form-encoding id and secret first as RFC 6749 §2.3.1 says. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}
