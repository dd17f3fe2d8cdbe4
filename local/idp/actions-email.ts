// The execute-actions email, worded like Keycloak's default theme: what to do, the link, when it expires.
// Pure, so its escaping and wording are tested without a server.
import { escapeHtml } from '#shared/escape-html';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Hands a message to the mail service (local: a Mailgun stand-in; tests: a capture). Rejects when it cannot. */
export type DeliverEmail = (message: EmailMessage) => Promise<void>;

/** The required actions the local IdP can carry out from an emailed link, with Keycloak's display names. */
export const EMAIL_ACTION_NAMES: Readonly<Record<string, string>> = { UPDATE_PASSWORD: 'Update Password', VERIFY_EMAIL: 'Verify Email' };

export interface ActionsEmailInput {
  to: string;
  realmDisplayName: string;
  link: string;
  actions: readonly string[];
  lifespanSeconds: number;
}

export function renderActionsEmail(input: ActionsEmailInput): EmailMessage {
  const actions = input.actions.map((action) => EMAIL_ACTION_NAMES[action] ?? action).join(', ');
  const expiry = formatLifespan(input.lifespanSeconds);
  const request = `Your administrator has just requested that you update your ${input.realmDisplayName} account by performing the following action(s): ${actions}.`;
  const ignore = 'If you are unaware that your administrator has requested this, just ignore this message and nothing will be changed.';
  return {
    to: input.to,
    subject: 'Update Your Account',
    text: `${request} Click on the link below to start this process.\n\n${input.link}\n\nThis link will expire within ${expiry}.\n\n${ignore}\n`,
    html: `<p>${escapeHtml(request)} Click on the link below to start this process.</p>
<p><a href="${escapeHtml(input.link)}">Link to account update</a></p>
<p>This link will expire within ${escapeHtml(expiry)}.</p>
<p>${escapeHtml(ignore)}</p>`,
  };
}

/** "12 hours", "1 day", "5 minutes": the largest whole unit, as Keycloak's linkExpirationFormatter. */
export function formatLifespan(seconds: number): string {
  const units: [number, string][] = [[86_400, 'day'], [3_600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return plural(seconds / size, name);
  }
  return seconds < 60 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
