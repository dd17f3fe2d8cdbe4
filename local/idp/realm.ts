// Loads the Keycloak realm file the local IdP shares with production: ${VAR} substitution as Keycloak's
// import does, then validation of exactly the parts we read, with a message that names what is wrong.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { formatIssues } from '#shared/format-issues';

export class RealmFileError extends Error {
  readonly code = 'REALM_FILE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'RealmFileError';
  }
}

/** A client of the realm, reduced to what an OIDC provider needs. */
export interface RealmClient {
  clientId: string;
  name: string;
  secret: string;
  redirectUris: string[];
  /** Keycloak patterns: exact URIs or ones ending with "*" (see redirect-uri-match.ts). */
  postLogoutRedirectUris: string[];
  pkceS256: boolean;
  standardFlow: boolean;
  serviceAccounts: boolean;
  /** Present when the client has an oidc-group-membership-mapper. */
  groupsMapper: { claimName: string; fullPath: boolean } | null;
  /**
   * The client roles of its service-account user (realm file `users[].serviceAccountClientId`), by client,
   * e.g. { "realm-management": ["manage-users"] }. Empty without a service account or role mappings.
   */
  serviceAccountClientRoles: Record<string, string[]>;
}

export interface RealmGroup {
  name: string;
  path: string;
  attributes: Record<string, string[]>;
}

export interface Realm {
  name: string;
  /** What Keycloak shows users (emails, pages); the realm name when the file has none. */
  displayName: string;
  realmRoles: string[];
  groups: RealmGroup[];
  clients: RealmClient[];
  accessTokenLifespan: number | null;
  /** Seconds; Keycloak's defaults (30 min idle, 10 h max) when the file does not say. */
  ssoSessionIdleTimeout: number;
  ssoSessionMaxLifespan: number;
}

// Keycloak resolves ${NAME} and ${NAME:default} in string values at import time.
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::([^}]*))?\}/g;

export function substitutePlaceholders(value: unknown, vars: Record<string, string>, missing: Set<string>): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string, fallback: string | undefined) => {
      const found = vars[name] ?? fallback;
      if (found === undefined) {
        missing.add(name);
        return whole;
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item) => substitutePlaceholders(item, vars, missing));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitutePlaceholders(item, vars, missing)]),
    );
  }
  return value;
}

const absoluteUrl = z.string().refine((value) => URL.canParse(value), 'must be an absolute URL');

const MapperSchema = z.object({
  name: z.string(),
  protocolMapper: z.string(),
  config: z.record(z.string(), z.string()).default({}),
});

const ClientSchema = z
  .object({
    clientId: z.string().min(1),
    name: z.string().optional(),
    enabled: z.boolean().default(true),
    publicClient: z.boolean().default(false),
    secret: z.string().optional(),
    standardFlowEnabled: z.boolean().default(true),
    serviceAccountsEnabled: z.boolean().default(false),
    redirectUris: z.array(absoluteUrl).default([]),
    attributes: z.record(z.string(), z.string()).default({}),
    protocolMappers: z.array(MapperSchema).default([]),
  })
  .superRefine((client, ctx) => {
    if (!client.publicClient && !client.secret) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'a confidential client needs a non-empty secret' });
    }
    if (client.publicClient) {
      ctx.addIssue({ code: 'custom', path: ['publicClient'], message: 'public clients are not supported by the local IdP' });
    }
    if (client.standardFlowEnabled && client.redirectUris.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['redirectUris'], message: 'standardFlowEnabled needs at least one redirect URI' });
    }
  });

const GroupSchema = z
  .object({ name: z.string().min(1), path: z.string().optional(), attributes: z.record(z.string(), z.array(z.string())).default({}) })
  .refine((group) => group.path === undefined || group.path === `/${group.name}`, {
    message: 'path must be "/" followed by the group name (nested groups are not supported)',
    path: ['path'],
  });

// Only service-account users are read: Keycloak keeps their role mappings in the realm's user list.
// Other users in the file are ignored; the local IdP's people come from its own user store.
const RealmUserSchema = z.object({
  username: z.string().min(1),
  serviceAccountClientId: z.string().min(1).optional(),
  clientRoles: z.record(z.string(), z.array(z.string().min(1))).default({}),
});

