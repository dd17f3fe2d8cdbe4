// Links between subdomains (portal ↔ instances) are built from one pattern, so no origin hard-codes a domain.

export function publicUrl(pattern: string, host: string, path = '/'): string {
  const base = pattern.replaceAll('{host}', host).replace(/\/+$/, '');
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}
