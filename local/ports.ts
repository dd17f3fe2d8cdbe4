// Port helpers for the local platform: find free ports for tests, fail clearly when a fixed one is taken.
import { createServer } from 'node:net';

/** Resolves true when nothing listens on host:port. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Ports handed out are picked below every OS's ephemeral range (Linux 32768+, macOS and Windows 49152+).
 * A port the OS gives for `listen(0)` is ephemeral, and between our check and the service's own bind the
 * OS may hand it again, to another `listen(0)` or as the local port of any outbound connection: a parallel
 * test run then takes it first ("address already in use"). Below the range, only an explicit bind can.
 */
const PICK_FROM = 20_000;
const PICK_TO = 32_000;
const PICK_ATTEMPTS = 200;
/** Not handed out twice by this process, even before the first one is bound. */
const handedOut = new Set<number>();

/** A port that is free right now and that the OS will not hand out by itself meanwhile. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < PICK_ATTEMPTS; attempt += 1) {
    const port = PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM));
    if (handedOut.has(port)) continue;
    // Claimed before the check, which awaits: concurrent callers cannot pick it meanwhile.
    handedOut.add(port);
    if (await isPortFree(port, host)) return port;
  }
  throw new Error(`No free port found between ${PICK_FROM} and ${PICK_TO} on ${host} after ${PICK_ATTEMPTS} tries.`);
}

export class PortInUseError extends Error {
  constructor(readonly service: string, readonly port: number) {
    super(`Port ${port} (${service}) is already in use. Stop whatever listens there, or choose another port (see --help).`);
    this.name = 'PortInUseError';
  }
}

export async function assertPortFree(service: string, port: number, host = '127.0.0.1'): Promise<void> {
  if (!(await isPortFree(port, host))) throw new PortInUseError(service, port);
}
