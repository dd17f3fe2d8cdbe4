// A trivial origin for the edge tests (Node side): it reports what it received, and has a few paths
// that stream, stall or upgrade, so tests can see exactly what the edge forwards and how.
//   /__slow/...          answers after 4 s (the test edge times out sooner)
//   /__abandoned/<rid>   whether the /__slow request with that X-Request-Id was given up by its client
//   /stream/echo         sends the request body back as it arrives (full duplex)
//   /stream/count        reads the whole body and reports its size
//   /download?bytes=N    streams N bytes
//   /drip?chunks=N&every=ms[&complete]  headers at once, then N chunks `ms` apart (longer than the edge's timeout)
//   /own-csp             answers with its own Content-Security-Policy
//   /redirect            302 to /elsewhere
//   /set-cookie          tries to set the edge's session cookie next to its own
//   /ws                  WebSocket echo (RFC 6455, hand-rolled to need no package)
//   /api/media/uploads/authorize  the edge's own media call: refused (403) with the Access headers it
//                        carried in the error's details, which the edge relays to the browser
//   anything else        JSON: method, path, query, headers, body size
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

function acceptWebSocket(req: IncomingMessage, socket: Duplex) {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string') return socket.destroy();
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n` +
      `X-Echo-Saw-Assertion: ${req.headers['x-wikiplatform-assertion'] ? 'yes' : 'no'}\r\n\r\n`,
  );
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = buffer[0]! & 0x0f;
      const masked = (buffer[1]! & 0x80) !== 0;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (buffer.length < offset + length) return;
      const payload = Buffer.from(buffer.subarray(offset, offset + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskOffset + (i % 4)]!;
      buffer = buffer.subarray(offset + length);
      if (opcode === 0x8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      if (opcode === 0x1 || opcode === 0x2) {
        const out = opcode === 0x1 ? Buffer.from(`echo:${payload.toString('utf8')}`) : payload;
        const header =
          out.length < 126
            ? Buffer.from([0x80 | opcode, out.length])
            : Buffer.from([0x80 | opcode, 126, out.length >> 8, out.length & 0xff]);
        socket.write(Buffer.concat([header, out]));
      }
    }
  });
  socket.on('error', () => {});
}

/**
 * The headers a platform origin answers with (origin/common/request-envelope.ts): security headers, and the
 * request id and the edge's Server-Timing entry echoed. The hot path passes such an answer on untouched.
 */
function platformHeaders(req: IncomingMessage): Record<string, string> {
  return {
    'content-type': 'text/plain',
    'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'x-request-id': String(req.headers['x-request-id'] ?? ''),
    'server-timing': String(req.headers['x-wikiplatform-edge-timing'] ?? ''),
  };
}

export async function startEchoOrigin(): Promise<{ url: string; close: () => Promise<void> }> {
  /** X-Request-Ids of /__slow requests whose connection closed before the answer was sent. */
  const abandoned = new Set<string>();
  const server: Server = createServer((req, res) => {
    // A client that gives up (the edge's timeout) aborts the request: not an error of this server.
    handle(req, res).catch(() => res.destroy());
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://echo');
    if (url.pathname.startsWith('/__abandoned/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ abandoned: abandoned.has(url.pathname.slice('/__abandoned/'.length)) }));
    }
    if (url.pathname.startsWith('/__slow')) {
      const rid = String(req.headers['x-request-id']);
      res.once('close', () => {
        if (!res.writableFinished) abandoned.add(rid);
      });
      await new Promise((r) => setTimeout(r, 4000));
    }
    if (url.pathname === '/stream/echo') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.flushHeaders();
      req.pipe(res);
      return;
    }
    if (url.pathname === '/download') {
      let left = Number(url.searchParams.get('bytes') ?? 0);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left) });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    if (url.pathname === '/drip') {
      const chunks = Number(url.searchParams.get('chunks') ?? 3);
      const every = Number(url.searchParams.get('every') ?? 500);
      // With ?complete, the headers of a platform origin, so the hot path hands the answer back as it is.
      res.writeHead(200, url.searchParams.has('complete') ? platformHeaders(req) : { 'content-type': 'text/plain' });
      res.flushHeaders();
      for (let i = 0; i < chunks; i++) {
        await new Promise((r) => setTimeout(r, every));
        res.write(`chunk ${i}\n`);
      }
      return res.end('end\n');
    }
    if (url.pathname === '/own-csp') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "default-src 'self' https://cdn.example" });
      return res.end('<p>own policy</p>');
    }
    if (url.pathname === '/complete') {
      // Answers like a platform origin. ?omit=<header> leaves one out; ?cookie=<name> sets one.
      const headers: Record<string, string | string[]> = platformHeaders(req);
      const omit = url.searchParams.get('omit');
      if (omit) delete headers[omit];
      const cookie = url.searchParams.get('cookie');
      if (cookie) headers['set-cookie'] = [`${cookie}=from-origin; Path=/`, 'origin_pref=dark; Path=/'];
      res.writeHead(200, headers);
      return res.end('complete');
    }
    if (url.pathname === '/api/media/uploads/authorize') {
      const seen = (name: string) => (typeof req.headers[name] === 'string' ? req.headers[name] : null);
      res.writeHead(403, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          error: {
            code: 'forbidden',
            message: 'The echo origin authorises no upload.',
            details: { access: { id: seen('cf-access-client-id'), secret: seen('cf-access-client-secret') } },
          },
        }),
      );
    }
    if (url.pathname === '/redirect') {
      res.writeHead(302, { location: '/elsewhere' });
      return res.end();
    }
    if (url.pathname === '/set-cookie') {
      res.setHeader('set-cookie', ['wp_session=forged; Path=/; Domain=wikiplatform.localhost', 'origin_pref=dark; Path=/']);
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('ok');
    }
    let bytes = 0;
    for await (const chunk of req) bytes += (chunk as Buffer).length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        method: req.method,
        path: url.pathname,
        query: url.search,
        headers: req.headers,
        bodyBytes: bytes,
      }),
    );
  }
  server.on('upgrade', (req, socket) => {
    if ((req.url ?? '').startsWith('/ws')) acceptWebSocket(req, socket);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
