// The sign-in step of oidc-provider's interaction flow: show the form, check the password, hand the
// account back to the provider. Consent never reaches here (grants are implicit, see provider-config.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { renderErrorPage, renderLoginPage } from './login-page.ts';
import { verifyPassword } from './password-hash.ts';
import type { Realm } from './realm.ts';
import type { UserStore } from './user-store.ts';

const MAX_FORM_BYTES = 16 * 1024;
// Keycloak's wording: it never says which of the two was wrong.
const INVALID_CREDENTIALS = 'Invalid username or password.';

export interface InteractionDeps {
  provider: Provider;
  realm: Realm;
  users: UserStore;
  mountPath: string;
  /** Demo usernames to show on the form (local runs with the default users), or none. */
  demoUsernames?: readonly string[];
  log: (entry: Record<string, unknown>) => void;
}

export function createInteractionHandler(deps: InteractionDeps) {
  const { provider, realm, users, mountPath } = deps;

  return async function handleInteraction(req: IncomingMessage, res: ServerResponse, uid: string, action: string): Promise<void> {
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendHtml(res, 400, renderErrorPage('Sign-in expired', 'This sign-in attempt has expired. Go back to the application and start again.'));
    }
    if (details.uid !== uid) {
      return sendHtml(res, 400, renderErrorPage('Sign-in expired', 'This sign-in attempt is no longer current. Go back to the application and start again.'));
    }
    const clientId = String(details.params.client_id ?? '');
    const client = realm.clients.find((c) => c.clientId === clientId);
    const formOptions = {
      action: `${mountPath}/interaction/${encodeURIComponent(uid)}/login`,
      realmDisplayName: realm.name,
      clientName: client?.name ?? clientId,
      demoUsernames: deps.demoUsernames,
    };

    if (details.prompt.name !== 'login') {
      // Any other prompt (consent) is granted implicitly for realm clients.
      return provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
    }
    if (req.method === 'GET' && action === '') {
      return sendHtml(res, 200, renderLoginPage(formOptions));
    }
    if (req.method !== 'POST' || action !== 'login') {
      return sendHtml(res, 405, renderErrorPage('Not allowed', 'This address only accepts the sign-in form.'));
    }

    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await readBody(req));
    } catch {
      return sendHtml(res, 413, renderErrorPage('Request too large', 'The sign-in form was too large.'));
    }
    const login = (form.get('username') ?? '').trim();
    const user = login ? users.findByLogin(login) : undefined;
    // A user without a password (provisioned, link not used yet) fails like a wrong password, after the
    // same scrypt work: the page must not tell a stranger which emails have accounts.
    const matches = await verifyPassword(form.get('password') ?? '', user?.passwordHash ?? null);
    if (!user || !user.enabled || !matches) {
      deps.log({ level: 'info', msg: 'idp sign-in refused', username: login.slice(0, 64) });
      return sendHtml(res, 200, renderLoginPage({ ...formOptions, username: login, error: INVALID_CREDENTIALS, setPasswordHint: true }));
    }
    deps.log({ level: 'info', msg: 'idp sign-in', username: user.username, clientId });
    return provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error('form too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Headers of every IdP page. */
export const HTML_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // No script and no external asset. No form-action: browsers apply it to the redirect chain back to the client.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
};

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, HTML_HEADERS);
  res.end(html);
}
