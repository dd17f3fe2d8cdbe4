// Where a sign-in may send the browser back to: only our own hosts, with the scheme and port the
// browser is using, never anything else (no open redirect, no javascript:, no //evil.example).

/**
 * Longest destination carried through a sign-in. It travels in the sign-in cookie, and a few of those may
 * be pending at once; a longer one comes back as its host's front page instead.
 */
export const MAX_RETURN_TO = 1024;

export function safeReturnTo(raw: string | null | undefined, requestUrl: URL, domain: string, fallback: string): string {
  if (!raw || raw.length > 8 * MAX_RETURN_TO) return fallback;
  let target: URL;
  try {
    // Relative paths resolve against the current URL; protocol-relative and absolute ones are checked below.
    target = new URL(raw, requestUrl);
  } catch {
    return fallback;
  }
  if (target.protocol !== requestUrl.protocol || target.port !== requestUrl.port) return fallback;
  if (target.username || target.password) return fallback;
  const host = target.hostname.toLowerCase();
  if (host !== domain && !host.endsWith(`.${domain}`)) return fallback;
  // The sign-in endpoints themselves would loop.
  if (target.pathname.startsWith('/_auth/')) return fallback;
  const href = target.toString();
  return href.length > MAX_RETURN_TO ? `${target.origin}/` : href;
}
