// `platform check`'s warning about the origin hostnames: production wrangler.toml reaching https origins
// (the tunnel's <name>.origin.DOMAIN, public to anyone) without the Cloudflare Access service token the
// edge would show there. A warning, not a problem: the check cannot see whether Access is switched on.
// Pure: the caller reads [env.production.vars] (wrangler-vars.ts) and hands in the values.

const URL_VARS = ['PORTAL_ORIGIN', 'IDP_ORIGIN', 'OIDC_INTERNAL_URL'] as const;

/** One line per warning; none when the token's Client ID is set or no origin is reached over https. */
export function originAccessWarnings(vars: ReadonlyMap<string, string>): string[] {
  if ((vars.get('ORIGIN_ACCESS_CLIENT_ID') ?? '').trim() !== '') return [];
  const https = [...URL_VARS.map((name) => vars.get(name) ?? ''), ...registryOrigins(vars.get('INSTANCES'))]
    .filter((url) => url.startsWith('https://'))
    .map((url) => new URL(url).host);
  if (!https.length) return [];
  const hosts = [...new Set(https)];
  return [
    `wrangler.toml [env.production.vars] reaches ${hosts.join(', ')} without ORIGIN_ACCESS_CLIENT_ID: unless an Access ` +
      `application guards them, those hostnames (Keycloak's admin console and master realm included) are open to anyone. ` +
      `Create an Access service token and a Service Auth application on *.origin.<domain>, set ORIGIN_ACCESS_CLIENT_ID ` +
      `and \`wrangler secret put ORIGIN_ACCESS_CLIENT_SECRET --env production\` (README, "How it fits together").`,
  ];
}

function registryOrigins(json: string | undefined): string[] {
  try {
    const parsed = JSON.parse(json ?? '') as unknown;
    return Array.isArray(parsed) ? parsed.map((i) => (typeof i?.origin === 'string' ? (i.origin as string) : '')) : [];
  } catch {
    return [];
  }
}
