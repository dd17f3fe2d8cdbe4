// oidc-provider ships no TypeScript types (and @types/oidc-provider lags behind v9): the minimal surface
// the local IdP uses, typed just enough to keep our code honest.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type Configuration = Record<string, unknown>;

  export interface OidcSession {
    accountId?: string;
    authorizations?: Record<string, { grantId?: string; persistsLogout?: boolean }>;
    state?: { postLogoutRedirectUri?: string; state?: string; clientId?: string; [key: string]: unknown };
    grantIdFor(clientId: string): string | undefined;
    authorizationFor(clientId: string): { persistsLogout?: boolean } | undefined;
    destroy(): Promise<void>;
  }

  export interface OidcClient {
    clientId: string;
    clientName?: string;
    redirectUris: string[];
  }

  export interface OidcGrant {
    jti: string;
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface OidcToken {
    accountId?: string;
    clientId?: string;
    sid?: string;
    scope?: string;
    gty?: string;
    authTime?: number;
  }

  export interface OidcContext {
    route?: string;
    client?: OidcClient;
    session: OidcSession;
    params: Record<string, unknown>;
    result?: { consent?: { grantId?: string } };
    requestParamScopes: Set<string>;
    entities: {
      IdTokenHint?: unknown;
      AuthorizationCode?: OidcToken;
      RefreshToken?: OidcToken;
      [name: string]: unknown;
    };
    provider: Provider;
    urlFor(name: string, opts?: Record<string, unknown>): string;
  }

  /** The Koa context oidc-provider passes to configuration helpers. */
  export interface KoaContextWithOIDC {
    oidc: OidcContext;
    status: number;
    body: unknown;
    type: string;
    host: string;
    cookies: { set(name: string, value: string | null, options?: Record<string, unknown>): void };
    redirect(url: string): void;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    proxy: boolean;
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: any[]) => void): this;
    cookieName(type: 'session' | 'interaction' | 'resume'): string;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    readonly Client: { prototype: Record<string, unknown>; find(id: string): Promise<OidcClient | undefined> };
    readonly Grant: {
      new (init: { clientId: string; accountId: string }): OidcGrant;
      find(id: string): Promise<OidcGrant | undefined>;
    };
  }

  export const errors: Record<string, new (description?: string) => Error>;
  export default Provider;
}
