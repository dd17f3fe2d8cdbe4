// The developer's inbox: the list of accepted messages and one message's page. Pure string assembly,
// every stored value escaped; a message's HTML part is never inlined here but served on its own route
// (htmlPartDocument) into a sandboxed iframe, under a CSP without scripts.
import { escapeHtml } from '#shared/escape-html';
import { standInPage } from '../stand-in-page.ts';
import type { StoredMessage } from './message-store.ts';

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f1f4f8;color:#1f2937}
  main{max-width:1000px;margin:24px auto;padding:0 16px}
  h1{font-size:1.3rem;margin:0 0 4px}
  p.sub{margin:0 0 16px;color:#6b7280;font-size:.9rem}
  table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden}
  th,td{text-align:left;padding:8px 12px;border-bottom:1px solid #e5e7eb;vertical-align:top}
  th{background:#f9fafb;font-size:.85rem;color:#4b5563}
  td.when{white-space:nowrap;color:#6b7280}
  a{color:#2563eb}
  dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;padding:16px;border-radius:8px;margin:0 0 16px}
  dt{font-weight:600;color:#4b5563}
  dd{margin:0;word-break:break-word}
  h2{font-size:1rem;margin:20px 0 8px}
  pre{white-space:pre-wrap;word-break:break-word;background:#fff;padding:16px;border-radius:8px;margin:0}
  iframe{width:100%;height:640px;border:1px solid #e5e7eb;border-radius:8px;background:#fff}
  code{background:#e5e7eb;padding:1px 4px;border-radius:4px}`;

/** For the inbox pages: no script, no plugin, only our own frame (the HTML part) inside. */
export const INBOX_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * For a message's HTML part: no script at all, and the document sandboxed even when opened outside the
 * iframe. Images and styles may load, as in a mail client that shows remote content.
 */
export const HTML_PART_CSP =
  "default-src 'none'; img-src data: http: https:; style-src 'unsafe-inline' http: https:; font-src data: http: https:; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

export function renderInbox(messages: readonly StoredMessage[], domain: string, filter: string | null): string {
  const rows = messages.map(
    (m) => `<tr data-key="${escapeHtml(m.key)}">
<td class="when">${escapeHtml(formatTime(m.receivedAt))}</td>
<td>${escapeHtml(m.to.join(', '))}</td>
<td><a href="/messages/${encodeURIComponent(m.key)}">${escapeHtml(m.subject)}</a>${m.tags.length ? ` <small>${m.tags.map((t) => `<code>${escapeHtml(t)}</code>`).join(' ')}</small>` : ''}</td>
</tr>`,
  );
  const heading = filter ? `Mail to ${escapeHtml(filter)}` : 'Mail';
  const body = messages.length
    ? `<table><thead><tr><th>Received (UTC)</th><th>To</th><th>Subject</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
    : '<p>No mail yet.</p>';
  return page(
    'Local Mailgun inbox',
    `<h1>${heading}</h1>
<p class="sub">Everything sent through the local Mailgun stand-in for <code>${escapeHtml(domain)}</code>, newest first. Nothing leaves this machine. ${filter ? '<a href="/">Show all</a> · ' : ''}<a href="${filter ? `/?to=${encodeURIComponent(filter)}` : '/'}">Refresh</a></p>
${body}`,
  );
}

export function renderMessage(message: StoredMessage): string {
  const facts: [string, string][] = [
    ['From', escapeHtml(message.from)],
    ['To', escapeHtml(message.to.join(', '))],
    ...(message.cc.length ? ([['Cc', escapeHtml(message.cc.join(', '))]] as [string, string][]) : []),
    ...(message.bcc.length ? ([['Bcc', escapeHtml(message.bcc.join(', '))]] as [string, string][]) : []),
    ['Subject', escapeHtml(message.subject)],
    ['Received', `${escapeHtml(formatTime(message.receivedAt))} UTC`],
    ['Message id', `<code>${escapeHtml(message.id)}</code>`],
    ...(message.tags.length ? ([['Tags', message.tags.map((t) => `<code>${escapeHtml(t)}</code>`).join(' ')]] as [string, string][]) : []),
    ...pairs('Header', message.headers),
    ...pairs('Variable', message.variables),
    ...pairs('Option', message.options),
    ...(message.template ? ([['Template', `<code>${escapeHtml(message.template)}</code> (not rendered here)`]] as [string, string][]) : []),
    ...message.attachments.map(
      (a): [string, string] => [a.field === 'inline' ? 'Inline' : 'Attachment', `${escapeHtml(a.filename)} (${escapeHtml(a.contentType || 'unknown type')}, ${a.size} bytes; content not kept)`],
    ),
  ];
  const html = message.html
    ? `<h2>HTML part</h2>\n<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" src="/messages/${encodeURIComponent(message.key)}/html" title="HTML part"></iframe>`
    : '';
  const text = message.text !== null ? `<h2>Text part</h2>\n<pre>${linkify(message.text)}</pre>` : '';
  return page(
    message.subject,
    `<p class="sub"><a href="/">← Inbox</a></p>
<h1>${escapeHtml(message.subject)}</h1>
<dl>
${facts.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join('\n')}
</dl>
${html}
${text}`,
  );
}

/**
 * The HTML part as its own document. Links open in a new tab (the sandbox lets that tab escape it), as
 * a mail client would, instead of inside the frame.
 */
export function htmlPartDocument(message: StoredMessage): string {
  const html = message.html ?? '';
  const base = '<base target="_blank">';
  const head = /<head(?:\s[^>]*)?>/i.exec(html);
  return head ? `${html.slice(0, head.index + head[0].length)}${base}${html.slice(head.index + head[0].length)}` : `${base}${html}`;
}

export function renderNotFound(): string {
  return page('Not found', '<p class="sub"><a href="/">← Inbox</a></p>\n<h1>No such message</h1>');
}

function pairs(label: string, record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).map(([name, value]) => [`${label} <code>${escapeHtml(name)}</code>`, escapeHtml(value)]);
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+/g;

/** Escapes plain text and makes its http(s) URLs clickable (the set-password link, instance links). */
function linkify(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    // A sentence's closing punctuation is not part of the URL.
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    out += escapeHtml(text.slice(last, match.index)) + `<a href="${escapeHtml(url)}" target="_blank" rel="noreferrer noopener">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return out + escapeHtml(text.slice(last));
}

function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, '');
}

function page(title: string, body: string): string {
  return standInPage(`${title} · local Mailgun`, STYLE, body);
}
