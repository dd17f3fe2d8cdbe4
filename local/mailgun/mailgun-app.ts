// The stand-in's routes: Mailgun's POST /v3/<domain>/messages, answering as Mailgun does (401 Forbidden,
// 404 Domain not found, 400 with Mailgun's sentence, 429 past a rate limit, 200 Queued), and the inbox a
// developer reads the mail in. Built from injected parts so tests and startMailgun build the same app.
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { bareAddress, sameAddress } from './addresses.ts';
import { htmlPartDocument, HTML_PART_CSP, INBOX_CSP, renderInbox, renderMessage, renderNotFound } from './inbox-pages.ts';
import { readMessageForm, type FieldValue } from './message-form.ts';
import type { MessageStore, StoredMessage } from './message-store.ts';

export type MailgunLogger = (entry: Record<string, unknown>) => void;

export interface MailgunAppDeps {
  apiKey: string;
  /** The one sending domain this account has; any other answers 404 Domain not found. */
  domain: string;
  store: MessageStore;
  maxBodyBytes: number;
  /** At most `limit` accepted sends per `windowMs`; beyond, 429. Off when absent. */
  rateLimit?: { limit: number; windowMs: number };
  /** Where the inbox is, for the log line that announces a message. */
  inboxUrl?: string;
  log: MailgunLogger;
  now?: () => Date;
}

export function createMailgunApp(deps: MailgunAppDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? (() => new Date());
  const expected = Buffer.from(`api:${deps.apiKey}`);
  let rateWindow = { start: 0, count: 0 };

  app.post(
    '/v3/:domain/messages',
    async function authenticate(c, next) {
      // Mailgun answers a wrong or missing key with 401 and a plain "Forbidden".
      if (!credentialsMatch(c.req.header('authorization'), expected)) return c.text('Forbidden', 401);
      await next();
    },
    async function knownDomain(c, next) {
      const domain = c.req.param('domain');
      if (domain.toLowerCase() !== deps.domain.toLowerCase()) return c.json({ message: `Domain not found: ${domain}` }, 404);
      await next();
    },
    async function rateLimited(c, next) {
      if (!deps.rateLimit) return next();
      const at = now().getTime();
      if (at - rateWindow.start >= deps.rateLimit.windowMs) rateWindow = { start: at, count: 0 };
      if (rateWindow.count >= deps.rateLimit.limit) {
        const retryAfter = Math.max(1, Math.ceil((rateWindow.start + deps.rateLimit.windowMs - at) / 1000));
        c.header('Retry-After', String(retryAfter));
        return c.json({ message: 'Too many requests' }, 429);
      }
      rateWindow.count++;
      await next();
    },
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: (c) => c.json({ message: `Message is too large: the limit is ${deps.maxBodyBytes} bytes` }, 413),
    }),
    async (c) => {
      const entries = await readForm(c.req.raw);
      if (!entries) return c.json({ message: 'Could not parse the form body' }, 400);
      const result = readMessageForm(entries);
      if (!result.ok) return c.json({ message: result.message }, 400);
      const stored = await deps.store.add(result.fields, deps.domain.toLowerCase(), now());
      deps.log({
        level: 'info',
        msg: 'local mailgun queued a message',
        id: stored.id,
        to: stored.to,
        subject: stored.subject,
        ...(deps.inboxUrl ? { inbox: new URL(`/messages/${stored.key}`, deps.inboxUrl).href } : {}),
      });
      return c.json({ id: stored.id, message: 'Queued. Thank you.' });
    },
  );

  // The inbox holds set-password links and is not protected by a key: a page on another site that rebinds
  // its own name to 127.0.0.1 could read it, so inbox reads answer only to a loopback Host.
  app.use('*', async function loopbackHostOnly(c, next) {
    if (c.req.method === 'GET' && !isLoopbackHost(c.req.header('host'))) return c.text('The local inbox answers only on 127.0.0.1 or localhost', 403);
    await next();
  });

  app.get('/', async (c) => {
    const filter = c.req.query('to')?.trim() || null;
    const messages = filterByRecipient(await deps.store.list(), filter);
    return html(c, renderInbox(messages, deps.domain, filter), INBOX_CSP);
  });

  app.get('/messages/:key', async (c) => {
    const message = await deps.store.get(c.req.param('key'));
    return message ? html(c, renderMessage(message), INBOX_CSP) : html(c, renderNotFound(), INBOX_CSP, 404);
  });

  app.get('/messages/:key/html', async (c) => {
    const message = await deps.store.get(c.req.param('key'));
    if (!message?.html) return html(c, renderNotFound(), INBOX_CSP, 404);
    c.header('X-Frame-Options', 'SAMEORIGIN');
    return html(c, htmlPartDocument(message), HTML_PART_CSP);
  });

  app.get('/api/messages', async (c) => {
    const filter = c.req.query('to')?.trim() || null;
    return c.json({ items: filterByRecipient(await deps.store.list(), filter) });
  });

  // Like Mailgun: an unknown endpoint answers 404 without JSON.
  app.notFound((c) => c.text('Not Found', 404));
  app.onError((err, c) => {
    deps.log({ level: 'error', msg: 'local mailgun request failed', path: c.req.path, error: err.message });
    return c.json({ message: 'Internal error in the local Mailgun stand-in' }, 500);
  });
  return app;
}

/** Host header names of this machine: 127.0.0.1, [::1], localhost and *.localhost, with any port. */
export function isLoopbackHost(host: string | undefined): boolean {
  const name = (host ?? '').toLowerCase().replace(/:\d+$/, '');
  return name === '127.0.0.1' || name === '[::1]' || name === 'localhost' || name.endsWith('.localhost');
}

function credentialsMatch(header: string | undefined, expected: Buffer): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Both encodings Mailgun takes; any other body reads as an empty form (so: "'from' parameter is missing"). */
async function readForm(request: Request): Promise<[string, FieldValue][] | null> {
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  if (!type.startsWith('multipart/form-data') && !type.startsWith('application/x-www-form-urlencoded')) return [];
  try {
    const form = await request.formData();
    return [...form.entries()].map(([name, value]) => [name, typeof value === 'string' ? value : { name: value.name, size: value.size, type: value.type }]);
  } catch {
    return null;
  }
}

/** Messages with `address` among their to, cc or bcc recipients. */
function filterByRecipient(messages: StoredMessage[], address: string | null): StoredMessage[] {
  if (!address) return messages;
  return messages.filter((m) => [...m.to, ...m.cc, ...m.bcc].some((entry) => sameAddress(bareAddress(entry) ?? entry, address)));
}

function html(c: Context, body: string, csp: string, status: 200 | 404 = 200): Response | Promise<Response> {
  c.header('Content-Security-Policy', csp);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
  return c.html(body, status);
}
