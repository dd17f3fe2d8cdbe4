// The local identity provider: oidc-provider mounted at Keycloak's issuer path, configured from the same
// realm file as production Keycloak, on its own HTTP server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { JWK } from 'jose';
import type { Provider as ProviderClass } from 'oidc-provider';
import { createActionTokenPage } from './action-token-page.ts';
import { ActionTokens } from './action-tokens.ts';
import type { DeliverEmail } from './actions-email.ts';
import { createAdminApi } from './admin-api.ts';
import { createAdminAuthenticator } from './admin-auth.ts';
import { assertUsersMatchRealm, DEMO_USERS, type DemoUser } from './demo-users.ts';
import { createInteractionHandler, sendHtml } from './interactions.ts';
import { loadOrCreateCookieKeys, loadOrCreateSigningJwks } from './keys.ts';
import { renderErrorPage } from './login-page.ts';
import { buildProviderConfiguration } from './provider-config.ts';
import { loadRealm } from './realm.ts';
import { matchesKeycloakRedirect } from './redirect-uri-match.ts';
import { FileStore } from './store-adapter.ts';
import { createUserinfoHandler } from './userinfo.ts';
import { UserStore } from './user-store.ts';

export type IdpLogger = (entry: Record<string, unknown>) => void;

export interface StartIdpOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The public issuer browsers see, e.g. http://sso.wikiplatform.localhost:8787/realms/wikiplatform. */
  issuer: string;
  realmFile: string;
  /** Values for the realm file's ${VAR} placeholders. */
  vars: Record<string, string>;
  /** Keys, sessions and users live in <dataDir>/idp/. */
  dataDir: string;
  /** Seeds for the user store (default: the demo users), added when their username is not taken yet. */
  users?: readonly DemoUser[];
  accessTokenTtlSeconds?: number;
  logger?: IdpLogger;
  /**
   * Sends the admin API's execute-actions emails (the set-password link). Without it that endpoint answers
   * 500, as Keycloak does without SMTP settings. The message carries a live sign-in link: never log it.
   */
  deliverEmail?: DeliverEmail;
}

export interface IdpHandle {
  issuer: string;
  /** http://127.0.0.1:<port>: Keycloak's root, the `baseUrl` of @keycloak/keycloak-admin-client (admin API at /admin/realms/<realm>). */
  rootUrl: string;
  /** http://127.0.0.1:<port>/realms/<realm>, for server-to-server calls. */
  internalBaseUrl: string;
  port: number;
  /** The JWKS URL at internalBaseUrl. */
  jwksUri: string;
  close(): Promise<void>;
}

const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 300;

