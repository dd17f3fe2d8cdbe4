// The welcome email's words, as a subject, a plain-text part and an HTML part. Pure: no I/O, so the
// wording is tested without a mail service. It never carries a password or a sign-in token: a new
// account's password is set through the identity provider's own single-use link, sent separately.
import { escapeHtml } from '#shared/escape-html';
import type { WelcomeEmail } from './ports.ts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const PRODUCT = 'wikiplatform';

export function renderWelcomeEmail(email: WelcomeEmail): RenderedEmail {
  const name = displayName(email.name);
  const instances = email.instances.map((i) => ({ title: oneLine(i.title) || i.id, url: i.url }));
  return {
    subject: `Welcome to ${PRODUCT}: your ${email.plan} plan is ready`,
    text: renderText(email, name, instances),
    html: renderHtml(email, name, instances),
  };
}

type Instance = { title: string; url: string };

function renderText(email: WelcomeEmail, name: string | null, instances: Instance[]): string {
  const lines = [name ? `Hello ${name},` : 'Hello,', '', `Thank you for subscribing. Your ${email.plan} plan is active.`, ''];
  if (instances.length) {
    lines.push('It opens these wikis:', ...instances.map((i) => `- ${i.title}: ${i.url}`), '');
  } else {
    lines.push('It does not open any wiki yet.', '');
  }
  lines.push(`Sign in to the portal to see them: ${email.portalUrl}`, '');
  if (email.newAccount) {
    lines.push(
      `We created an account for ${email.to}. A separate email from our sign-in service has a link to set`,
      'your password. Look for it (in your spam folder too) if it has not arrived; the link works once.',
      '',
    );
  } else {
    lines.push(`Sign in with your existing account (${email.to}).`, '');
  }
  lines.push(`— ${PRODUCT}`, '');
  return lines.join('\n');
}

// Inline styles and a single table: what mail clients render alike.
const S = {
  body: 'margin:0;padding:0;background:#f1f4f8;',
  card: 'width:100%;max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2937;',
  cell: 'padding:32px;',
  h1: 'margin:0 0 16px;font-size:22px;',
  p: 'margin:0 0 16px;',
  list: 'margin:0 0 16px;padding-left:20px;',
  link: 'color:#2563eb;',
  button: 'display:inline-block;padding:10px 18px;border-radius:6px;background:#2563eb;color:#ffffff;text-decoration:none;font-weight:600;',
  note: 'margin:0 0 16px;padding:12px 14px;border-radius:6px;background:#eff6ff;border:1px solid #bfdbfe;',
  footer: 'margin:0;color:#6b7280;font-size:13px;',
};

function renderHtml(email: WelcomeEmail, name: string | null, instances: Instance[]): string {
  const greeting = name ? `Hello ${escapeHtml(name)},` : 'Hello,';
  const list = instances.length
    ? `<p style="${S.p}">It opens these wikis:</p>\n<ul style="${S.list}">\n${instances.map((i) => `<li>${link(i.url, i.title)}</li>`).join('\n')}\n</ul>`
    : `<p style="${S.p}">It does not open any wiki yet.</p>`;
  const account = email.newAccount
    ? `<p style="${S.note}" data-part="set-password">We created an account for <strong>${escapeHtml(email.to)}</strong>. A separate email from our sign-in service has a link to set your password. Look for it (in your spam folder too) if it has not arrived; the link works once.</p>`
    : `<p style="${S.p}">Sign in with your existing account (<strong>${escapeHtml(email.to)}</strong>).</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(`Welcome to ${PRODUCT}`)}</title></head>
<body style="${S.body}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="padding:24px 12px;"><tr><td>
<table role="presentation" cellpadding="0" cellspacing="0" style="${S.card}"><tr><td style="${S.cell}">
<h1 style="${S.h1}">Welcome to ${PRODUCT}</h1>
<p style="${S.p}">${greeting}</p>
<p style="${S.p}">Thank you for subscribing. Your <strong>${escapeHtml(email.plan)}</strong> plan is active.</p>
${list}
<p style="${S.p}">${isWebUrl(email.portalUrl) ? `<a href="${escapeHtml(email.portalUrl)}" style="${S.button}">Open the portal</a>` : escapeHtml(email.portalUrl)}</p>
<p style="${S.p}">Sign in to the portal to see your wikis: ${link(email.portalUrl, email.portalUrl)}</p>
${account}
<p style="${S.footer}">— ${PRODUCT}</p>
</td></tr></table>
</td></tr></table>
</body>
</html>
`;
}

/** An anchor for http(s) URLs only; anything else (javascript:, data:) stays inert text. */
function link(url: string, label: string): string {
  if (!isWebUrl(url)) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}" style="${S.link}">${escapeHtml(label)}</a>`;
}

function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** A name from billing is free text: one line, so it cannot shape the text part. */
function displayName(name: string | null): string | null {
  const line = name === null ? '' : oneLine(name);
  return line || null;
}

function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}
