// Pure policy: what a failed Mailgun send means and what to fix, as one sentence for the outbox's
// recorded error. Never given the API key or a request header, so no message can carry them.
import type { ProvisioningErrorCode } from './provisioning-error.ts';

export type MailgunFailure =
  | { kind: 'response'; status: number; body: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'network'; detail: string };

export interface FailureContext {
  /** The configured base URL (no credentials: the mailer refuses a URL with any). */
  baseUrl: string;
  domain: string;
}

const MAX_QUOTED_CHARS = 300;

/** The ProvisioningError code a failure maps to: whether retrying can help, and what kind of fix it needs. */
export function mailgunFailureCode(failure: MailgunFailure): ProvisioningErrorCode {
  if (failure.kind !== 'response') return 'mail_unavailable';
  const { status } = failure;
  if (status === 401 || status === 403) return 'mail_credentials_rejected';
  if (status === 404) return 'mail_domain_not_found';
  if (status === 429 || status === 420 || status >= 500) return 'mail_unavailable';
  return 'mail_rejected';
}

export function describeMailgunFailure(failure: MailgunFailure, context: FailureContext): string {
  switch (failure.kind) {
    case 'timeout':
      // Mailgun may still have queued it: a retry can then send the email twice, which beats never.
      return `Mailgun did not answer within ${failure.timeoutMs / 1000} s at ${context.baseUrl} (transient: retried later)`;
    case 'network':
      return `Could not reach Mailgun at ${context.baseUrl}: ${quote(failure.detail)} (transient: retried later; check MAILGUN_BASE_URL if it persists)`;
    case 'response':
      return describeResponse(failure.status, failure.body, context);
  }
}

function describeResponse(status: number, body: string, { baseUrl, domain }: FailureContext): string {
  const message = mailgunMessage(body);
  if (status === 401) {
    // Mailgun knows a key only in its own region: an EU domain's key is refused at the US endpoint too.
    return `Mailgun refused the API key (401): check MAILGUN_API_KEY, and MAILGUN_BASE_URL (an EU domain's key is refused at https://api.mailgun.net; use https://api.eu.mailgun.net)`;
  }
  if (status === 403) {
    return `Mailgun denied access (403${message ? `: ${quote(message)}` : ''}): check that MAILGUN_API_KEY may send for MAILGUN_DOMAIN ${domain}`;
  }
  if (status === 404) {
    // A JSON 404 is Mailgun's "Domain not found"; without JSON the URL matched no endpoint at all.
    return message
      ? `Mailgun does not know the domain ${domain} at ${baseUrl} (404: ${quote(message)}): check MAILGUN_DOMAIN, and MAILGUN_BASE_URL (EU domains live at https://api.eu.mailgun.net, US ones at https://api.mailgun.net)`
      : `Mailgun has no such endpoint at ${baseUrl} (404): check MAILGUN_BASE_URL (https://api.mailgun.net or https://api.eu.mailgun.net, without /v3)`;
  }
  if (status === 400) return `Mailgun rejected the message (400): ${quote(message || body || 'no reason given')}`;
  if (status === 413) return `Mailgun rejected the message as too large (413)`;
  // 420 is how Mailgun answers a domain over its sending limit ("try again after …").
  if (status === 429 || status === 420) return `Mailgun is rate limiting this account (${status}${message ? `: ${quote(message)}` : ''}) (transient: retried later)`;
  if (status >= 500) return `Mailgun failed on its side (${status}) (transient: retried later)`;
  return `Mailgun answered ${status}${message ? `: ${quote(message)}` : ''}`;
}

/** Mailgun's errors are JSON `{ "message": "…" }`; anything else has no message. */
function mailgunMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
      return (parsed as { message: string }).message;
    }
  } catch {
    // Not JSON: a plain-text or HTML error page.
  }
  return '';
}

function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_QUOTED_CHARS ? `${line.slice(0, MAX_QUOTED_CHARS)}…` : line;
}
