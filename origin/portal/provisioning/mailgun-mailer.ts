// The Mailer port on Mailgun's Messages API (POST /v3/<domain>/messages). No Mailgun SDK: sending is one
// form POST with basic auth, and plain fetch keeps the dependency list and the error paths ours.
import { z } from 'zod';
import { describeMailgunFailure, mailgunFailureCode, type MailgunFailure } from './mailgun-failure.ts';
import type { Mailer, WelcomeEmail } from './ports.ts';
import { ProvisioningError } from './provisioning-error.ts';
import { renderWelcomeEmail } from './welcome-email.ts';

export interface MailgunMailerOptions {
  /** The Mailgun API key (MAILGUN_API_KEY). Sent only in the Authorization header, never in a message. */
  apiKey: string;
  /** The sending domain (MAILGUN_DOMAIN), e.g. mg.example.com. */
  domain: string;
  /** https://api.mailgun.net (US), https://api.eu.mailgun.net (EU), or the local stand-in. A trailing /v3 is ignored. */
  baseUrl: string;
  /** The From header of every message unless one says otherwise, e.g. `wikiplatform <welcome@mg.example.com>`. */
  from: string;
  fetch?: typeof fetch;
  /** How long to wait for Mailgun's answer (default 10 s). */
  timeoutMs?: number;
}

export interface OutgoingMessage {
  /** Default: the mailer's `from`. */
  from?: string;
  /** One recipient, or several (each sent as its own `to` field). */
  to: string | readonly string[];
  subject: string;
  text?: string;
  html?: string;
  /** `o:tag` values, for Mailgun's per-tag statistics. */
  tags?: readonly string[];
  /** Extra MIME headers, sent as `h:<name>`, e.g. { 'X-Request-Id': '…' }. */
  headers?: Readonly<Record<string, string>>;
  /** Custom variables, sent as `v:<name>`; Mailgun returns them in events and webhooks. */
  variables?: Readonly<Record<string, string>>;
}

export interface SentMessage {
  /** Mailgun's id, `<…@domain>`. */
  messageId: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const WELCOME_TAG = 'welcome';

const OptionsSchema = z.object({
  // Printable ASCII: it goes into a header through btoa.
  apiKey: z.string().regex(/^[\x21-\x7e]+$/, 'must be a non-empty key without spaces'),
  domain: z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/, 'must be a domain name such as mg.example.com'),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.mailgun.net' }),
  from: z.string().trim().min(3, 'must be a sender address such as "wikiplatform <welcome@mg.example.com>"'),
  timeoutMs: z.number().int().positive().optional(),
});

const SentSchema = z.object({ id: z.string().min(1), message: z.string().optional() });

// A single plain address: a welcome email goes to exactly the customer, never to a list hidden in the field.
const PLAIN_ADDRESS = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export class MailgunMailer implements Mailer {
  readonly #authorization: string;
  readonly #endpoint: string;
  readonly #context: { baseUrl: string; domain: string };
  readonly #from: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: MailgunMailerOptions) {
    const parsed = OptionsSchema.safeParse(options);
    if (!parsed.success) {
      // Names the option, never its value: one of them is the key.
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
      throw new TypeError(`MailgunMailer options: ${issues.join('; ')}`);
    }
    const base = new URL(parsed.data.baseUrl);
    if (base.username || base.password) throw new TypeError('MailgunMailer options: baseUrl must not carry credentials (the key goes in apiKey)');
    const baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, '').replace(/\/v3$/, '')}`;
    this.#endpoint = `${baseUrl}/v3/${encodeURIComponent(parsed.data.domain)}/messages`;
    this.#context = { baseUrl, domain: parsed.data.domain };
    this.#authorization = `Basic ${btoa(`api:${parsed.data.apiKey}`)}`;
    this.#from = parsed.data.from;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = parsed.data.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async sendWelcome(email: WelcomeEmail): Promise<SentMessage> {
    if (!PLAIN_ADDRESS.test(email.to)) throw new ProvisioningError('mail_rejected', 'The welcome email needs one plain recipient address (name@domain)');
    const { subject, text, html } = renderWelcomeEmail(email);
    return this.send({ to: email.to, subject, text, html, tags: [WELCOME_TAG] });
  }

  /** Sends any message through the same account, e.g. the local identity provider's emails. */
  async send(message: OutgoingMessage): Promise<SentMessage> {
    const { status, body } = await this.#post(toForm(message, this.#from));
    if (status < 200 || status > 299) throw this.#failure({ kind: 'response', status, body });
    const sent = parseJson(body, SentSchema);
    if (!sent) throw new ProvisioningError('mail_domain_not_found', `Mailgun answered ${status} without a message id: check MAILGUN_BASE_URL points at Mailgun`, { status });
    return { messageId: sent.id };
  }

  /** The answer's status and whole body; the timeout covers both. */
  async #post(form: URLSearchParams): Promise<{ status: number; body: string }> {
    try {
      const response = await this.#fetch(this.#endpoint, {
        method: 'POST',
        headers: { authorization: this.#authorization, accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      return { status: response.status, body: await response.text() };
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw this.#failure(timedOut ? { kind: 'timeout', timeoutMs: this.#timeoutMs } : { kind: 'network', detail: networkDetail(err) }, err);
    }
  }

  #failure(failure: MailgunFailure, cause?: unknown): ProvisioningError {
    const status = failure.kind === 'response' ? failure.status : null;
    return new ProvisioningError(mailgunFailureCode(failure), describeMailgunFailure(failure, this.#context), { status, cause });
  }
}

function toForm(message: OutgoingMessage, defaultFrom: string): URLSearchParams {
  const form = new URLSearchParams();
  form.append('from', message.from ?? defaultFrom);
  for (const to of typeof message.to === 'string' ? [message.to] : message.to) form.append('to', to);
  form.append('subject', message.subject);
  if (message.text !== undefined) form.append('text', message.text);
  if (message.html !== undefined) form.append('html', message.html);
  for (const tag of message.tags ?? []) form.append('o:tag', tag);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new TypeError(`header name ${JSON.stringify(name)} is not a valid MIME header name`);
    form.append(`h:${name}`, value);
  }
  for (const [name, value] of Object.entries(message.variables ?? {})) form.append(`v:${name}`, value);
  return form;
}

/** fetch wraps the socket error ("fetch failed"); its cause says what happened (ECONNREFUSED, ENOTFOUND). */
function networkDetail(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function parseJson<T>(text: string, schema: z.ZodType<T>): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
