// The local platform's layout: ports, hosts, instances and where state lives. Pure: no I/O here.
import { join } from 'node:path';

export const LOCAL_DOMAIN = 'wikiplatform.localhost';
export const REALM = 'wikiplatform';
export const MEDIA_BUCKET = 'wikiplatform-media';
/** The sending domain the Mailgun stand-in accepts. */
export const MAIL_DOMAIN = 'mg.wikiplatform.localhost';
/** The Stripe stand-in's prices, one per plan, and what it shows for them (cents a month). */
export const LOCAL_PRICES = { STARTER: 'price_local_starter', PRO: 'price_local_pro', ENTERPRISE: 'price_local_enterprise' } as const;
export const LOCAL_AMOUNTS = { STARTER: 900, PRO: 2900, ENTERPRISE: 9900 } as const;
export const LOCAL_INSTANCES = [
  { id: 'instance1', title: 'Instance 1' },
  { id: 'instance2', title: 'Instance 2' },
  { id: 'instance3', title: 'Instance 3' },
] as const;

export interface PlatformPorts {
  edge: number;
  postgres: number;
  s3: number;
  idp: number;
  portal: number;
  /** Instance origins, by id. */
  instances: Record<string, number>;
  /** wrangler dev's devtools inspector. */
  inspector: number;
  /** The Stripe stand-in (API and hosted pages); stripe-mock's usual port. */
  stripe: number;
  /** The Mailgun stand-in (API and the inbox page). */
  mailgun: number;
}

/** Defaults for `npm start`; tests ask for free ports instead. */
export function defaultPorts(edgePort = 8787): PlatformPorts {
  return {
    edge: edgePort,
    postgres: 54329,
    s3: 4569,
    idp: 8180,
    portal: 3100,
    instances: Object.fromEntries(LOCAL_INSTANCES.map((inst, i) => [inst.id, 3101 + i])),
    inspector: 9239,
    stripe: 12111,
    mailgun: 8025,
  };
}

export interface PlatformLayout {
  domain: string;
  ports: PlatformPorts;
  stateDir: string;
  /** Public URL of a subdomain, as a browser sees it. */
  publicUrl(sub: string): string;
  publicUrlPattern: string;
  issuer: string;
  idpInternalUrl: string;
  originUrl(name: string): string;
  paths: { logs: string; postgres: string; s3: string; wrangler: string; edgeEnv: string; publicJwks: string; runJson: string };
}

export function platformLayout(stateDir: string, ports: PlatformPorts, domain = LOCAL_DOMAIN): PlatformLayout {
  const publicUrlPattern = `http://{host}.${domain}:${ports.edge}`;
  const publicUrl = (sub: string) => publicUrlPattern.replace('{host}', sub);
  return {
    domain,
    ports,
    stateDir,
    publicUrl,
    publicUrlPattern,
    issuer: `${publicUrl('sso')}/realms/${REALM}`,
    idpInternalUrl: `http://127.0.0.1:${ports.idp}/realms/${REALM}`,
    originUrl: (name) => `http://127.0.0.1:${name === 'portal' ? ports.portal : ports.instances[name]}`,
    paths: {
      logs: join(stateDir, 'logs'),
      postgres: join(stateDir, 'postgres', 'cluster'),
      s3: join(stateDir, 's3'),
      wrangler: join(stateDir, 'wrangler'),
      edgeEnv: join(stateDir, 'edge.env'),
      publicJwks: join(stateDir, 'keys', 'edge-assertion.public.jwks.json'),
      runJson: join(stateDir, 'run.json'),
    },
  };
}

/** A dotenv file wrangler reads with --env-file; values single-quoted so JSON survives. */
export function toDotenv(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      if (value.includes("'") || value.includes('\n')) throw new Error(`${key}: value cannot be written to a dotenv file`);
      return `${key}='${value}'`;
    })
    .join('\n') + '\n';
}
