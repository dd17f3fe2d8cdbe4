// The IdP's HTML: a sign-in form, the set-password form of an emailed link, and message pages. Self-contained (no external assets), every dynamic
// value escaped. Field names are stable because scripts (login-client.ts) submit the form.
import { escapeHtml } from '#shared/escape-html';
import { standInPage } from '../stand-in-page.ts';

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
       font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f1f4f8;color:#1f2937}
  main{width:100%;max-width:380px;margin:24px;padding:32px;background:#fff;border-radius:12px;
       box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06)}
  h1{margin:0 0 4px;font-size:1.35rem}
  p.sub{margin:0 0 24px;color:#6b7280;font-size:.9rem}
  label{display:block;margin:0 0 4px;font-weight:600;font-size:.9rem}
  input{width:100%;padding:10px 12px;margin:0 0 16px;border:1px solid #d1d5db;border-radius:8px;font:inherit}
  input:focus{outline:2px solid #2563eb;outline-offset:1px;border-color:#2563eb}
  button{width:100%;padding:11px;border:0;border-radius:8px;background:#2563eb;color:#fff;font:inherit;font-weight:600;cursor:pointer}
  button:hover{background:#1d4ed8}
  .error{margin:0 0 16px;padding:10px 12px;border-radius:8px;background:#fef2f2;color:#991b1b;border:1px solid #fecaca}
  .hint{margin:20px 0 0;color:#6b7280;font-size:.8rem}
  code{background:#f3f4f6;padding:1px 4px;border-radius:4px}`;

function page(title: string, body: string): string {
  return standInPage(title, STYLE, body);
}

export interface LoginPageOptions {
  /** Where the form posts (the interaction's login path). */
  action: string;
  realmDisplayName: string;
  clientName: string;
  username?: string;
  error?: string;
  /** Demo usernames, shown as a hint on the local IdP only. */
  demoUsernames?: readonly string[];
  /** After a refused sign-in: new accounts have no password until they use the emailed link. */
  setPasswordHint?: boolean;
}

export function renderLoginPage(options: LoginPageOptions): string {
  const error = options.error ? `<p class="error" role="alert" id="login-error">${escapeHtml(options.error)}</p>` : '';
  const demoHint = options.demoUsernames?.length
    ? `<p class="hint">Local demo accounts: ${options.demoUsernames.map((u) => `<code>${escapeHtml(u)}</code>`).join(', ')} (password = username).</p>`
    : '';
  const setPasswordHint = options.setPasswordHint
    ? '<p class="hint" id="login-set-password-hint">New account? Set your password first with the link in the email we sent you, then sign in here.</p>'
    : '';
  const hint = setPasswordHint + demoHint;
  return page(
    `Sign in to ${options.realmDisplayName}`,
    `<h1>Sign in to ${escapeHtml(options.realmDisplayName)}</h1>
<p class="sub">to continue to ${escapeHtml(options.clientName)}</p>
${error}
<form id="kc-form-login" method="post" action="${escapeHtml(options.action)}" autocomplete="on">
<label for="username">Username or email</label>
<input id="username" name="username" type="text" value="${escapeHtml(options.username ?? '')}" autocomplete="username" autofocus required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="kc-login">Sign in</button>
</form>
${hint}`,
  );
}

export function renderErrorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p class="sub">${escapeHtml(message)}</p>`);
}

/** A page that only tells the user something (e.g. "Your account has been updated"). */
export const renderInfoPage = renderErrorPage;

export interface SetPasswordPageOptions {
  /** Where the form posts (the action-token path). */
  action: string;
  realmDisplayName: string;
  /** The action token from the link, posted back with the form. */
  key: string;
  /** The double-submit value matching the form's cookie (see action-token-page.ts). */
  csrf: string;
  email: string;
  /** False when the link only confirms the email address (VERIFY_EMAIL without UPDATE_PASSWORD). */
  askPassword: boolean;
  error?: string;
}

/** Keycloak's "Update password" required-action form, field names included (password-new, password-confirm). */
export function renderSetPasswordPage(options: SetPasswordPageOptions): string {
  const error = options.error ? `<p class="error" role="alert" id="password-error">${escapeHtml(options.error)}</p>` : '';
  const fields = options.askPassword
    ? `<label for="password-new">New password</label>
<input id="password-new" name="password-new" type="password" autocomplete="new-password" minlength="8" autofocus required>
<label for="password-confirm">Confirm password</label>
<input id="password-confirm" name="password-confirm" type="password" autocomplete="new-password" minlength="8" required>`
    : '';
  const title = options.askPassword ? 'Set your password' : 'Confirm your email address';
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="sub">for ${escapeHtml(options.email)} on ${escapeHtml(options.realmDisplayName)}</p>
${error}
<form id="kc-passwd-update-form" method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="key" value="${escapeHtml(options.key)}">
<input type="hidden" name="csrf" value="${escapeHtml(options.csrf)}">
${fields}
<button type="submit" id="kc-submit">${options.askPassword ? 'Set password' : 'Confirm'}</button>
</form>`,
  );
}

/**
 * Shown only for a logout request without id_token_hint (Keycloak asks too). `form` is oidc-provider's own
 * hidden form (its action and xsrf value), so it is inserted as is.
 */
export function renderLogoutConfirmPage(form: string, realmDisplayName: string): string {
  return page(
    'Sign out',
    `<h1>Sign out of ${escapeHtml(realmDisplayName)}?</h1>
<p class="sub">You will be signed out of every wikiplatform instance.</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" id="kc-logout">Sign out</button>`,
  );
}
