// Edge benchmark: the full edge path (valid session cookie → plan check → signed assertion → proxy)
// against a bare pass-through Worker to the same trivial origin, both in workerd (Miniflare), loopback
// only, measured in the same run. Prints p50/p99 latency at concurrency 1, throughput at concurrency N,
// and the ratios. Target: edge/bare ≤ 1.10 at p50.
//
//   npx tsx bench/edge.ts [--seconds 4] [--rounds 3] [--concurrency 16] [--plain-origin]
//   BENCH_CPU_PROFILE=dir npx tsx bench/edge.ts   (a CPU profile of the edge Worker instead; edge-profile.ts)
//
// The edge is bundled exactly as for production (`wrangler deploy --dry-run`). The session cookie is
// sealed here with the bench's SESSION_SECRET, fresh for the whole run, so every request takes the
// hot path (no Durable Object, no IdP), which is what a signed-in user's requests do.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Agent, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { Miniflare } from 'miniflare';
import { EDGE_TIMING_HEADER, EDGE_TIMING_PATTERN, REQUEST_ID_HEADER } from '#shared/headers';
import { securityHeaderEntries } from '../origin/common/security-headers.ts';
import { loadConfig } from '../edge/config.ts';
import { importEdgeKeys } from '../edge/crypto-keys.ts';
import type { Env } from '../edge/env.ts';
import { openSession, sealSession } from '../edge/session-cookie.ts';
import { signAssertion } from '#shared/edge-assertion';
import { freePort } from '../local/ports.ts';
import { profileWorker } from './edge-profile.ts';
import { cpuSeconds, pidsNamed } from './proc-cpu.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    'plain-origin': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const DOMAIN = 'wikiplatform.localhost';
const COMPAT_DATE = '2026-04-26';
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
const PLAIN_ORIGIN = args['plain-origin'];

const BARE_WORKER = `
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
const WIRE_WORKER = `
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

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

/**
 * A trivial origin. By default it answers with the headers every platform origin sends (request-envelope.ts:
 * the security headers, the request id and the edge's Server-Timing entry echoed), so the edge takes the
 * path it takes in production; with --plain-origin it sends none, and the edge must complete every answer.
 */
async function startOrigin(): Promise<{ url: string; server: Server }> {
  const body = JSON.stringify({ ok: true, page: 'Home', text: 'x'.repeat(512) });
  const security = PLAIN_ORIGIN ? [] : securityHeaderEntries();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      for (const [name, value] of security) headers[name] = value;
      const rid = req.headers[REQUEST_ID_HEADER];
      const timing = req.headers[EDGE_TIMING_HEADER];
      if (!PLAIN_ORIGIN && typeof rid === 'string') headers[REQUEST_ID_HEADER] = rid;
      if (!PLAIN_ORIGIN && typeof timing === 'string' && EDGE_TIMING_PATTERN.test(timing)) headers['server-timing'] = timing;
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

function bundleEdge(): string {
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

interface Sample {
  latencies: number[];
  requests: number;
  errors: number;
  seconds: number;
  /** CPU seconds the Worker's workerd process used meanwhile (NaN without /proc). */
  cpu: number;
}

/** Runs `concurrency` keep-alive loops against one port for `seconds`. */
async function load(port: number, host: string, headers: Record<string, string>, concurrency: number, seconds: number, pid = Number.NaN): Promise<Sample> {
  const cpu0 = cpuSeconds(pid);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request(
        { host: '127.0.0.1', port, path: '/wiki/Home', method: 'GET', agent, headers: { host, ...headers } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - started);
            else errors += 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await once();
    }),
  );
  agent.destroy();
  return { latencies, requests: latencies.length, errors, seconds: (performance.now() - started) / 1000, cpu: cpuSeconds(pid) - cpu0 };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function merge(samples: Sample[]): Sample {
  return {
    latencies: samples.flatMap((s) => s.latencies),
    requests: samples.reduce((n, s) => n + s.requests, 0),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    seconds: samples.reduce((n, s) => n + s.seconds, 0),
    cpu: samples.reduce((n, s) => n + s.cpu, 0),
  };
}

function summary(s: Sample) {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), rps: s.requests / s.seconds, errors: s.errors, cpuUs: (s.cpu / (s.requests + s.errors)) * 1e6 };
}

