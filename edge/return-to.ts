// Where a sign-in may send the browser back to: only our own hosts, with the scheme and port the
// browser is using, never anything else (no open redirect, no javascript:, no //evil.example).

export function safeReturnTo(raw: string | null | undefined, requestUrl: URL, domain: string, fallback: string): string {
  if (!raw || raw.length > 2048) return fallback;
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
  return target.toString();
}
