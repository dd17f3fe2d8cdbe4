// Shared by the tests that drive the local IdP's admin side: a started IdP on a realm copy with an extra
// non-plan group and a service account without roles, captured emails, and a scripted browser for links.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import type { EmailMessage } from './actions-email.ts';
import { startIdp, type IdpHandle, type StartIdpOptions } from './idp-server.ts';
import { CookieJar, decodeHtml, getTokensWithPassword, send, type ResolveHost } from './login-client.ts';

export const REALM_FILE = fileURLToPath(new URL('../../deploy/keycloak/realm-wikiplatform.json', import.meta.url));
export const APP_URL = 'http://app.wikiplatform.localhost:8787';
export const PUBLIC_ISSUER = 'http://sso.wikiplatform.localhost:8787/realms/wikiplatform';
export const REALM = 'wikiplatform';
export const EDGE = { clientId: 'wikiplatform-edge', clientSecret: 'edge-secret-for-tests', redirectUri: `${APP_URL}/_auth/callback` };
export const PORTAL = { clientId: 'wikiplatform-portal', clientSecret: 'portal-secret-for-tests' };
/** A service account the test realm adds with no realm-management role. */
export const NO_ROLES = { clientId: 'no-roles-bot', clientSecret: 'no-roles-secret-for-tests' };
/**
 * Where a set-password link sends the user afterwards. The test realm registers it as a redirect URI of the
 * edge client; Keycloak refuses execute-actions-email for a redirect_uri the client does not list.
 */
export const WELCOME_URL = `${APP_URL}/welcome`;
/** A group the test realm adds that is not a plan: provisioning must leave it alone. */
export const BETA_GROUP = 'BETA';
export const VARS = {
  WIKIPLATFORM_APP_URL: APP_URL,
  WIKIPLATFORM_EDGE_CLIENT_SECRET: EDGE.clientSecret,
  WIKIPLATFORM_PORTAL_CLIENT_SECRET: PORTAL.clientSecret,
};

export interface TestIdp {
  idp: IdpHandle;
  dataDir: string;
  realmFile: string;
  /** Every email the IdP delivered, oldest first. */
  emails: EmailMessage[];
  /** Stops the IdP (idempotent). */
  close(): Promise<void>;
}

const tempDirs: string[] = [];

/** Removes every directory the kit created; call from afterAll. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-idp-admin-'));
  tempDirs.push(dir);
  return dir;
}

/** The production realm plus the no-roles client and the BETA group, written into `dir`. */
export async function writeTestRealm(dir: string): Promise<string> {
  const realm = JSON.parse(await readFile(REALM_FILE, 'utf8'));
  realm.clients.find((c: { clientId: string }) => c.clientId === EDGE.clientId).redirectUris.push(WELCOME_URL);
  realm.groups.push({ name: BETA_GROUP, path: `/${BETA_GROUP}`, attributes: {} });
  realm.clients.push({ clientId: NO_ROLES.clientId, enabled: true, publicClient: false, secret: NO_ROLES.clientSecret, standardFlowEnabled: false, serviceAccountsEnabled: true });
  realm.users.push({ username: `service-account-${NO_ROLES.clientId}`, enabled: true, serviceAccountClientId: NO_ROLES.clientId });
  const file = join(dir, 'realm.json');
  await writeFile(file, JSON.stringify(realm));
  return file;
}

/** Starts an IdP on the test realm; pass `dataDir` to restart on an earlier one's state. */
export async function startTestIdp(extra: Partial<StartIdpOptions> & { dataDir?: string } = {}): Promise<TestIdp> {
  const dataDir = extra.dataDir ?? (await tempDir());
  const realmFile = extra.realmFile ?? (await writeTestRealm(dataDir));
  const emails: EmailMessage[] = [];
  const idp = await startIdp({
    port: 0,
    issuer: PUBLIC_ISSUER,
    realmFile,
    vars: VARS,
    dataDir,
    deliverEmail: async (message) => {
      emails.push(message);
    },
    ...extra,
  });
  return { idp, dataDir, realmFile, emails, close: () => idp.close() };
}

/** The real admin client, signed in with a service account's client credentials. */
export async function adminClient(idp: IdpHandle, credentials: { clientId: string; clientSecret: string } = PORTAL): Promise<KcAdminClient> {
  const client = new KcAdminClient({ baseUrl: idp.rootUrl, realmName: REALM });
  await client.auth({ grantType: 'client_credentials', ...credentials });
  return client;
}

/** Plays the edge: requests for the public sso host land on the IdP's real port, Host unchanged. */
export function throughEdge(idp: IdpHandle): ResolveHost {
  return (url) => {
    const target = new URL(url);
    if (target.origin === new URL(PUBLIC_ISSUER).origin) {
      target.hostname = '127.0.0.1';
      target.port = String(idp.port);
    }
    return { url: target.href, hostHeader: url.host };
  };
}

/** The set-password link of an email (the text part carries it on a line of its own). */
export function linkIn(message: EmailMessage): URL {
  const line = message.text.split('\n').find((l) => l.startsWith(`${PUBLIC_ISSUER}/login-actions/action-token?key=`));
  if (!line) throw new Error('no action link in the email');
  return new URL(line);
}

export interface LinkForm {
  status: number;
  body: string;
  /** The hidden fields the page put in its form (key, csrf). */
  hidden: Record<string, string>;
}

/** Opens a link like a browser: GET the page with a jar, read its form. */
export async function openLink(idp: IdpHandle, link: URL, jar = new CookieJar()): Promise<LinkForm & { jar: CookieJar }> {
  const response = await send(link, jar, {}, { resolveHost: throughEdge(idp) });
  const hidden: Record<string, string> = {};
  for (const match of response.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) hidden[match[1]!] = decodeHtml(match[2]!);
  return { status: response.status, body: response.body, hidden, jar };
}

/** Submits the link page's form with a new password, as the page's own form would. */
export async function submitPassword(idp: IdpHandle, page: LinkForm & { jar: CookieJar }, password: string, confirm = password, headers: Record<string, string> = {}) {
  const url = new URL(`${PUBLIC_ISSUER}/login-actions/action-token`);
  return send(url, page.jar, { method: 'POST', form: { ...page.hidden, 'password-new': password, 'password-confirm': confirm }, headers }, { resolveHost: throughEdge(idp) });
}

/** Completes the edge's code + PKCE sign-in as `username` and returns the tokens. */
export function signIn(idp: IdpHandle, username: string, password: string) {
  return getTokensWithPassword({ baseUrl: PUBLIC_ISSUER, ...EDGE, username, password, resolveHost: throughEdge(idp) });
}

/** The payload of a JWT, unverified (tests that need verification use jose against the IdP's JWKS). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}
