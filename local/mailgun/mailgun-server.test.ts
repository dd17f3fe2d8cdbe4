// Black-box tests of the Mailgun stand-in over real HTTP, with the portal's real MailgunMailer as the
// client: what arrives, how each documented refusal reaches the provisioner, and the developer's inbox.
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailgunMailer } from '../../origin/portal/provisioning/mailgun-mailer.ts';
import type { WelcomeEmail } from '../../origin/portal/provisioning/ports.ts';
import { ProvisioningError } from '../../origin/portal/provisioning/provisioning-error.ts';
import { freePort } from '../ports.ts';
import { startMailgun, type MailgunHandle, type StartMailgunOptions } from './mailgun-server.ts';

const API_KEY = 'local-mailgun-key-for-tests-0123456789';
const DOMAIN = 'mg.wikiplatform.example';
const FROM = 'wikiplatform <welcome@mg.wikiplatform.example>';
const ID = /^<\d{17}\.[0-9a-f]{16}@mg\.wikiplatform\.example>$/;

const WELCOME: WelcomeEmail = {
  to: 'ada@example.com',
  name: 'Ada Lovelace',
  plan: 'PRO',
  instances: [
    { id: 'instance1', title: 'Engineering', url: 'http://instance1.wikiplatform.localhost:8787/' },
    { id: 'instance2', title: 'Design', url: 'http://instance2.wikiplatform.localhost:8787/' },
  ],
  portalUrl: 'http://portal.wikiplatform.localhost:8787/',
  newAccount: true,
};

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-mailgun-'));
  tempDirs.push(dir);
  return dir;
}

async function start(extra: Partial<StartMailgunOptions> = {}): Promise<MailgunHandle> {
  return startMailgun({ port: 0, apiKey: API_KEY, domain: DOMAIN, dataDir: await tempDir(), ...extra });
}

function mailer(mailgun: { baseUrl: string }, extra: Partial<ConstructorParameters<typeof MailgunMailer>[0]> = {}): MailgunMailer {
  return new MailgunMailer({ apiKey: API_KEY, domain: DOMAIN, baseUrl: mailgun.baseUrl, from: FROM, ...extra });
}

const basic = (key: string) => `Basic ${Buffer.from(`api:${key}`).toString('base64')}`;

/** A raw send, for what the mailer never sends (missing fields, other encodings). */
function post(mailgun: MailgunHandle, body: URLSearchParams | FormData, init: { key?: string; domain?: string } = {}): Promise<Response> {
  return fetch(`${mailgun.baseUrl}/v3/${init.domain ?? DOMAIN}/messages`, {
    method: 'POST',
    headers: { authorization: basic(init.key ?? API_KEY) },
    body,
  });
}

function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}

const COMPLETE = { from: FROM, to: 'bob@example.com', subject: 'Hello', text: 'Hi Bob' };

let mailgun: MailgunHandle;

beforeAll(async () => {
  mailgun = await start();
});

