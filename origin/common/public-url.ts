// Links between subdomains (portal ↔ instances) are built from one pattern, so no origin hard-codes a domain.

export function publicUrl(pattern: string, host: string, path = '/'): string {
  const base = pattern.replaceAll('{host}', host).replace(/\/+$/, '');
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Whether the public URLs are https on a real domain: never on *.localhost, where HSTS would outlive a dev session. */
export function servesHttps(pattern: string): boolean {
  if (!pattern.startsWith('https://')) return false;
  const host = new URL(pattern.replaceAll('{host}', 'x')).hostname;
  return host !== 'localhost' && !host.endsWith('.localhost');
}
