// Serves an app on Node and shuts it down gracefully: stop accepting, let in-flight requests finish
// (bounded), then release resources such as the database pool.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Logger } from './logger.ts';

export interface Served {
  port: number;
  /** Stops accepting connections, waits for in-flight requests (at most `graceMs`), then runs `onClosed`. */
  shutdown(reason: string): Promise<void>;
}

export function startServer(options: {
  fetch: (request: Request) => Response | Promise<Response>;
  port: number;
  host: string;
  logger: Logger;
  onDraining?: () => void;
  onClosed?: () => Promise<void>;
  graceMs?: number;
}): Promise<Served> {
  const { logger } = options;
  const graceMs = options.graceMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: options.fetch, port: options.port, hostname: options.host }, (info) => {
      let closing: Promise<void> | undefined;
      resolve({
        port: info.port,
        shutdown(reason) {
          closing ??= (async () => {
            logger.info({ reason }, 'shutting down: no new connections, finishing in-flight requests');
            options.onDraining?.();
            const http = server as Server;
            const closed = new Promise<void>((done) => http.close(() => done()));
            // Keep-alive sockets with no request in flight would hold close() open forever.
            http.closeIdleConnections?.();
            const idleSweep = setInterval(() => http.closeIdleConnections?.(), 250);
            const forced = new Promise<void>((done) =>
              setTimeout(() => {
                logger.warn({ graceMs }, 'grace period over, closing remaining connections');
                http.closeAllConnections?.();
                done();
              }, graceMs).unref(),
            );
            await Promise.race([closed, forced]);
            clearInterval(idleSweep);
            await options.onClosed?.();
            logger.info('shutdown complete');
          })();
          return closing;
        },
      });
    });
    server.once('error', reject);
  });
}
