// CSRF guard: a state-changing request must come from the same origin. SameSite=Lax already keeps the
// session cookie off cross-site POSTs; this also refuses cross-origin requests between our own
// subdomains (instance1 posting to instance2), which Lax allows because they are same-site.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isForeignRequest(req: Request, url: URL): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  const origin = req.headers.get('origin');
  if (origin !== null) return origin !== url.origin;
  // No Origin: non-browser clients (curl, webhooks) — unless Fetch Metadata says a browser sent it cross-site.
  const site = req.headers.get('sec-fetch-site');
  return site === 'cross-site' || site === 'same-site';
}
