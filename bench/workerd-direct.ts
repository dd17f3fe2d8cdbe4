// Workers served by workerd itself, one socket each, without Miniflare. Miniflare puts two Workers of its
// own on every request (its entry Worker, which routes and logs, and an outbound Worker that strips
// CF-Connecting-IP); on this machine they add ≈ 215 µs to a ≈ 375 µs loopback round trip, the same for every
// Worker measured, so they shrink every ratio. Served directly, a request meets only the Worker under test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort } from '../local/ports.ts';

// The `workerd` package (Miniflare's runtime, same version) is CommonJS: its default export is the binary's path.
// WORKERD_BINARY runs another build instead (Cloudflare runs a newer workerd than the one wrangler pins here).
const workerdBinary: string = process.env.WORKERD_BINARY || createRequire(import.meta.url)('workerd').default;

export interface DirectWorker {
  /** An ES module Worker. */
  script: string;
  /** Text bindings (the Worker's variables). */
  bindings: Record<string, string>;
  /** Bind SESSIONS to the script's SessionStore Durable Object class, in memory (the edge). */
  sessionStore?: boolean;
}

export interface DirectRuntime {
  /** One port per Worker, in the order given. */
  ports: number[];
  pid: number;
  close(): Promise<void>;
}

function workerConfig(i: number, w: DirectWorker, compatibilityDate: string): string {
  // Every value is embedded from a file, so nothing needs escaping for Cap'n Proto's text format.
  const bindings = Object.keys(w.bindings).map((name, j) => `(name = ${JSON.stringify(name)}, text = embed "w${i}-b${j}.txt")`);
  if (w.sessionStore) bindings.push('(name = "SESSIONS", durableObjectNamespace = "SessionStore")');
  const objects = w.sessionStore
    ? 'durableObjectNamespaces = [(className = "SessionStore", uniqueKey = "bench-sessions", enableSql = true)],\n  durableObjectStorage = (inMemory = void),'
    : '';
  return `const w${i} :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed "w${i}.js")],
  compatibilityDate = "${compatibilityDate}",
  bindings = [${bindings.join(', ')}],
  ${objects}
);`;
}

async function listening(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}) before listening: see its output above`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`workerd is not listening on :${port} after 10 s`);
}

export async function startDirect(workers: DirectWorker[], compatibilityDate: string): Promise<DirectRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'wikiplatform-workerd-'));
  const ports: number[] = [];
  for (const [i, w] of workers.entries()) {
    ports.push(await freePort());
    writeFileSync(join(dir, `w${i}.js`), w.script);
    Object.values(w.bindings).forEach((value, j) => writeFileSync(join(dir, `w${i}-b${j}.txt`), value));
  }
  const services = workers.map((_, i) => `(name = "w${i}", worker = .w${i})`);
  // Subrequests go straight out, as from a deployed Worker; the bench's origin is on loopback.
  services.push('(name = "internet", network = (allow = ["public", "private", "local"]))');
  const sockets = ports.map((port, i) => `(name = "s${i}", address = "127.0.0.1:${port}", http = (), service = "w${i}")`);
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [${services.join(', ')}],
  sockets = [${sockets.join(', ')}],
);
${workers.map((w, i) => workerConfig(i, w, compatibilityDate)).join('\n')}
`,
  );
  const child = spawn(workerdBinary, ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    for (const port of ports) await listening(port, child);
  } catch (err) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    ports,
    pid: child.pid!,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
