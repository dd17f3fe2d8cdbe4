// The Cloudflare Access service token the edge shows on every request it makes to the origins and the
// IdP. In production those are reached at <name>.origin.DOMAIN through the tunnel, hostnames anyone can
// resolve: an Access application with a Service Auth policy there lets only holders of the token in.
// Inbound CF-Access-* headers never pass (upstream-headers.ts drops every `cf-` name), so a client
// cannot present a token of its own through the edge.

/** Cloudflare's documented service-token headers. */
export const ACCESS_CLIENT_ID_HEADER = 'cf-access-client-id';
export const ACCESS_CLIENT_SECRET_HEADER = 'cf-access-client-secret';

/** ORIGIN_ACCESS_CLIENT_ID and ORIGIN_ACCESS_CLIENT_SECRET, both set (config.ts refuses one alone). */
export interface OriginAccess {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The two headers as a plain record, for fetches that build their headers from one. */
export function accessHeaders(access: OriginAccess | undefined): Record<string, string> {
  return access ? { [ACCESS_CLIENT_ID_HEADER]: access.clientId, [ACCESS_CLIENT_SECRET_HEADER]: access.clientSecret } : {};
}