const RealmSchema = z.object({
  realm: z.string().min(1),
  displayName: z.string().min(1).optional(),
  accessTokenLifespan: z.number().int().positive().optional(),
  ssoSessionIdleTimeout: z.number().int().positive().default(1800),
  ssoSessionMaxLifespan: z.number().int().positive().default(36000),
  roles: z.object({ realm: z.array(z.object({ name: z.string().min(1) })).default([]) }).default({ realm: [] }),
  groups: z.array(GroupSchema).default([]),
  clients: z.array(ClientSchema).min(1),
  users: z.array(RealmUserSchema).default([]),
});

/** Parses realm JSON (already read) into the normalised Realm; throws RealmFileError on any problem. */
export function parseRealm(raw: unknown, vars: Record<string, string>, source = 'realm file'): Realm {
  const missing = new Set<string>();
  // Only the parts the local IdP reads: the rest (SMTP settings, the user profile's ${username}-style
  // message keys) is Keycloak's, which leaves a placeholder it cannot resolve as it is.
  const read = raw !== null && typeof raw === 'object' && !Array.isArray(raw)
    ? Object.fromEntries(Object.entries(raw).filter(([key]) => Object.hasOwn(RealmSchema.shape, key)))
    : raw;
  const substituted = substitutePlaceholders(read, vars, missing);
  if (missing.size > 0) {
    throw new RealmFileError(`Invalid ${source}: no value for placeholder(s) ${[...missing].map((n) => '${' + n + '}').join(', ')}`);
  }
  const parsed = RealmSchema.safeParse(substituted);
  if (!parsed.success) throw new RealmFileError(formatIssues(source, parsed.error.issues));
  const data = parsed.data;

  const seen = new Set<string>();
  for (const client of data.clients) {
    if (seen.has(client.clientId)) throw new RealmFileError(`Invalid ${source}: duplicate clientId "${client.clientId}"`);
    seen.add(client.clientId);
  }
  const serviceAccountRoles = new Map<string, Record<string, string[]>>();
  for (const user of data.users) {
    if (user.serviceAccountClientId === undefined) continue;
    const client = data.clients.find((c) => c.clientId === user.serviceAccountClientId);
    if (!client?.serviceAccountsEnabled) {
      throw new RealmFileError(`Invalid ${source}: user "${user.username}" is the service account of "${user.serviceAccountClientId}", which is not a client with serviceAccountsEnabled`);
    }
    serviceAccountRoles.set(client.clientId, user.clientRoles);
  }

  return {
    name: data.realm,
    displayName: data.displayName ?? data.realm,
    accessTokenLifespan: data.accessTokenLifespan ?? null,
    ssoSessionIdleTimeout: data.ssoSessionIdleTimeout,
    ssoSessionMaxLifespan: data.ssoSessionMaxLifespan,
    realmRoles: data.roles.realm.map((role) => role.name),
    groups: data.groups.map((group) => ({ name: group.name, path: group.path ?? `/${group.name}`, attributes: group.attributes })),
    clients: data.clients.filter((client) => client.enabled).map((client) => toRealmClient(client, serviceAccountRoles.get(client.clientId) ?? {})),
  };
}

export async function loadRealm(file: string, vars: Record<string, string>): Promise<Realm> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new RealmFileError(`Cannot read realm file ${file}: ${(cause as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new RealmFileError(`Realm file ${file} is not valid JSON: ${(cause as Error).message}`);
  }
  return parseRealm(raw, vars, `realm file ${file}`);
}

function toRealmClient(client: z.infer<typeof ClientSchema>, serviceAccountClientRoles: Record<string, string[]>): RealmClient {
  const mapper = client.protocolMappers.find((m) => m.protocolMapper === 'oidc-group-membership-mapper');
  return {
    clientId: client.clientId,
    name: client.name ?? client.clientId,
    secret: client.secret ?? '',
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: postLogoutUris(client.attributes['post.logout.redirect.uris'], client.redirectUris),
    pkceS256: client.attributes['pkce.code.challenge.method'] === 'S256',
    standardFlow: client.standardFlowEnabled,
    serviceAccounts: client.serviceAccountsEnabled,
    groupsMapper: mapper
      ? { claimName: mapper.config['claim.name'] ?? 'groups', fullPath: mapper.config['full.path'] !== 'false' }
      : null,
    serviceAccountClientRoles,
  };
}

// Keycloak stores several post-logout URIs joined by "##"; "+" means "same as the redirect URIs".
function postLogoutUris(attribute: string | undefined, redirectUris: string[]): string[] {
  if (!attribute) return [];
  return attribute
    .split('##')
    .map((uri) => uri.trim())
    .filter(Boolean)
    .flatMap((uri) => (uri === '+' ? redirectUris : [uri]));
}
