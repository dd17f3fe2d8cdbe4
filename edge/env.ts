// The Worker's environment as wrangler.toml declares it. Every value is re-validated by config.ts.
import type { SessionStore } from './session-store.ts';

export interface Env {
  // ── Bindings ──
  /** One Durable Object per browser session: tokens, serialised refresh, revocation. */
  SESSIONS: DurableObjectNamespace<SessionStore>;
  /** Workers rate limiting binding guarding /_auth/* per client IP (absent → per-isolate fallback). */
  AUTH_LIMITER?: RateLimit;
  /** Anonymous form posts on public portal pages (sign-up) per client IP (absent → per-isolate fallback). */
  PUBLIC_POST_LIMITER?: RateLimit;
  /** Upload signatures per user and instance (absent → per-isolate fallback). */
  UPLOAD_SIGN_LIMITER?: RateLimit;

  // ── Secrets ──
  /** Client secret of OIDC_CLIENT_ID at the IdP. */
  OIDC_CLIENT_SECRET?: string;
  /** ES256 private JWK (JSON, with kid) signing the assertion to origins. */
  EDGE_ASSERTION_PRIVATE_JWK?: string;
  /** ≥32 random characters keying the session cookie MAC and the sign-in state encryption. */
  SESSION_SECRET?: string;
  /** R2 S3-API access key id and secret the edge presigns uploads and reads downloads with. */
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  /** Client Secret of the Cloudflare Access service token (with ORIGIN_ACCESS_CLIENT_ID; both or neither). */
  ORIGIN_ACCESS_CLIENT_SECRET?: string;

  // ── Variables ──
  /** Parent domain: app.DOMAIN, sso.DOMAIN, <instance>.DOMAIN; the session cookie's Domain. */
  DOMAIN?: string;
  /** JSON instance registry (shared/instance-registry.ts). */
  INSTANCES?: string;
  /** Base URL of the portal origin behind app.DOMAIN. */
  PORTAL_ORIGIN?: string;
  /** Base URL the sso.DOMAIN host is passed through to, untouched. */
  IDP_ORIGIN?: string;
  /** Public issuer, as the tokens carry it. */
  OIDC_ISSUER?: string;
  /** Realm base URL through which the Worker itself reaches the IdP (token, certs). */
  OIDC_INTERNAL_URL?: string;
  /** Our confidential client id (wikiplatform-edge). */
  OIDC_CLIENT_ID?: string;
  /** Optional JSON plan → instances matrix; default from shared/plan-matrix.ts. */
  PLAN_MATRIX?: string;
  /** "auto" (Secure unless *.localhost), "true" or "false". */
  SECURE_COOKIES?: string;
  /** R2's S3 endpoint (https://<account>.r2.cloudflarestorage.com), the media bucket and region ("auto"). */
  S3_ENDPOINT?: string;
  S3_BUCKET?: string;
  S3_REGION?: string;
  /** debug | info | warn | error. */
  LOG_LEVEL?: string;
  /** Milliseconds to wait for origin response headers before a 504. */
  ORIGIN_TIMEOUT_MS?: string;
  /** Optional JSON array of portal path prefixes that need no sign-in. */
  PORTAL_PUBLIC_PATHS?: string;
  /** Client ID of the Cloudflare Access service token sent to the origins and the IdP (empty = none). */
  ORIGIN_ACCESS_CLIENT_ID?: string;
}