export async function startIdp(options: StartIdpOptions): Promise<IdpHandle> {
  const host = options.host ?? '127.0.0.1';
  const log: IdpLogger = options.logger ?? (() => {});
  const realm = await loadRealm(options.realmFile, options.vars);
  const users = options.users ?? DEMO_USERS;
  assertUsersMatchRealm(users, realm);

  const issuerUrl = new URL(options.issuer);
  const mountPath = issuerUrl.pathname.replace(/\/+$/, '');
  if (mountPath !== `/realms/${realm.name}`) {
    throw new TypeError(`issuer ${options.issuer} must end with /realms/${realm.name}, the path Keycloak serves this realm at`);
  }
  const issuer = `${issuerUrl.origin}${mountPath}`;

  const stateDir = join(options.dataDir, 'idp');
  const jwks = await loadOrCreateSigningJwks(join(stateDir, 'jwks.json'));
  const cookieKeys = await loadOrCreateCookieKeys(join(stateDir, 'cookie-keys.json'));
  const store = await FileStore.open(join(stateDir, 'sessions.json'));
  const userStore = await UserStore.open({ file: join(stateDir, 'users.json'), realmName: realm.name, seeds: users });

  const Provider = await importProviderQuietly();
  const provider = new Provider(
    issuer,
    buildProviderConfiguration({
      realm,
      users: userStore,
      jwks,
      cookieKeys,
      store,
      mountPath,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
    }),
  );
  // Behind the edge: honour X-Forwarded-For/-Proto for client IPs and cookie security.
  provider.proxy = true;
  installKeycloakClientRules(provider, realm.clients);
  forwardProviderEvents(provider, log);

  const demoUsernames = options.users === undefined ? users.map((user) => user.username) : undefined;
  const publicJwks = { keys: jwks.keys.map(toPublicJwk) };
  const actionTokens = new ActionTokens(store);
  const adminApi = createAdminApi({
    realm,
    users: userStore,
    authenticate: createAdminAuthenticator({ issuer, publicJwks, realm, users: userStore }),
    actionTokens,
    issuer,
    deliverEmail: options.deliverEmail,
    log,
  });
  const actionTokenPage = createActionTokenPage({ realm, users: userStore, actionTokens, mountPath, issuer, log });
  // Hono apps on this node:http server; leave the process's fetch globals alone (tests share the process).
  const handleAdmin = getRequestListener(adminApi.fetch, { overrideGlobalObjects: false });
  const handleActionToken = getRequestListener(actionTokenPage.fetch, { overrideGlobalObjects: false });
  const handleInteraction = createInteractionHandler({ provider, realm, users: userStore, mountPath, demoUsernames, log });
  const handleUserinfo = createUserinfoHandler({ issuer, publicJwks, realm, users: userStore });
  const providerCallback = provider.callback();

  const server = createServer((req, res) => {
    pinPublicOrigin(req, issuerUrl);
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    // Keycloak serves the admin API beside the realms, not under the issuer. The edge never lets it through.
    if (path.startsWith('/admin/')) {
      void handleAdmin(req, res);
      return;
    }
    if (path !== mountPath && !path.startsWith(`${mountPath}/`)) {
      return sendHtml(res, 404, renderErrorPage('Not found', 'There is nothing here.'));
    }
    const local = path.slice(mountPath.length) || '/';
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(local);
    const done = (error: unknown) => {
      log({ level: 'error', msg: 'idp request failed', path: local, error: (error as Error)?.message });
      if (!res.headersSent) sendHtml(res, 500, renderErrorPage('Something went wrong', 'Please try again.'));
      else res.end();
    };
    if (interaction?.[1]) {
      handleInteraction(req, res, interaction[1], interaction[2] ?? '').catch(done);
      return;
    }
    if (local === '/login-actions/action-token') {
      void handleActionToken(req, res);
      return;
    }
    if (local === '/protocol/openid-connect/userinfo' && (req.method === 'GET' || req.method === 'POST')) {
      handleUserinfo(req, res).catch(done);
      return;
    }
    // oidc-provider routes relative to its mount point and rebuilds URLs from originalUrl.
    Object.assign(req, { originalUrl: url });
    req.url = url.slice(mountPath.length) || '/';
    providerCallback(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const internalBaseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}${mountPath}`;
  log({ level: 'info', msg: 'idp listening', issuer, internalBaseUrl });

  let closing: Promise<void> | undefined;
  return {
    issuer,
    rootUrl: internalBaseUrl.slice(0, -mountPath.length),
    internalBaseUrl,
    port,
    jwksUri: `${internalBaseUrl}/protocol/openid-connect/certs`,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await Promise.all([store.flush(), userStore.flush()]);
      })();
      return closing;
    },
  };
}

/**
 * Every URL the provider builds (discovery, redirects, form actions) uses the public issuer's origin,
 * whichever way the request came in (through the edge, or directly on 127.0.0.1) — like Keycloak with
 * a fixed hostname. X-Forwarded-For stays untouched for client addresses.
 */
function pinPublicOrigin(req: IncomingMessage, issuerUrl: URL): void {
  req.headers.host = issuerUrl.host;
  req.headers['x-forwarded-proto'] = issuerUrl.protocol.slice(0, -1);
  delete req.headers['x-forwarded-host'];
}

/** Keycloak's wildcard redirect rules and its habit of always putting `sid` in ID tokens. */
function installKeycloakClientRules(provider: ProviderClass, clients: readonly { clientId: string; redirectUris: string[]; postLogoutRedirectUris: string[] }[]): void {
  const byId = new Map(clients.map((client) => [client.clientId, client]));
  const prototype = provider.Client.prototype;
  prototype.redirectUriAllowed = function (this: { clientId: string }, value: string) {
    return matchesKeycloakRedirect(value, byId.get(this.clientId)?.redirectUris ?? []);
  };
  prototype.postLogoutRedirectUriAllowed = function (this: { clientId: string }, value: string) {
    return matchesKeycloakRedirect(value, byId.get(this.clientId)?.postLogoutRedirectUris ?? []);
  };
  prototype.includeSid = () => true;
}

// Only names and messages: never stacks, tokens or request bodies.
function forwardProviderEvents(provider: ProviderClass, log: IdpLogger): void {
  provider.on('server_error', (_ctx: unknown, error: Error) => log({ level: 'error', msg: 'idp server error', error: error.message }));
  for (const event of ['authorization.error', 'grant.error', 'end_session.error', 'introspection.error', 'revocation.error', 'discovery.error', 'jwks.error', 'userinfo.error']) {
    provider.on(event, (_ctx: unknown, error: Error & { error_description?: string }) =>
      log({ level: 'warn', msg: `idp ${event}`, error: error.message, description: error.error_description }),
    );
  }
  // Koa prints uncaught errors with their stack when nobody listens.
  provider.on('error', (error: Error) => log({ level: 'error', msg: 'idp error', error: error.message }));
}

function toPublicJwk(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  return publicJwk;
}

let providerModule: Promise<typeof ProviderClass> | undefined;

/** oidc-provider warns at import that Node 20 is not its preferred runtime; that line is noise here. */
function importProviderQuietly(): Promise<typeof ProviderClass> {
  providerModule ??= (async () => {
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      original(...args);
    };
    try {
      return (await import('oidc-provider')).default;
    } finally {
      console.warn = original;
    }
  })();
  return providerModule;
}
