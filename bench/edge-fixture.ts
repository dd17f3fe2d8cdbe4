// What the edge benchmarks share: the trivial origin, the two reference Workers (bare, wire), the edge's
// bindings and a fresh session cookie, and the edge bundled exactly as for production.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { EDGE_TIMING_HEADER, EDGE_TIMING_PATTERN, REQUEST_ID_HEADER } from '#shared/headers';
import { signAssertion } from '#shared/edge-assertion';
import { securityHeaderEntries } from '../origin/common/security-headers.ts';
import { loadConfig } from '../edge/config.ts';
import { importEdgeKeys } from '../edge/crypto-keys.ts';
import type { Env } from '../edge/env.ts';
import { openSession, sealSession } from '../edge/session-cookie.ts';

export const COMPAT_DATE = '2026-04-26';
export const BENCH_PATH = '/wiki/Home';
/** Response headers with the origin's clock (ms, performance.timeOrigin + now) on arrival and on answer. */
export const ARRIVED_HEADER = 'x-bench-arrived';
export const ANSWERED_HEADER = 'x-bench-answered';

/** A plain pass-through: what any Worker in front of an origin costs at the least. */
export const BARE_WORKER = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return fetch(env.ORIGIN + url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
      redirect: 'manual',
    });
  },
};`;

// The bare pass-through plus only what any correct gateway puts on the wire: the session cookie taken
// out, the forwarding headers, a request id, an assertion of the real size and the timing entry; the
// answer passed on as it is. No session check, no plan, no timer. wire/bare is the floor under edge/bare.
export const WIRE_WORKER = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete('cookie');
    headers.set('x-forwarded-host', url.host);
    headers.set('x-forwarded-proto', url.protocol.slice(0, -1));
    headers.set('x-request-id', crypto.randomUUID());
    headers.set('x-wikiplatform-assertion', env.ASSERTION);
    headers.set('x-wikiplatform-edge-timing', 'edge;dur=0');
    return fetch(env.ORIGIN + url.pathname + url.search, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
      redirect: 'manual',
    });
  },
};`;

export interface OriginOptions {
  /** Answer without the platform's headers: the edge must complete every answer. */
  plain?: boolean;
  /** Add ARRIVED_HEADER and ANSWERED_HEADER, for splitting a request's time into its two legs. */
  stamps?: boolean;
}

/**
 * A trivial origin. By default it answers with the headers every platform origin sends (request-envelope.ts:
 * the security headers, the request id and the edge's Server-Timing entry echoed), so the edge takes the
 * path it takes in production; `plain` sends none of them.
 */
export async function startOrigin(o: OriginOptions = {}): Promise<{ url: string; server: Server }> {
  const body = JSON.stringify({ ok: true, page: 'Home', text: 'x'.repeat(512) });
  const security = o.plain ? [] : securityHeaderEntries();
  const clock = () => (performance.timeOrigin + performance.now()).toFixed(1);
  const server = createServer((req, res) => {
    const arrived = o.stamps ? clock() : '';
    req.resume();
    req.on('end', () => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      for (const [name, value] of security) headers[name] = value;
      const rid = req.headers[REQUEST_ID_HEADER];
      const timing = req.headers[EDGE_TIMING_HEADER];
      if (!o.plain && typeof rid === 'string') headers[REQUEST_ID_HEADER] = rid;
      if (!o.plain && typeof timing === 'string' && EDGE_TIMING_PATTERN.test(timing)) headers['server-timing'] = timing;
      if (o.stamps) {
        headers[ARRIVED_HEADER] = arrived;
        headers[ANSWERED_HEADER] = clock();
      }
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

/** The edge as `wrangler deploy` would upload it. */
export function bundleEdge(log: (line: string) => void): string {
  const out = mkdtempSync(join(tmpdir(), 'edge-bench-'));
  log('· bundling the edge with wrangler (deploy --dry-run)…');
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', out], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
  });
  const script = readFileSync(join(out, 'index.js'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  return script;
}

export interface EdgeSetup {
  /** The edge's bindings for a parent domain (instance1.DOMAIN is served). */
  bindings: (domain: string) => Record<string, string>;
  /** A Cookie header with a session sealed as /_auth/callback would, fresh for the whole run. */
  cookie: string;
  /** An assertion of the real size for the wire Worker, minted with the edge's key. */
  assertion: string;
}

export async function edgeSetup(originUrl: string): Promise<EdgeSetup> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'bench' });
  const bindings = (domain: string): Record<string, string> => ({
    DOMAIN: domain,
    INSTANCES: JSON.stringify([{ id: 'instance1', origin: originUrl, title: 'Instance 1', maintenance: false }]),
    PORTAL_ORIGIN: originUrl,
    IDP_ORIGIN: originUrl,
    OIDC_ISSUER: `http://sso.${domain}/realms/wikiplatform`,
    OIDC_INTERNAL_URL: `${originUrl}/realms/wikiplatform`,
    OIDC_CLIENT_ID: 'wikiplatform-edge',
    OIDC_CLIENT_SECRET: 'bench',
    EDGE_ASSERTION_PRIVATE_JWK: privateJwk,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    SECURE_COOKIES: 'auto',
    // Per-request log lines are part of the real path, but printing them here would measure the terminal.
    LOG_LEVEL: 'warn',
    ORIGIN_TIMEOUT_MS: '30000',
    PLAN_MATRIX: '',
    PORTAL_PUBLIC_PATHS: '',
  });

  const loaded = loadConfig(bindings('wikiplatform.localhost') as unknown as Env);
  if (!loaded.ok) throw new Error(loaded.message);
  const keys = await importEdgeKeys(loaded.config);
  const now = Math.floor(Date.now() / 1000);
  const sealed = await sealSession(keys.sessionMac, {
    sid: 'bench-session-0123456789abcdef',
    identity: {
      sub: 'f3c1a6d2-bench-user',
      username: 'pro',
      email: 'pro@example.test',
      emailVerified: true,
      name: 'Pro User',
      plan: 'PRO',
      groups: ['/PRO'],
      roles: ['offline_access', 'uma_authorization', 'default-roles-wikiplatform'],
    },
    fresh: now + 3600,
    exp: now + 7200,
  });
  const opened = await openSession(keys.sessionMac, sealed, now);
  if (!opened.ok) throw new Error('bench session cookie does not open');
  const assertion = await signAssertion(keys.assertion, opened.claims.identity, 'instance1', 'bench');
  return { bindings, cookie: `wp_session=${sealed}`, assertion };
}

/** The edge's own bindings beyond variables, as in wrangler.toml. */
export const EDGE_BINDINGS = {
  durableObjects: { SESSIONS: 'SessionStore' },
  ratelimits: { AUTH_LIMITER: { simple: { limit: 60, period: 60 } } },
};
