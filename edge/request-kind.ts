// Whether a request comes from a browser navigation (may be redirected to sign in) or from code
// (fetch, XHR, API clients), which must get a JSON status instead: a 302 to a login page would be
// followed silently by fetch and hand the script an HTML page with a 200.

export function isNavigation(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.headers.has('authorization')) return false;
  if (req.headers.has('x-requested-with')) return false;
  const mode = req.headers.get('sec-fetch-mode');
  if (mode) return mode === 'navigate';
  // Older clients without Fetch Metadata: trust Accept.
  return (req.headers.get('accept') ?? '').includes('text/html');
}

/** Answer in JSON rather than HTML. */
export function wantsJson(req: Request): boolean {
  return !isNavigation(req);
}