afterAll(async () => {
  await mailgun?.close();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('sending through the stand-in', () => {
  it('delivers the welcome email with its recipient, subject, both parts and the welcome tag', async () => {
    const { messageId } = await mailer(mailgun).sendWelcome(WELCOME);
    expect(messageId).toMatch(ID);

    const stored = (await mailgun.messages()).find((m) => m.id === messageId);
    expect(stored).toMatchObject({
      from: FROM,
      to: ['ada@example.com'],
      subject: 'Welcome to wikiplatform: your PRO plan is ready',
      tags: ['welcome'],
      domain: DOMAIN,
    });
    expect(stored!.text).toContain('- Design: http://instance2.wikiplatform.localhost:8787/');
    expect(stored!.text).toContain('has a link to set\nyour password');
    expect(stored!.html).toContain('<a href="http://instance1.wikiplatform.localhost:8787/"');
    expect(stored!.html).toContain('Hello Ada Lovelace,');
  });

  it('answers 200 with Mailgun’s body: an id at the domain and "Queued. Thank you."', async () => {
    const response = await post(mailgun, form(COMPLETE));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string; message: string };
    expect(body.id).toMatch(ID);
    expect(body.message).toBe('Queued. Thank you.');
  });

  it('sends any message through send(), e.g. a sign-in service’s email', async () => {
    const { messageId } = await mailer(mailgun).send({
      from: 'wikiplatform sign-in <sso@mg.wikiplatform.example>',
      to: 'grace@example.com',
      subject: 'Set your password',
      text: 'Set it here: http://sso.wikiplatform.localhost:8787/realms/wikiplatform/login-actions/action-token?key=abc',
      headers: { 'X-Request-Id': 'req-1' },
      variables: { userId: 'u-1' },
    });
    const stored = (await mailgun.messages()).find((m) => m.id === messageId)!;
    expect(stored.from).toBe('wikiplatform sign-in <sso@mg.wikiplatform.example>');
    expect(stored.headers).toEqual({ 'X-Request-Id': 'req-1' });
    expect(stored.variables).toEqual({ userId: 'u-1' });
    expect(stored.html).toBeNull();
  });

  it('accepts a multipart/form-data body, as Mailgun’s SDKs send, attachments included', async () => {
    const body = new FormData();
    for (const [name, value] of Object.entries({ ...COMPLETE, subject: 'Multipart', html: '<p>Hi</p>' })) body.append(name, value);
    body.append('to', 'Carol <carol@example.com>');
    body.append('o:tag', 'multipart');
    body.append('attachment', new Blob(['%PDF-1.4'], { type: 'application/pdf' }), 'invoice.pdf');
    const response = await post(mailgun, body);
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    const stored = (await mailgun.messages()).find((m) => m.id === id)!;
    expect(stored.to).toEqual(['bob@example.com', 'Carol <carol@example.com>']);
    expect(stored.html).toBe('<p>Hi</p>');
    expect(stored.tags).toEqual(['multipart']);
    expect(stored.attachments).toEqual([{ field: 'attachment', filename: 'invoice.pdf', size: 8, contentType: 'application/pdf' }]);
  });
});

describe('refusals, as Mailgun documents them', () => {
  it('answers a wrong or missing key with 401 Forbidden and stores nothing', async () => {
    const before = (await mailgun.messages()).length;
    const wrong = await post(mailgun, form(COMPLETE), { key: 'not-the-key' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('Forbidden');
    const missing = await fetch(`${mailgun.baseUrl}/v3/${DOMAIN}/messages`, { method: 'POST', body: form(COMPLETE) });
    expect(missing.status).toBe(401);
    const otherUser = await fetch(`${mailgun.baseUrl}/v3/${DOMAIN}/messages`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`admin:${API_KEY}`).toString('base64')}` },
      body: form(COMPLETE),
    });
    expect(otherUser.status).toBe(401);
    expect((await mailgun.messages()).length).toBe(before);
  });

  it('turns a refused key into a ProvisioningError naming MAILGUN_API_KEY, without either key in it', async () => {
    const wrongKey = 'key-wrong-but-secret-9876';
    const err = await mailer(mailgun, { apiKey: wrongKey }).sendWelcome(WELCOME).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisioningError);
    const { message, stack } = err as Error;
    expect(message).toMatch(/^Mailgun refused the API key \(401\): check MAILGUN_API_KEY/);
    for (const text of [message, stack ?? '', JSON.stringify(err)]) {
      expect(text).not.toContain(wrongKey);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(Buffer.from(`api:${wrongKey}`).toString('base64'));
    }
  });

  it('answers an unknown domain with 404 Domain not found, which the mailer sends to MAILGUN_DOMAIN', async () => {
    const response = await post(mailgun, form(COMPLETE), { domain: 'mg.other.example' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Domain not found: mg.other.example' });

    const err = await mailer(mailgun, { domain: 'mg.other.example' }).sendWelcome(WELCOME).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisioningError);
    expect((err as Error).message).toContain('check MAILGUN_DOMAIN');
    expect((err as Error).message).toContain('Domain not found: mg.other.example');
  });

  it('answers a missing from, to, subject or body with 400 and Mailgun’s sentence', async () => {
    const cases: [keyof typeof COMPLETE, string][] = [
      ['from', "'from' parameter is missing"],
      ['to', "'to' parameter is missing"],
      ['subject', "'subject' parameter is missing"],
      ['text', "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified"],
    ];
    for (const [field, message] of cases) {
      const { [field]: _dropped, ...rest } = COMPLETE;
      const response = await post(mailgun, form(rest));
      expect(response.status, field).toBe(400);
      expect(await response.json(), field).toEqual({ message });
    }
  });

  it('answers a bad address with 400, which the mailer quotes', async () => {
    const response = await post(mailgun, form({ ...COMPLETE, to: 'bob@localhost' }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: "'to' parameter is not a valid address. please check documentation" });

    const err = await mailer(mailgun).send({ to: 'bob@localhost', subject: 'x', text: 'y' }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("Mailgun rejected the message (400): 'to' parameter is not a valid address. please check documentation");
  });

  it('reads a body of another type as an empty form', async () => {
    const response = await fetch(`${mailgun.baseUrl}/v3/${DOMAIN}/messages`, {
      method: 'POST',
      headers: { authorization: basic(API_KEY), 'content-type': 'application/json' },
      body: JSON.stringify(COMPLETE),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: "'from' parameter is missing" });
  });

  it('answers an unknown endpoint with a 404 that is not JSON, which the mailer sends to MAILGUN_BASE_URL', async () => {
    const response = await fetch(`${mailgun.baseUrl}/v4/${DOMAIN}/messages`, { method: 'POST', headers: { authorization: basic(API_KEY) } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).not.toContain('json');

    const err = await mailer({ baseUrl: `${mailgun.baseUrl}/mailgun` }).sendWelcome(WELCOME).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Mailgun has no such endpoint at .* \(404\): check MAILGUN_BASE_URL/);
  });

  it('answers 429 past its rate limit, which the mailer calls transient', async () => {
    const limited = await start({ rateLimit: { limit: 1, windowMs: 60_000 } });
    try {
      await mailer(limited).sendWelcome(WELCOME);
      const response = await post(limited, form(COMPLETE));
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      const err = await mailer(limited).sendWelcome(WELCOME).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/rate limiting.*\(transient: retried later\)/);
      expect(await limited.messages()).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it('refuses a body over its size cap with 413', async () => {
    const small = await start({ maxBodyBytes: 2048 });
    try {
      const response = await post(small, form({ ...COMPLETE, text: 'x'.repeat(4096) }));
      expect(response.status).toBe(413);
      expect(await small.messages()).toHaveLength(0);
    } finally {
      await small.close();
    }
  });

  it('turns a closed port into a transient ProvisioningError', async () => {
    const port = await freePort();
    const err = await mailer({ baseUrl: `http://127.0.0.1:${port}` }).sendWelcome(WELCOME).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisioningError);
    expect((err as Error).message).toBe(`Could not reach Mailgun at http://127.0.0.1:${port}: ECONNREFUSED (transient: retried later; check MAILGUN_BASE_URL if it persists)`);
  });
});

describe('the inbox', () => {
  it('keeps messages across a restart on the same data directory', async () => {
    const dataDir = await tempDir();
    const first = await startMailgun({ port: 0, apiKey: API_KEY, domain: DOMAIN, dataDir });
    const { messageId } = await mailer(first).sendWelcome(WELCOME);
    await first.close();

    const second = await startMailgun({ port: 0, apiKey: API_KEY, domain: DOMAIN, dataDir });
    try {
      expect((await second.messages()).map((m) => m.id)).toEqual([messageId]);
      const page = await (await fetch(second.inboxUrl)).text();
      expect(page).toContain('Welcome to wikiplatform: your PRO plan is ready');
    } finally {
      await second.close();
    }
  });

  it('lists newest first and filters by recipient in the JSON API', async () => {
    const own = await start();
    try {
      await post(own, form({ ...COMPLETE, to: 'first@example.com', subject: 'First' }));
      await post(own, form({ ...COMPLETE, to: 'Second <SECOND@example.com>', subject: 'Second' }));
      const all = (await (await fetch(`${own.baseUrl}/api/messages`)).json()) as { items: { subject: string }[] };
      expect(all.items.map((m) => m.subject)).toEqual(['Second', 'First']);
      const filtered = (await (await fetch(`${own.baseUrl}/api/messages?to=second@example.com`)).json()) as { items: { subject: string }[] };
      expect(filtered.items.map((m) => m.subject)).toEqual(['Second']);
    } finally {
      await own.close();
    }
  });

  it('escapes a hostile subject, sender and body on every page', async () => {
    const hostile = '<script>alert("pwned")</script>';
    const response = await post(mailgun, form({ from: '"<script>alert(1)</script>" <evil@example.com>', to: 'victim@example.com', subject: hostile, text: `${hostile} http://example.com/?a=1&b=<x>` }));
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    const key = id.slice(1, id.indexOf('@'));

    const list = await fetch(mailgun.inboxUrl);
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
    const listHtml = await list.text();
    expect(listHtml).not.toContain('<script>');
    expect(listHtml).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');

    const page = await (await fetch(`${mailgun.baseUrl}/messages/${key}`)).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &lt;evil@example.com&gt;');
    expect(page).toContain('<a href="http://example.com/?a=1&amp;b=" target="_blank" rel="noreferrer noopener">');
  });

  it('shows the HTML part in a sandboxed frame, served under a CSP without scripts, links opening outside', async () => {
    const response = await post(mailgun, form({ ...COMPLETE, subject: 'Rich', html: '<html><head><title>t</title></head><body><a href="https://example.com/">go</a><script>alert(1)</script></body></html>' }));
    const { id } = (await response.json()) as { id: string };
    const key = id.slice(1, id.indexOf('@'));

    const page = await (await fetch(`${mailgun.baseUrl}/messages/${key}`)).text();
    expect(page).toContain(`<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" src="/messages/${key}/html"`);
    expect(page).not.toContain('alert(1)');

    const part = await fetch(`${mailgun.baseUrl}/messages/${key}/html`);
    const csp = part.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    expect(csp).toContain('sandbox allow-popups');
    expect(await part.text()).toContain('<head><base target="_blank"><title>t</title>');
  });

  it('shows the inbox only to a loopback Host, so a rebound foreign name cannot read the set-password links', async () => {
    const statusFor = (host: string, path = '/api/messages') =>
      new Promise<number>((resolve, reject) => {
        const { port } = new URL(mailgun.baseUrl);
        const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject).end();
      });
    expect(await statusFor('evil.example:8025')).toBe(403);
    expect(await statusFor('evil.example', '/')).toBe(403);
    expect(await statusFor('127.0.0.1.evil.example')).toBe(403);
    expect(await statusFor('127.0.0.1:8025')).toBe(200);
    expect(await statusFor('localhost')).toBe(200);
    expect(await statusFor('mail.wikiplatform.localhost:8025')).toBe(200);
  });

  it('answers 404 for a message that does not exist, or a key that is not one', async () => {
    expect((await fetch(`${mailgun.baseUrl}/messages/20260101000000000.0000000000000000`)).status).toBe(404);
    expect((await fetch(`${mailgun.baseUrl}/messages/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });
});