async function main() {
  const origin = await startOrigin();
  log(`· trivial origin on ${origin.url}`);
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const bindings: Record<string, string> = {
    DOMAIN,
    INSTANCES: JSON.stringify([{ id: 'instance1', origin: origin.url, title: 'Instance 1', maintenance: false }]),
    PORTAL_ORIGIN: origin.url,
    IDP_ORIGIN: origin.url,
    OIDC_ISSUER: `http://sso.${DOMAIN}/realms/wikiplatform`,
    OIDC_INTERNAL_URL: `${origin.url}/realms/wikiplatform`,
    OIDC_CLIENT_ID: 'wikiplatform-edge',
    OIDC_CLIENT_SECRET: 'bench',
    EDGE_ASSERTION_PRIVATE_JWK: JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'bench' }),
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    SECURE_COOKIES: 'auto',
    // Per-request log lines are part of the real path, but printing them here would measure the terminal.
    LOG_LEVEL: 'warn',
    ORIGIN_TIMEOUT_MS: '30000',
    PLAN_MATRIX: '',
    PORTAL_PUBLIC_PATHS: '',
  };

  // A session cookie exactly as /_auth/callback would seal it, fresh for the whole run.
  const loaded = loadConfig(bindings as unknown as Env);
  if (!loaded.ok) throw new Error(loaded.message);
  const keys = await importEdgeKeys(loaded.config);
  const now = Math.floor(Date.now() / 1000);
  const cookie = await sealSession(keys.sessionMac, {
    sid: 'bench-session-0123456789abcdef',
    identity: {
      sub: 'f3c1a6d2-bench-user',
      username: 'pro',
      email: 'pro@example.test',
      name: 'Pro User',
      plan: 'PRO',
      groups: ['/PRO'],
      roles: ['offline_access', 'uma_authorization', 'default-roles-wikiplatform'],
    },
    fresh: now + 3600,
    exp: now + 7200,
  });

  const edgePort = await freePort();
  // Started one after the other, so each Worker's workerd process is known (its CPU time is reported).
  let known = new Set(pidsNamed('workerd'));
  const newWorkerd = () => {
    const pid = pidsNamed('workerd').find((p) => !known.has(p)) ?? Number.NaN;
    known = new Set(pidsNamed('workerd'));
    return pid;
  };
  const edge = new Miniflare({
    name: 'edge',
    modules: true,
    script: bundleEdge(),
    scriptPath: 'index.js',
    compatibilityDate: COMPAT_DATE,
    host: '127.0.0.1',
    port: edgePort,
    bindings,
    durableObjects: { SESSIONS: 'SessionStore' },
    ratelimits: { AUTH_LIMITER: { simple: { limit: 60, period: 60 } } },
    ...(PROFILE_DIR ? { inspectorPort: await freePort() } : {}),
  });
  await edge.ready;
  const edgePid = newWorkerd();
  // The wire reference carries an assertion of the real size, minted once with the edge's key.
  const opened = await openSession(keys.sessionMac, cookie, Math.floor(Date.now() / 1000));
  if (!opened.ok) throw new Error('bench session cookie does not open');
  const assertion = await signAssertion(keys.assertion, opened.claims.identity, 'instance1', 'bench');
  const plain = async (name: string, script: string, extra: Record<string, string> = {}) => {
    const worker = new Miniflare({
      name,
      modules: true,
      script,
      compatibilityDate: COMPAT_DATE,
      host: '127.0.0.1',
      port: await freePort(),
      bindings: { ORIGIN: origin.url, ...extra },
      ...(PROFILE_DIR ? { inspectorPort: await freePort() } : {}),
    });
    await worker.ready;
    return { worker, pid: newWorkerd() };
  };
  const bare = await plain('bare', BARE_WORKER);
  const wire = await plain('wire', WIRE_WORKER, { ASSERTION: assertion });

  // Every Worker gets the same request, session cookie included (the bare one forwards it as it is).
  const headers = { cookie: `wp_session=${cookie}`, accept: 'text/html' };
  const targetFor = async (worker: Miniflare, pid: number) => {
    const port = Number((await worker.ready).port);
    return { worker, port, host: `instance1.${DOMAIN}:${port}`, headers, pid };
  };
  const targets = {
    bare: await targetFor(bare.worker, bare.pid),
    wire: await targetFor(wire.worker, wire.pid),
    edge: await targetFor(edge, edgePid),
  };
  type Name = keyof typeof targets;
  const names = Object.keys(targets) as Name[];
  log(`· Workers in workerd via Miniflare: ${names.map((n) => `${n} :${targets[n].port}`).join(', ')}`);
  const disposeAll = async () => {
    await Promise.all(names.map((n) => targets[n].worker.dispose()));
    origin.server.closeAllConnections();
    origin.server.close();
  };

  // Sanity: the edge really takes the full path (200 with an assertion) before anything is timed.
  const probe = await load(targets.edge.port, targets.edge.host, headers, 1, 0.2);
  if (!probe.requests || probe.errors) throw new Error(`edge sanity probe failed: ${probe.errors} errors`);

  if (PROFILE_DIR) {
    // Profile mode: each Worker alone, at concurrency 1, for the round time × rounds; no ratios.
    for (const name of names) {
      const t = targets[name];
      await load(t.port, t.host, t.headers, 1, 1);
      const inspector = (await t.worker.getInspectorURL()).port;
      const file = await profileWorker(Number(inspector), name, PROFILE_DIR, async () => {
        const s = summary(await load(t.port, t.host, t.headers, 1, SECONDS * ROUNDS));
        log(`  profiled ${name}: p50 ${s.p50.toFixed(3)} ms, ${s.rps.toFixed(0)} req/s, ${s.errors} errors`);
      });
      log(`CPU profile of the ${name} Worker: ${file}`);
    }
    await disposeAll();
    return;
  }

  log('· warming up every Worker (1 s each)…');
  for (const name of names) await load(targets[name].port, targets[name].host, headers, CONCURRENCY, 1);

  const results = { latency: {} as Record<Name, Sample[]>, throughput: {} as Record<Name, Sample[]> };
  for (const name of names) [results.latency[name], results.throughput[name]] = [[], []];
  // Rotate the Workers round by round so drift (thermal, GC, noisy neighbours) hits all of them alike.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [mode, concurrency] of [['latency', 1], ['throughput', CONCURRENCY]] as const) {
      for (const name of round % 2 ? names : [...names].reverse()) {
        const t = targets[name];
        const sample = await load(t.port, t.host, t.headers, concurrency, SECONDS, t.pid);
        results[mode][name].push(sample);
        const s = summary(sample);
        log(
          `  round ${round}/${ROUNDS} ${mode.padEnd(10)} c=${String(concurrency).padStart(2)} ${name.padEnd(4)} ` +
            `p50 ${s.p50.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms  ${s.rps.toFixed(0)} req/s  cpu ${s.cpuUs.toFixed(0)} µs/req  errors ${s.errors}`,
        );
      }
    }
  }

  const L = Object.fromEntries(names.map((n) => [n, summary(merge(results.latency[n]))])) as Record<Name, ReturnType<typeof summary>>;
  const T = Object.fromEntries(names.map((n) => [n, summary(merge(results.throughput[n]))])) as Record<Name, ReturnType<typeof summary>>;
  const cell = (value: number, unit: string) => `${value.toFixed(unit === 'req/s' || unit === 'µs' ? 0 : 3).padStart(9)} ${unit.padEnd(5)}`;
  const row = (label: string, pick: (n: Name) => number, unit: string, inverse = false) => {
    const ratio = (n: Name) => (inverse ? pick('bare') / pick(n) : pick(n) / pick('bare')).toFixed(3);
    log(`${label.padEnd(24)}${names.map((n) => cell(pick(n), unit)).join('  ')}     ${ratio('edge').padStart(6)}      ${ratio('wire').padStart(6)}`);
  };
  log('');
  log(`edge benchmark (${ROUNDS} rounds × ${SECONDS} s per Worker and mode, loopback, workerd; ${PLAIN_ORIGIN ? 'plain origin: the edge completes every answer' : "origin answering like the platform's: passed on as it is"})`);
  log(`${''.padEnd(24)}${names.map((n) => n.padStart(15)).join('  ')}     edge/bare   wire/bare`);
  row('latency  c=1   p50', (n) => L[n].p50, 'ms');
  row('latency  c=1   p99', (n) => L[n].p99, 'ms');
  row(`load     c=${CONCURRENCY} p50`, (n) => T[n].p50, 'ms');
  row(`load     c=${CONCURRENCY} p99`, (n) => T[n].p99, 'ms');
  row(`throughput c=${CONCURRENCY} (bare/x)`, (n) => T[n].rps, 'req/s', true);
  row('workerd CPU/request c=1', (n) => L[n].cpuUs, 'µs');
  log(`errors: ${names.map((n) => `${n} ${L[n].errors + T[n].errors}`).join(', ')}`);
  log(`edge/wire p50 at c=1 (the edge's own work above the required wire work): ${(L.edge.p50 / L.wire.p50).toFixed(3)}`);
  log(`target p50 ratio edge/bare ≤ 1.10 at c=1: ${L.edge.p50 / L.bare.p50 <= 1.1 ? 'met' : 'NOT met'}`);
  await disposeAll();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
