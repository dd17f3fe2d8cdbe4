// Page-view benchmark: GET of a rendered wiki page through the instance origin (assertion check, user
// sync, one indexed read, server-side layout) against a bare Hono route doing one indexed select of the
// same stored HTML on the same database. Both measured in this one run, on loopback, same load shape.
//
//   npx tsx bench/page-view.ts [--duration=12] [--rounds=3] [--connections=32] [--warmup=3] [--only=origin]
//   (duration is per target, split over interleaved rounds; --only measures one target, e.g. for a profile)
//
// Prints progress each second, then throughput, p50/p99 latency, CPU per request (the server process and
// the Postgres backends, from /proc on Linux) and the ratio origin/bare (target ≥ 0.7).
// BENCH_CPU_PROFILE=dir writes a V8 CPU profile of the server process there.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { exportJWK, generateKeyPair } from 'jose';
import { signAssertion } from '#shared/edge-assertion';
import { ASSERTION_HEADER } from '#shared/headers';
import { freePort } from '../local/ports.ts';
import { cpuSeconds, postgresCpuSeconds } from './proc-cpu.ts';
import { startPostgres } from '../local/postgres.ts';
import { openDatabase, runMigrations } from '../origin/common/database.ts';
import { MIGRATIONS } from '../origin/migrations.ts';
import { instanceSchema } from '../origin/instance/schema.ts';
import { createWiki } from '../origin/instance/services/wiki.ts';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const DURATION_S = arg('duration', 12);
const CONNECTIONS = arg('connections', 32);
const WARMUP_S = arg('warmup', 3);
const ROUNDS = Math.max(1, arg('rounds', 3));
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.split('=')[1];
const PAGE_PATH = '/handbook/onboarding';

const log = (line: string) => process.stdout.write(`${line}\n`);

function pageContent(): string {
  const sections = Array.from({ length: 8 }, (_, i) => `## Step ${i + 1}: ${['Accounts', 'Laptop', 'Access', 'Tools', 'Team', 'Rituals', 'Security', 'First task'][i]}

Read [[Page 1${i}]] first, then follow the checklist. Ask in #help when stuck; someone answers within the hour.

- [x] Open the ticket
- [ ] Pair with your buddy on **day ${i + 1}**
- [ ] Write down what was unclear in [the FAQ](/handbook/faq)

| Item | Owner | Due |
|:-----|:-----:|----:|
| Badge | Office | Day 1 |
| Laptop | IT | Day ${i + 1} |

\`\`\`ts
export function greet(name: string): string {
  return \`Welcome, \${name}! You are on step ${i + 1}.\`;
}
\`\`\`
`);
  return `# Onboarding\n\nEverything a newcomer needs in their first weeks.\n\n${sections.join('\n')}`;
}

async function seed(url: string) {
  const database = openDatabase(url, instanceSchema, { max: 4 });
  const wiki = createWiki(database.db);
  const system = { id: null, role: 'admin' as const };
  for (let i = 0; i < 300; i++) {
    await wiki.create(system, { path: `/section-${i % 12}/page-${i}`, title: `Page ${i}`, content: `Body of page ${i} with [[Page ${(i + 1) % 300}]].` }, 'english');
  }
  await wiki.create(system, { path: PAGE_PATH, title: 'Onboarding', content: pageContent() }, 'english');
  // A running instance has planner statistics (autovacuum); a freshly seeded one needs them made.
  await database.sql`analyze`;
  await database.close();
}

interface Result {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: Float64Array;
  /** CPU seconds used meanwhile by the server process and by this bench's Postgres (NaN without /proc). */
  serverCpu: number;
  postgresCpu: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) : 0;
}

/** Closed-loop load: CONNECTIONS keep-alive connections, each sending its next request on the last answer. */
async function load(label: string, port: number, path: string, headers: () => Record<string, string>, seconds: number, pids: { server: number; dataDir: string }, quiet = false): Promise<Result> {
  const cpu0 = { server: cpuSeconds(pids.server), postgres: postgresCpuSeconds(pids.dataDir) };
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const progress = quiet ? undefined : setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    log(`  ${label.padEnd(6)} ${elapsed.toFixed(0).padStart(3)}s  ${Math.round(latencies.length / elapsed).toString().padStart(6)} req/s  errors ${errors}`);
  }, 1000);

  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request({ host: '127.0.0.1', port, path, agent, headers: { accept: 'text/html', ...headers() } }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - t0);
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });

  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  if (progress) clearInterval(progress);
  agent.destroy();
  const elapsed = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    seconds: elapsed,
    latenciesMs: sorted,
    serverCpu: cpuSeconds(pids.server) - cpu0.server,
    postgresCpu: postgresCpuSeconds(pids.dataDir) - cpu0.postgres,
  };
}

