// The edge as an OIDC confidential client of the realm: authorize URL (code + PKCE S256), code
// exchange and refresh at the token endpoint, end-session URL. Thin I/O; validation is token-verifier.ts.
import { z } from 'zod';
import { encodeBase64Url, randomToken } from './base64url.ts';
import type { OidcSettings } from './config.ts';
import { accessHeaders } from './origin-access.ts';

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().optional(),
  refresh_token: z.string().optional(),
  refresh_expires_in: z.coerce.number().optional(),
  id_token: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** Why the token endpoint gave nothing usable: `rejected` is final (bad code, revoked refresh token). */
export type TokenEndpointFailure = 'rejected' | 'unreachable' | 'bad_response';
export type TokenEndpointResult = { ok: true; tokens: TokenResponse } | { ok: false; reason: TokenEndpointFailure; detail: string };

const TOKEN_TIMEOUT_MS = 10_000;

export async function createPkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = randomToken(32);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: encodeBase64Url(new Uint8Array(digest)) };
}

export function authorizeUrl(
  oidc: OidcSettings,
  p: { redirectUri: string; state: string; nonce: string; challenge: string },
): string {
  const url = new URL(oidc.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: p.redirectUri,
    scope: 'openid profile email',
    state: p.state,
    nonce: p.nonce,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export function endSessionUrl(oidc: OidcSettings, p: { idTokenHint?: string; postLogoutRedirectUri: string }): string {
  const url = new URL(oidc.endSessionUrl);
  const params = new URLSearchParams({ client_id: oidc.clientId, post_logout_redirect_uri: p.postLogoutRedirectUri });
  if (p.idTokenHint) params.set('id_token_hint', p.idTokenHint);
  url.search = params.toString();
  return url.toString();
}

async function callTokenEndpoint(oidc: OidcSettings, form: Record<string, string>): Promise<TokenEndpointResult> {
  // client_secret_basic: both values form-urlencoded first (RFC 6749 §2.3.1).
  const basic = btoa(`${encodeURIComponent(oidc.clientId)}:${encodeURIComponent(oidc.clientSecret)}`);
  let res: Response;
  try {
    res = await fetch(oidc.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${basic}`,
        // tokenUrl is on the IdP's internal hostname, behind Access in production.
        ...accessHeaders(oidc.originAccess),
      },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (err) {
    return { ok: false, reason: 'unreachable', detail: String(err) };
  }
  const text = await res.text();
  if (res.status >= 400 && res.status < 500) {
    // The body's error code (invalid_grant…) is safe to log; the body itself may echo tokens.
    let code = 'unknown';
    try {
      code = String((JSON.parse(text) as { error?: unknown }).error ?? 'unknown');
    } catch {}
    // Only invalid_grant means the grant itself is dead (refresh token revoked or expired): that ends
    // the session. Anything else (429, invalid_client during a secret rotation…) is the IdP's problem
    // and must not sign every user out.
    return { ok: false, reason: code === 'invalid_grant' ? 'rejected' : 'unreachable', detail: `status ${res.status} ${code}` };
  }
  if (!res.ok) return { ok: false, reason: 'unreachable', detail: `status ${res.status}` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'bad_response', detail: 'not JSON' };
  }
  const parsed = TokenResponseSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'bad_response', detail: 'unexpected token response shape' };
  return { ok: true, tokens: parsed.data };
}

export function exchangeCode(oidc: OidcSettings, p: { code: string; verifier: string; redirectUri: string }) {
  return callTokenEndpoint(oidc, {
    grant_type: 'authorization_code',
    code: p.code,
    code_verifier: p.verifier,
    redirect_uri: p.redirectUri,
  });
}

export function refreshTokens(oidc: OidcSettings, refreshToken: string) {
  return callTokenEndpoint(oidc, { grant_type: 'refresh_token', refresh_token: refreshToken });
}
