// An HTTP proxy between the backup CLI and the local S3 server that records each request (method, path and
// query, never a header) and fails the ones a test picks: the connection dropped after the first bytes of the
// body, or S3's own 500 InternalError answer. Anything else passes through untouched, its Host header
// included, so the server checks the client's SigV4 signature as if there were no proxy.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'drop-connection' | 'internal-error';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface FaultProxy {
  /** Give this as S3_ENDPOINT. */
  endpoint: string;
  /** Every request so far, in order. */
  seen: SeenRequest[];
  /** Picks the fate of each request as it arrives (it is already the last of `seen`); by default none fails. */
  fault: (req: SeenRequest, seen: readonly SeenRequest[]) => Fault | null;
  close(): Promise<void>;
}

const INTERNAL_ERROR = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>';

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const seen: SeenRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams };
    proxy.seen.push(seen);
    switch (proxy.fault(seen, proxy.seen)) {
      case 'drop-connection':
        req.once('data', () => req.socket.destroy());
        req.once('end', () => req.socket.destroy());
        return;
      case 'internal-error':
        req.resume();
        req.once('end', () => res.writeHead(500, { 'content-type': 'application/xml' }).end(INTERNAL_ERROR));
        return;
      case null: {
        const forwarded = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forwarded.on('error', () => res.destroy());
        req.pipe(forwarded);
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: FaultProxy = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: [],
    fault: () => null,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

/** "PUT part 2", "POST ?uploads", "PUT" (a plain PUT): one word per request for a test to compare. */
export function describeRequest(req: SeenRequest): string {
  if (req.query.has('partNumber')) return `${req.method} part ${req.query.get('partNumber')}`;
  if (req.query.has('uploads')) return `${req.method} ?uploads`;
  if (req.query.has('uploadId')) return `${req.method} ?uploadId`;
  if (req.query.has('list-type')) return `${req.method} ?list`;
  return req.method;
}
