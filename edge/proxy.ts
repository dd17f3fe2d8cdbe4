// Forwards a request to an origin and streams both bodies: the request body is handed to fetch as a
// stream and the response body is returned unread, so a 100 MB upload or download is never buffered.
// An answer that needs nothing from the edge goes back untouched (hot-path.ts, completeAsIs).
import { dropEdgeSetCookies, upstreamHeaders, type UpstreamHeaderOptions } from './upstream-headers.ts';

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
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, o.timeoutMs);
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(target, {
      method,
      headers,
      body: hasBody ? req.body : undefined,
      // The browser follows the origin's redirects itself, with the origin's Location.
      redirect: 'manual',
      signal: controller.signal,
    });
  } catch (err) {
    return { ok: false, reason: timedOut ? 'timeout' : 'unreachable', detail: String(err), originMs: Date.now() - started };
  } finally {
    // Headers are in: the timer must not abort the body stream. (AbortSignal.timeout would be cheaper, but it
    // cannot be cleared and aborts a body still being read: tests/edge/proxy.test.ts, the /drip cases.)
    clearTimeout(timer);
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
