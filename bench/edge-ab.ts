// Edge A/B: the edge of this working tree, the bare and wire references, and any other edge bundles given
// (e.g. a variant under test), all in ONE workerd process, measured request by request in rotation. Drift
// (CPU frequency, noisy neighbours, process placement) then hits every target alike, so differences of a
// few µs are visible, where bench/edge.ts's rounds of several seconds drift by ±10–15 µs between runs.
// The origin stamps each request's arrival and answer, which splits the added time into the inbound leg
// (client → Worker → origin) and the outbound one (origin → Worker → client).
//
//   npx tsx bench/edge-ab.ts [--seconds 30] [--block 1] [--direct] [other-edge-bundle.js …]
//   (a bundle: `npx wrangler deploy --dry-run --outdir DIR` on another tree; its DIR/index.js)
//
// `--direct` serves the Workers with workerd alone, one port each, instead of through Miniflare, whose own two
// Workers on every request (≈ 215 µs here, the same for all) dilute every ratio (workerd-direct.ts).
//
// Rotation keeps every Worker's caches colder than a steady stream does, so the ratios here run a little
// above bench/edge.ts's. `--block N` sends N requests in a row to each Worker before moving on: with N ≈ 50,
// caches stay warm while drift still cancels out (the machine's p50 wanders by ±50 µs over seconds, which is
// what makes bench/edge.ts's ratio vary between runs); two copies of one bundle then agree within ≈ 5 µs.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { Miniflare, type WorkerOptions } from 'miniflare';
import { freePort } from '../local/ports.ts';
import {
  ANSWERED_HEADER,
  ARRIVED_HEADER,
  BARE_WORKER,
  BENCH_PATH,
  COMPAT_DATE,
  EDGE_BINDINGS,
  WIRE_WORKER,
  bundleEdge,
  edgeSetup,
  startOrigin,
} from './edge-fixture.ts';
import { startDirect } from './workerd-direct.ts';

