// Forwards a request to an origin and streams both bodies: the request body is handed to fetch as a
// stream and the response body is returned unread, so a 100 MB upload or download is never buffered.
// An answer that needs nothing from the edge goes back untouched (hot-path.ts, completeAsIs).
import { dropEdgeSetCookies, upstreamHeaders, type UpstreamHeaderOptions } from './upstream-headers.ts';

const TIMED_OUT: unique symbol = Symbol('timed out');
const timedOut = (): typeof TIMED_OUT => TIMED_OUT;

export type ProxyFailure = 'unreachable' | 'timeout';
export type ProxyResult =
  | { ok: true; response: Response; originMs: number }
  | { ok: false; reason: ProxyFailure; detail: string; originMs: number };

export interface ProxyOptions extends UpstreamHeaderOptions {
  /** Origin base URL, without trailing slash. */
  upstream: string;
  /** Time allowed until the origin's response headers; the body may then take as long as it needs. */
  timeoutMs: number;
}

/** `pathname` and `search` as the edge parsed them from the request URL. */
export async function proxy(req: Request, pathname: string, search: string, o: ProxyOptions): Promise<ProxyResult> {
  const target = `${o.upstream}${pathname}${search}`;
  const headers = upstreamHeaders(req.headers, o);
  const method = req.method;
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const started = Date.now();
  let res: Response | typeof TIMED_OUT;
  try {
    // The deadline is a race, not an abort signal. A signal could still abort the body once the headers
    // are in (AbortSignal.timeout cannot be cleared: the /drip cases of tests/edge/proxy.test.ts), and an
    // AbortController with setTimeout and clearTimeout measured ≈ 10 µs a request. The losing wait stays
    // armed and resolves into nothing. A losing fetch is cancelled by the runtime when this request is
    // over, the 504 sent: the origin sees the request given up (the abandoned-request tests, same file).
    res = await Promise.race([
      fetch(target, {
        method,
        headers,
        body: hasBody ? req.body : undefined,
        // The browser follows the origin's redirects itself, with the origin's Location.
        redirect: 'manual',
        // Never from or into Cloudflare's cache: the origins' hostnames are in the zone, whose default
        // rules cache by file extension and key on the URL alone, so one person's answer (a 404 page with
        // their name) would be served to the next. Origins also send `private, no-store`.
        cache: 'no-store',
      }),
      scheduler.wait(o.timeoutMs).then(timedOut),
    ]);
  } catch (err) {
    return { ok: false, reason: 'unreachable', detail: String(err), originMs: Date.now() - started };
  }
  if (res === TIMED_OUT) {
    return { ok: false, reason: 'timeout', detail: `no answer within ${o.timeoutMs} ms`, originMs: Date.now() - started };
  }
  // The answer as it came: its headers are immutable; ownCopy makes them the edge's to complete.
  return { ok: true, response: res, originMs: Date.now() - started };
}

/**
 * The origin's answer with headers the edge may change, less any Set-Cookie aimed at the edge's own
 * cookies. A WebSocket upgrade is handed back as it is: the 101 carries the socket pair.
 */
export function ownCopy(res: Response): Response {
  if (res.status === 101 || res.webSocket) return res;
  // Re-wrapped once so the headers are mutable (the Response copies them); then filtered in place.
  const response = new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
  dropEdgeSetCookies(response.headers);
  return response;
}
