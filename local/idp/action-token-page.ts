// The page behind an execute-actions email link (<issuer>/login-actions/action-token?key=…, Keycloak's
// path): GET shows the form without using the link up (mail scanners fetch links), POST sets the password,
// clears the actions the link carried, marks the email verified (the link proved the user reads it, as
// Keycloak does), burns the token and sends the user on to the redirect URI the admin gave.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ActionToken, ActionTokens } from './action-tokens.ts';
import type { IdpLogger } from './idp-server.ts';
import { HTML_HEADERS } from './interactions.ts';
import { renderErrorPage, renderInfoPage, renderSetPasswordPage } from './login-page.ts';
import { hashPassword } from './password-hash.ts';
import { readLimitedText } from './read-limited-body.ts';
import type { Realm } from './realm.ts';
import { matchesKeycloakRedirect } from './redirect-uri-match.ts';
import type { IdpUser, UserStore } from './user-store.ts';

export interface ActionTokenPageDeps {
  realm: Realm;
  users: UserStore;
  actionTokens: ActionTokens;
  /** /realms/<realm>, where the page lives below. */
  mountPath: string;
  issuer: string;
  log: IdpLogger;
}

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;
const MAX_FORM_BYTES = 16 * 1024;
const CSRF_COOKIE = 'wp_idp_action_csrf';
const LINK_GONE = 'This link was already used or has expired. If you still need to set your password, ask for a new email.';

export function createActionTokenPage(deps: ActionTokenPageDeps): Hono {
  const { realm, users, actionTokens } = deps;
  const path = `${deps.mountPath}/login-actions/action-token`;
  const issuerUrl = new URL(deps.issuer);
  // SameSite=Strict: a form posted from another site arrives without it, so the double-submit check fails.
  const cookieOptions = { path: `${deps.mountPath}/login-actions/`, httpOnly: true, sameSite: 'Strict', secure: issuerUrl.protocol === 'https:', maxAge: 30 * 60 } as const;
  const app = new Hono();
  // Hono's default prints the whole error to the console; keep to the IdP's log, message only.
  app.onError((error, c) => {
    deps.log({ level: 'error', msg: 'idp action-token page failed', error: error.message });
    return html(c, 500, renderErrorPage('Something went wrong', 'Please open the link in your email again.'));
  });

  /** The token and its user, if the link can still be used: unexpired, unused, same email, redirect still allowed. */
  function usable(key: string): { token: ActionToken; user: IdpUser } | null {
    const token = key ? actionTokens.peek(key) : undefined;
    const user = token ? users.get(token.userId) : undefined;
    if (!token || !user?.enabled || user.email !== token.email) return null;
    if (token.redirectUri !== null) {
      const client = realm.clients.find((c) => c.clientId === token.clientId);
      if (!client || !matchesKeycloakRedirect(token.redirectUri, client.redirectUris)) return null;
    }
    return { token, user };
  }

  const form = (c: Context, found: { token: ActionToken; user: IdpUser }, key: string, csrf: string, error?: string) =>
    html(c, 200, renderSetPasswordPage({ action: path, realmDisplayName: realm.displayName, key, csrf, email: found.user.email ?? found.user.username, askPassword: found.token.actions.includes('UPDATE_PASSWORD'), error }));

  app.get(path, (c) => {
    const key = c.req.query('key') ?? '';
    const found = usable(key);
    if (!found) return html(c, 400, renderErrorPage('Link no longer valid', LINK_GONE));
    const csrf = randomBytes(24).toString('base64url');
    setCookie(c, CSRF_COOKIE, csrf, cookieOptions);
    return form(c, found, key, csrf);
  });

  app.post(path, async (c) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== issuerUrl.origin) return html(c, 403, renderErrorPage('Not allowed', 'This form can only be sent from its own page.'));
    const text = await readLimitedText(c.req.raw, MAX_FORM_BYTES);
    if (text === null) return html(c, 413, renderErrorPage('Request too large', 'The form was too large.'));
    const body = new URLSearchParams(text);
    const field = (name: string) => body.get(name) ?? '';
    const key = field('key');
    const csrf = field('csrf');
    if (!sameSecret(getCookie(c, CSRF_COOKIE), csrf)) {
      return html(c, 400, renderErrorPage('Form expired', 'This form has expired. Open the link in your email again.'));
    }
    const found = usable(key);
    if (!found) return html(c, 400, renderErrorPage('Link no longer valid', LINK_GONE));

    const askPassword = found.token.actions.includes('UPDATE_PASSWORD');
    const password = field('password-new');
    if (askPassword) {
      const length = [...password].length;
      if (length < MIN_PASSWORD_LENGTH) return form(c, found, key, csrf, `Invalid password: minimum length ${MIN_PASSWORD_LENGTH}.`);
      if (length > MAX_PASSWORD_LENGTH) return form(c, found, key, csrf, `Invalid password: maximum length ${MAX_PASSWORD_LENGTH}.`);
      if (password !== field('password-confirm')) return form(c, found, key, csrf, "Passwords don't match.");
    }
    // Hashed first: the slow step must not sit between using the link up and storing what it was for.
    const passwordHash = askPassword ? await hashPassword(password) : undefined;
    // Used up with no await before the update, so a second submission (or a race) finds it gone and
    // the user is changed in the same turn (the store applies a change in memory before persisting it).
    const token = actionTokens.consume(key);
    if (!token) return html(c, 400, renderErrorPage('Link no longer valid', LINK_GONE));
    await users.update(token.userId, (user) => ({
      ...(passwordHash ? { passwordHash } : {}),
      requiredActions: user.requiredActions.filter((action) => !token.actions.includes(action)),
      emailVerified: true,
    }));
    deleteCookie(c, CSRF_COOKIE, cookieOptions);
    deps.log({ level: 'info', msg: 'idp account actions completed', userId: token.userId, actions: token.actions });
    if (token.redirectUri) {
      c.header('referrer-policy', 'no-referrer');
      return c.redirect(token.redirectUri, 303);
    }
    return html(c, 200, renderInfoPage('Account updated', 'Your account has been updated. You can close this page and sign in.'));
  });

  return app;
}

// same-origin: the GET URL carries the token, and nothing on the page may send it to another origin.
// Not no-referrer: under it Chromium sends `Origin: null` with the form's POST, which the check above refuses.
function html(c: Context, status: 200 | 400 | 403 | 413 | 500, body: string): Response {
  return c.body(body, status, { ...HTML_HEADERS, 'referrer-policy': 'same-origin' });
}

function sameSecret(cookie: string | undefined, submitted: string): boolean {
  if (!cookie || !submitted) return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
