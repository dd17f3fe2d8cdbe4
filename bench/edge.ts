// Edge benchmark: the full edge path (valid session cookie → plan check → signed assertion → proxy)
// against a bare pass-through Worker to the same trivial origin, both in workerd, loopback only, measured
// in the same run; through Miniflare by default, or with --direct served by workerd alone (workerd-direct.ts:
// Miniflare's own Workers on every request dilute the ratios). Prints p50/p99 latency at concurrency 1, throughput at concurrency N,
// and the ratios. Target: edge/bare ≤ 1.10 at p50.
//
//   npx tsx bench/edge.ts [--seconds 4] [--rounds 3] [--concurrency 16] [--plain-origin] [--direct]
//   BENCH_CPU_PROFILE=dir npx tsx bench/edge.ts   (a CPU profile of the edge Worker instead; edge-profile.ts)
//
// The edge is bundled exactly as for production (`wrangler deploy --dry-run`). The session cookie is
// sealed here with the bench's SESSION_SECRET, fresh for the whole run, so every request takes the
// hot path (no Durable Object, no IdP), which is what a signed-in user's requests do.
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { Miniflare } from 'miniflare';
import { freePort } from '../local/ports.ts';
import { BARE_WORKER, BENCH_PATH, COMPAT_DATE, EDGE_BINDINGS, WIRE_WORKER, bundleEdge, edgeSetup, startOrigin } from './edge-fixture.ts';
import { profileWorker } from './edge-profile.ts';
import { startDirect } from './workerd-direct.ts';
import { cpuSeconds, pidsNamed } from './proc-cpu.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    'plain-origin': { type: 'boolean', default: false },
    direct: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const DOMAIN = 'wikiplatform.localhost';
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
const PLAIN_ORIGIN = args['plain-origin'];
const DIRECT = args.direct;
if (DIRECT && PROFILE_DIR) throw new Error('BENCH_CPU_PROFILE needs Miniflare (its inspector): drop --direct');

function log(line: string) {
  process.stdout.write(`${line}\n`);
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
        { host: '127.0.0.1', port, path: BENCH_PATH, method: 'GET', agent, headers: { host, ...headers } },
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
  const origin = await startOrigin({ plain: PLAIN_ORIGIN });
  log(`· trivial origin on ${origin.url}`);
  const setup = await edgeSetup(origin.url);

  // The three Workers in ONE workerd process: the same process placement and CPU accounting for all of them
  // (separate processes differed by ±2 %). Through Miniflare they share its entry Worker and are routed by
  // Host; with --direct, workerd serves each on its own port and nothing else is on the path.
  const edgeScript = bundleEdge(log);
  const before = new Set(pidsNamed('workerd'));
  let mf: Miniflare | undefined;
  let ports: Record<'edge' | 'bare' | 'wire', number>;
  let closeRuntime: () => Promise<void>;
  if (DIRECT) {
    const runtime = await startDirect(
      [
        { script: edgeScript, bindings: setup.bindings(DOMAIN), sessionStore: true },
        { script: BARE_WORKER, bindings: { ORIGIN: origin.url } },
        { script: WIRE_WORKER, bindings: { ORIGIN: origin.url, ASSERTION: setup.assertion } },
      ],
      COMPAT_DATE,
    );
    const [edge, bare, wire] = runtime.ports as [number, number, number];
    ports = { edge, bare, wire };
    closeRuntime = () => runtime.close();
  } else {
    const port = await freePort();
    const miniflare = new Miniflare({
      host: '127.0.0.1',
      port,
      ...(PROFILE_DIR ? { inspectorPort: await freePort() } : {}),
      workers: [
        { name: 'edge', modules: true, script: edgeScript, scriptPath: 'index.js', compatibilityDate: COMPAT_DATE, bindings: setup.bindings(DOMAIN), ...EDGE_BINDINGS, routes: [`instance1.${DOMAIN}/*`] },
        { name: 'bare', modules: true, script: BARE_WORKER, compatibilityDate: COMPAT_DATE, bindings: { ORIGIN: origin.url }, routes: ['instance1.bare.localhost/*'] },
        { name: 'wire', modules: true, script: WIRE_WORKER, compatibilityDate: COMPAT_DATE, bindings: { ORIGIN: origin.url, ASSERTION: setup.assertion }, routes: ['instance1.wire.localhost/*'] },
      ],
    });
    await miniflare.ready;
    mf = miniflare;
    ports = { edge: port, bare: port, wire: port };
    closeRuntime = () => miniflare.dispose();
  }
  // Its CPU time over each timed window is what that window's Worker cost (one Worker is loaded at a time).
  const pid = pidsNamed('workerd').find((p) => !before.has(p)) ?? Number.NaN;

  // Every Worker gets the same request, session cookie included (the bare one forwards it as it is).
  const headers = { cookie: setup.cookie, accept: 'text/html' };
  const targets = {
    bare: { port: ports.bare, host: `instance1.bare.localhost:${ports.bare}` },
    wire: { port: ports.wire, host: `instance1.wire.localhost:${ports.wire}` },
    edge: { port: ports.edge, host: `instance1.${DOMAIN}:${ports.edge}` },
  };
  type Name = keyof typeof targets;
  const names = Object.keys(targets) as Name[];
  log(`· bare, wire and edge Workers in one workerd process (${DIRECT ? 'direct, one port each' : `Miniflare on :${ports.edge}`})`);
  const disposeAll = async () => {
    await closeRuntime();
    origin.server.closeAllConnections();
    origin.server.close();
  };

  // Sanity: the edge really takes the full path (200 with an assertion) before anything is timed.
  const probe = await load(targets.edge.port, targets.edge.host, headers, 1, 0.2);
  if (!probe.requests || probe.errors) throw new Error(`edge sanity probe failed: ${probe.errors} errors`);

  if (PROFILE_DIR) {
    // Profile mode: each Worker alone, at concurrency 1, for the round time × rounds; no ratios.
    for (const name of names) {
      const { port, host } = targets[name];
      await load(port, host, headers, 1, 1);
      const inspector = (await mf!.getInspectorURL()).port;
      const file = await profileWorker(Number(inspector), name, PROFILE_DIR, async () => {
        const s = summary(await load(port, host, headers, 1, SECONDS * ROUNDS));
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
        const sample = await load(targets[name].port, targets[name].host, headers, concurrency, SECONDS, pid);
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
  log(`edge benchmark (${ROUNDS} rounds × ${SECONDS} s per Worker and mode, loopback, ${DIRECT ? 'workerd direct' : 'workerd via Miniflare'}; ${PLAIN_ORIGIN ? 'plain origin: the edge completes every answer' : "origin answering like the platform's: passed on as it is"})`);
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
