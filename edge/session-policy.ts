// Session timing, pure. The cookie is trusted alone for at most FRESH_WINDOW_SECONDS, which bounds how
// long a revoked session (logout elsewhere, refresh refused) can still be used with a copied cookie.

/** Longest time a session cookie is believed without asking the session's Durable Object. */
export const FRESH_WINDOW_SECONDS = 60;
/** Refresh the access token when it has less than this left. */
export const REFRESH_MARGIN_SECONDS = 30;
/** Session length when the IdP does not say how long its refresh token lives (Keycloak's idle timeout is 8 h). */
export const DEFAULT_SESSION_SECONDS = 8 * 3600;
/** Hard cap whatever the IdP says. */
export const MAX_SESSION_SECONDS = 24 * 3600;

export function freshUntil(nowSeconds: number, accessExp: number): number {
  return Math.min(nowSeconds + FRESH_WINDOW_SECONDS, accessExp - REFRESH_MARGIN_SECONDS);
}

export function needsRefresh(nowSeconds: number, accessExp: number): boolean {
  return accessExp - nowSeconds <= REFRESH_MARGIN_SECONDS;
}

/** End of the session from the token response: the refresh token's life, capped. */
export function sessionEnd(nowSeconds: number, refreshExpiresIn: number | undefined, hasRefreshToken: boolean, accessExp: number): number {
  if (!hasRefreshToken) return accessExp;
  const life = refreshExpiresIn && refreshExpiresIn > 0 ? refreshExpiresIn : DEFAULT_SESSION_SECONDS;
  return nowSeconds + Math.min(life, MAX_SESSION_SECONDS);
}
