// The sign-in state between /_auth/login and /_auth/callback: state, nonce, PKCE verifier, returnTo.
// Encrypted (AES-GCM: secret and tamper-proof) in a host-only cookie on app.DOMAIN named after the
// state, so sign-ins started in two tabs do not overwrite each other. At most MAX_PENDING_SIGN_INS are
// kept: /_auth/login sees the pending ones (the cookies' path is /_auth/) and clears the oldest, so a page
// that keeps starting sign-ins cannot grow the browser's Cookie header until requests are refused.
import { z } from 'zod';
import { decodeBase64Url, encodeBase64Url } from './base64url.ts';
import { MAX_RETURN_TO } from './return-to.ts';

export const LOGIN_STATE_TTL_SECONDS = 600;
export const LOGIN_COOKIE_PREFIX = 'wp_login_';
/** Sent to /_auth/login (which prunes) and /_auth/callback (which opens), on app.DOMAIN only. */
export const LOGIN_COOKIE_PATH = '/_auth/';
/** Sign-ins one browser may have under way at once (tabs, retries); the oldest leaves first. */
export const MAX_PENDING_SIGN_INS = 3;

/**
 * Names of the pending sign-in cookies to clear before one more is set, from the Cookie header that
 * /_auth/login received. Browsers list cookies of one path oldest first (RFC 6265 §5.4), so the first
 * names are the oldest. Pure.
 */
export function loginCookiesToClear(cookieNames: readonly string[]): string[] {
  const pending = [...new Set(cookieNames.filter((name) => name.startsWith(LOGIN_COOKIE_PREFIX)))];
  return pending.slice(0, Math.max(0, pending.length - (MAX_PENDING_SIGN_INS - 1)));
}

export interface LoginState {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  /** Unix seconds after which the callback refuses it. */
  exp: number;
}

const LoginStateSchema = z.object({
  state: z.string().min(16).max(128),
  nonce: z.string().min(16).max(128),
  verifier: z.string().min(43).max(128),
  returnTo: z.string().max(MAX_RETURN_TO),
  exp: z.number().int(),
});

/** Cookie name for a state value: a prefix of it, enough to tell concurrent sign-ins apart. */
export function loginCookieName(state: string): string {
  return `${LOGIN_COOKIE_PREFIX}${state.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 16)}`;
}

const encoder = new TextEncoder();

export async function sealLoginState(key: CryptoKey, value: LoginState): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  // The state is bound as additional data: a cookie cannot be replayed under another state's name.
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(value.state) },
    key,
    encoder.encode(JSON.stringify(value)),
  );
  return `${encodeBase64Url(iv)}.${encodeBase64Url(new Uint8Array(sealed))}`;
}

export type LoginStateFailure = 'missing' | 'malformed' | 'expired' | 'state_mismatch';

export async function openLoginState(
  key: CryptoKey,
  cookie: string | undefined,
  state: string,
  nowSeconds: number,
): Promise<{ ok: true; value: LoginState } | { ok: false; reason: LoginStateFailure }> {
  if (!cookie) return { ok: false, reason: 'missing' };
  const [ivText, dataText] = cookie.split('.');
  const iv = ivText ? decodeBase64Url(ivText) : null;
  const data = dataText ? decodeBase64Url(dataText) : null;
  if (!iv || iv.length !== 12 || !data) return { ok: false, reason: 'malformed' };
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(state) }, key, data);
  } catch {
    // Wrong key, tampered bytes, or a cookie sealed for another state.
    return { ok: false, reason: 'state_mismatch' };
  }
  let parsed;
  try {
    parsed = LoginStateSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (parsed.data.state !== state) return { ok: false, reason: 'state_mismatch' };
  if (parsed.data.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, value: parsed.data };
}
