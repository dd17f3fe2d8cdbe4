// Which upstream a request's host belongs to. Pure: the host and the registry in, a route out.
import type { InstanceEntry } from '#shared/instance-registry';

export type Route =
  | { kind: 'portal' }
  | { kind: 'idp' }
  | { kind: 'instance'; instance: InstanceEntry }
  | { kind: 'unknown' };

/** Lower-cased host name without the port. */
export function hostnameOf(host: string): string {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return name.toLowerCase().replace(/\.$/, '');
}

export function routeForHost(host: string, domain: string, instances: ReadonlyMap<string, InstanceEntry>): Route {
  const name = hostnameOf(host);
  const suffix = `.${domain}`;
  if (!name.endsWith(suffix)) return { kind: 'unknown' };
  const label = name.slice(0, -suffix.length);
  // Only one label deep: a.instance1.DOMAIN is not instance1.
  if (!label || label.includes('.')) return { kind: 'unknown' };
  if (label === 'app') return { kind: 'portal' };
  if (label === 'sso') return { kind: 'idp' };
  const instance = instances.get(label);
  return instance ? { kind: 'instance', instance } : { kind: 'unknown' };
}

/** Browsers resolve *.localhost to loopback; such hosts get no Secure cookies and no HSTS. */
export function isLocalhost(host: string): boolean {
  const name = hostnameOf(host);
  return name === 'localhost' || name.endsWith('.localhost');
}

/** Scheme + host + port of a sibling host, keeping the port and scheme the browser used. */
export function siblingOrigin(requestUrl: URL, subdomain: string, domain: string): string {
  const port = requestUrl.port ? `:${requestUrl.port}` : '';
  return `${requestUrl.protocol}//${subdomain}.${domain}${port}`;
}