/** Size of one answer's body, so the report says how much each target sends. */
function bodyBytes(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { accept: 'text/html', ...headers } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve(bytes));
    })
      .on('error', reject)
      .end();
  });
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-bench-'));
  await chmod(dir, 0o755); // Postgres runs as its own user when we are root
  log(`page-view benchmark: ${DURATION_S}s per target in ${ROUNDS} interleaved rounds, ${CONNECTIONS} connections, ${WARMUP_S}s warm-up`);
  log('starting Postgres…');
  const pg = await startPostgres({ dataDir: join(dir, 'cluster'), port: await freePort(), databases: ['bench'] });
  let child: ReturnType<typeof spawn> | undefined;
  try {
    const url = pg.urlFor('bench');
    await runMigrations(url, MIGRATIONS.instance);
    log('seeding 301 pages…');
    await seed(url);

    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256' }] };
    const identity = { sub: 'bench-user', username: 'bench', email: 'bench@example.test', emailVerified: true, name: 'Bench User', plan: 'ENTERPRISE' as const, groups: ['/ENTERPRISE'], roles: [] };
    // Assertions live 30 s; mint a fresh one every 10 s, like an edge would per request (verification cost is the same).
    let token = await signAssertion({ kid: 'bench', key: privateKey }, identity, 'bench', 'bench');
    const refresh = setInterval(async () => {
      token = await signAssertion({ kid: 'bench', key: privateKey }, identity, 'bench', 'bench');
    }, 10_000);

    log('starting the origin and the bare route (one child process)…');
    const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
    child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/page-view-server.ts'], {
      env: { ...process.env, DATABASE_URL: url, EDGE_ASSERTION_JWKS: JSON.stringify(jwks) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once('line', resolve);
      child!.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const ports = JSON.parse(first) as { origin: number; bare: number };

    const allTargets = {
      bare: { port: ports.bare, path: `/bare${PAGE_PATH}`, headers: () => ({}) },
      origin: { port: ports.origin, path: PAGE_PATH, headers: () => ({ [ASSERTION_HEADER]: token }) },
    };
    const targets = Object.fromEntries(Object.entries(allTargets).filter(([name]) => !ONLY || name === ONLY));
    const pids = { server: child.pid ?? 0, dataDir: join(dir, 'cluster') };
    for (const [name, t] of Object.entries(targets)) log(`  ${name}: ${(await bodyBytes(t.port, t.path, t.headers())).toLocaleString('en')} bytes per answer`);
    log('warming up…');
    for (const [name, t] of Object.entries(targets)) await load(name, t.port, t.path, t.headers, WARMUP_S, pids, true);

    // Interleaved rounds, so a burst of load from elsewhere on the machine hits both targets alike.
    const results: Record<string, Result> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, t] of Object.entries(targets)) {
        log(`round ${round}/${ROUNDS}: ${name}`);
        const r = await load(name, t.port, t.path, t.headers, DURATION_S / ROUNDS, pids);
        const prev = results[name];
        results[name] = prev
          ? {
              requests: prev.requests + r.requests,
              errors: prev.errors + r.errors,
              seconds: prev.seconds + r.seconds,
              latenciesMs: Float64Array.from([...prev.latenciesMs, ...r.latenciesMs]).sort(),
              serverCpu: prev.serverCpu + r.serverCpu,
              postgresCpu: prev.postgresCpu + r.postgresCpu,
            }
          : r;
      }
    }
    clearInterval(refresh);

    log('');
    log('target   req/s     p50 ms   p99 ms   errors   server µs/req   postgres µs/req');
    for (const [name, r] of Object.entries(results)) {
      const perRequest = (seconds: number) => Math.round((seconds / Math.max(1, r.requests)) * 1e6).toString().padStart(13);
      log(`${name.padEnd(8)} ${Math.round(r.requests / r.seconds).toString().padStart(6)}   ${percentile(r.latenciesMs, 50).toFixed(2).padStart(6)}   ${percentile(r.latenciesMs, 99).toFixed(2).padStart(6)}   ${r.errors.toString().padStart(6)}   ${perRequest(r.serverCpu)}   ${perRequest(r.postgresCpu)}`);
    }
    if (!results.origin || !results.bare) return;
    const ratio = results.origin!.requests / results.origin!.seconds / (results.bare!.requests / results.bare!.seconds);
    log('');
    log(`ratio origin/bare throughput: ${ratio.toFixed(2)} (target ≥ 0.70) ${ratio >= 0.7 ? 'OK' : 'BELOW TARGET'}`);
  } finally {
    child?.kill('SIGTERM');
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