const { values: args, positionals } = parseArgs({
  options: { seconds: { type: 'string', default: '30' }, block: { type: 'string', default: '1' }, direct: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const SECONDS = Number(args.seconds);
const BLOCK = Math.max(1, Number(args.block));
const DIRECT = args.direct;

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

interface Target {
  name: string;
  /** Parent domain routed to this Worker: requests go to instance1.<domain>. */
  domain: string;
  worker: WorkerOptions;
}

interface Legs {
  total: number[];
  inbound: number[];
  outbound: number[];
}

interface Runtime {
  /** The port each target answers on, in order. */
  ports: number[];
  close(): Promise<void>;
}

/** All targets behind one Miniflare socket, routed by Host (its entry Worker and outbound Worker included). */
async function miniflare(targets: Target[]): Promise<Runtime> {
  const port = await freePort();
  const mf = new Miniflare({
    host: '127.0.0.1',
    port,
    workers: targets.map((t) => ({ ...t.worker, routes: [`instance1.${t.domain}/*`] })),
  });
  await mf.ready;
  return { ports: targets.map(() => port), close: () => mf.dispose() };
}

/** The same Workers served by workerd alone (workerd-direct.ts). */
function direct(targets: Target[]): Promise<Runtime> {
  return startDirect(
    targets.map((t) => ({
      script: t.worker.script!,
      bindings: t.worker.bindings as Record<string, string>,
      sessionStore: t.worker.durableObjects !== undefined,
    })),
    COMPAT_DATE,
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function main() {
  const origin = await startOrigin({ stamps: true });
  const setup = await edgeSetup(origin.url);
  const plain = (name: string, script: string, bindings: Record<string, string>): Target => ({
    name,
    domain: `${name}.localhost`,
    worker: { name, modules: true, script, compatibilityDate: COMPAT_DATE, bindings: { ORIGIN: origin.url, ...bindings } },
  });
  const edge = (name: string, script: string): Target => {
    const domain = `${name}.wikiplatform.localhost`;
    return {
      name,
      domain,
      worker: { name, modules: true, script, scriptPath: 'index.js', compatibilityDate: COMPAT_DATE, bindings: setup.bindings(domain), ...EDGE_BINDINGS },
    };
  };
  const targets: Target[] = [
    plain('bare', BARE_WORKER, {}),
    plain('wire', WIRE_WORKER, { ASSERTION: setup.assertion }),
    edge('edge', bundleEdge(log)),
    ...positionals.map((file) => edge(basename(file, '.js').replace(/[^a-z0-9-]/gi, '-').toLowerCase(), readFileSync(file, 'utf8'))),
  ];
  const runtime = DIRECT ? await direct(targets) : await miniflare(targets);
  log(`· ${targets.length} Workers in one workerd process${DIRECT ? ' (direct, one port each)' : ' (Miniflare)'}: ${targets.map((t) => t.name).join(', ')}`);

  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const records: Legs[] = targets.map(() => ({ total: [], inbound: [], outbound: [] }));
  let failures = 0;
  const once = (i: number, keep: boolean) =>
    new Promise<void>((resolve) => {
      const target = targets[i]!;
      const sent = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port: runtime.ports[i],
          path: BENCH_PATH,
          agent: agents[i],
          headers: { host: `instance1.${target.domain}:${runtime.ports[i]}`, cookie: setup.cookie, accept: 'text/html' },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const done = performance.now();
            if (res.statusCode !== 200) failures += 1;
            else if (keep) {
              const clock = (t: number) => performance.timeOrigin + t;
              records[i]!.total.push(done - sent);
              records[i]!.inbound.push(Number(res.headers[ARRIVED_HEADER]) - clock(sent));
              records[i]!.outbound.push(clock(done) - Number(res.headers[ANSWERED_HEADER]));
            }
            resolve();
          });
        },
      );
      req.on('error', () => {
        failures += 1;
        resolve();
      });
      req.end();
    });

  const run = async (seconds: number, keep: boolean) => {
    const deadline = performance.now() + seconds * 1000;
    let turn = 0;
    let nextReport = performance.now() + 5000;
    while (performance.now() < deadline) {
      // Each turn starts with the next target, so no target always follows the same one.
      const first = turn++ % targets.length;
      for (let j = 0; j < targets.length; j += 1) {
        for (let n = 0; n < BLOCK; n += 1) await once((first + j) % targets.length, keep);
      }
      if (keep && performance.now() > nextReport) {
        nextReport += 5000;
        log(`  … ${turn} turns`);
      }
    }
  };
  log('· warming up (2 s)…');
  await run(2, false);
  log(`· measuring for ${SECONDS} s, ${BLOCK === 1 ? 'one request' : `${BLOCK} requests`} to each Worker in turn, concurrency 1…`);
  await run(SECONDS, true);
  if (failures) throw new Error(`${failures} requests did not answer 200`);

  const bare = records[0]!;
  const us = (ms: number) => `${(ms * 1000).toFixed(0).padStart(5)} µs`;
  log('');
  log(`${'Worker'.padEnd(12)}${'requests'.padStart(9)}${'p50'.padStart(10)}  ratio   ${'inbound'.padStart(9)} (vs bare)  ${'outbound'.padStart(9)} (vs bare)`);
  targets.forEach((t, i) => {
    const r = records[i]!;
    const [total, inbound, outbound] = [median(r.total), median(r.inbound), median(r.outbound)];
    const delta = (mine: number, theirs: number) => `${mine >= theirs ? '+' : '−'}${Math.abs((mine - theirs) * 1000).toFixed(0)}`.padStart(5);
    log(
      `${t.name.padEnd(12)}${String(r.total.length).padStart(9)}  ${us(total)}  ${(total / median(bare.total)).toFixed(3)}  ` +
        `${us(inbound)} (${delta(inbound, median(bare.inbound))})  ${us(outbound)} (${delta(outbound, median(bare.outbound))})`,
    );
  });
  await runtime.close();
  origin.server.closeAllConnections();
  origin.server.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
