// The mailer's own edges, with a recording fetch: the request it builds, its option checks, and the
// failures the local stand-in cannot produce (a 5xx, a hang). Sending to the stand-in itself is tested
// in local/mailgun/mailgun-server.test.ts.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MailgunMailer, type MailgunMailerOptions } from './mailgun-mailer.ts';
import type { WelcomeEmail } from './ports.ts';
import { ProvisioningError } from './provisioning-error.ts';

const API_KEY = 'key-0123456789abcdef-secret';
const OPTIONS: MailgunMailerOptions = { apiKey: API_KEY, domain: 'mg.example.com', baseUrl: 'https://api.eu.mailgun.net', from: 'wikiplatform <welcome@mg.example.com>' };
const WELCOME: WelcomeEmail = {
  to: 'ada@example.com',
  name: 'Ada',
  plan: 'STARTER',
  instances: [{ id: 'instance1', title: 'Engineering', url: 'https://instance1.wikiplatform.example/' }],
  portalUrl: 'https://portal.wikiplatform.example/',
  newAccount: true,
};

function recorder(answer: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return answer();
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

const queued = () => Response.json({ id: '<20261121133000.abc@mg.example.com>', message: 'Queued. Thank you.' });

describe('MailgunMailer', () => {
  it('posts the welcome email as a form with basic auth user "api", tagged welcome', async () => {
    const { calls, fetch } = recorder(queued);
    const sent = await new MailgunMailer({ ...OPTIONS, fetch }).sendWelcome(WELCOME);
    expect(sent).toEqual({ messageId: '<20261121133000.abc@mg.example.com>' });
    expect(calls).toHaveLength(1);
    const [{ url, init }] = calls as [(typeof calls)[0]];
    expect(url).toBe('https://api.eu.mailgun.net/v3/mg.example.com/messages');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).authorization).toBe(`Basic ${Buffer.from(`api:${API_KEY}`).toString('base64')}`);
    expect(init.signal).toBeInstanceOf(AbortSignal);
    const form = init.body as URLSearchParams;
    expect(form.get('from')).toBe('wikiplatform <welcome@mg.example.com>');
    expect(form.getAll('to')).toEqual(['ada@example.com']);
    expect(form.get('subject')).toBe('Welcome to wikiplatform: your STARTER plan is ready');
    expect(form.get('text')).toContain('https://instance1.wikiplatform.example/');
    expect(form.get('html')).toContain('href="https://instance1.wikiplatform.example/"');
    expect(form.getAll('o:tag')).toEqual(['welcome']);
  });

  it('sends any message with several recipients, tags, h: headers and v: variables', async () => {
    const { calls, fetch } = recorder(queued);
    await new MailgunMailer({ ...OPTIONS, baseUrl: 'https://api.mailgun.net/v3/', fetch }).send({
      from: 'sign-in <sso@mg.example.com>',
      to: ['a@example.com', 'b@example.com'],
      subject: 'Set your password',
      text: 'Follow the link.',
      tags: ['sso', 'password'],
      headers: { 'X-Request-Id': 'r-1' },
      variables: { userId: 'u-1' },
    });
    expect(calls[0]!.url).toBe('https://api.mailgun.net/v3/mg.example.com/messages');
    const form = calls[0]!.init.body as URLSearchParams;
    expect(form.get('from')).toBe('sign-in <sso@mg.example.com>');
    expect(form.getAll('to')).toEqual(['a@example.com', 'b@example.com']);
    expect(form.has('html')).toBe(false);
    expect(form.getAll('o:tag')).toEqual(['sso', 'password']);
    expect(form.get('h:X-Request-Id')).toBe('r-1');
    expect(form.get('v:userId')).toBe('u-1');
  });

  it('refuses a welcome recipient that is not one plain address, without calling Mailgun', async () => {
    const { calls, fetch } = recorder(queued);
    const mailer = new MailgunMailer({ ...OPTIONS, fetch });
    for (const to of ['ada@example.com, mallory@example.com', 'Ada <ada@example.com>', 'nobody']) {
      await expect(mailer.sendWelcome({ ...WELCOME, to })).rejects.toBeInstanceOf(ProvisioningError);
    }
    expect(calls).toHaveLength(0);
  });

  it('calls a 5xx transient and keeps the key out of the error', async () => {
    const { fetch } = recorder(() => new Response('Internal Server Error', { status: 502 }));
    const err = await new MailgunMailer({ ...OPTIONS, fetch }).sendWelcome(WELCOME).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisioningError);
    expect((err as Error).message).toBe('Mailgun failed on its side (502) (transient: retried later)');
    expect(inspect(err, { depth: 5 })).not.toContain(API_KEY);
  });

  it('gives up after the timeout with a transient error', async () => {
    const fetch = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof globalThis.fetch;
    const started = Date.now();
    const err = await new MailgunMailer({ ...OPTIONS, fetch, timeoutMs: 200 }).sendWelcome(WELCOME).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((err as Error).message).toBe('Mailgun did not answer within 0.2 s at https://api.eu.mailgun.net (transient: retried later)');
  });

  it('does not accept a 200 without a message id', async () => {
    const { fetch } = recorder(() => new Response('<html>captive portal</html>', { status: 200 }));
    await expect(new MailgunMailer({ ...OPTIONS, fetch }).sendWelcome(WELCOME)).rejects.toThrow('without a message id');
  });

  it('names bad options without echoing the key, and hides the key from inspection', () => {
    expect(() => new MailgunMailer({ ...OPTIONS, apiKey: 'has a space' })).toThrow(TypeError);
    expect(() => new MailgunMailer({ ...OPTIONS, apiKey: 'has a space' })).not.toThrow('has a space');
    expect(() => new MailgunMailer({ ...OPTIONS, domain: 'not a domain' })).toThrow(/domain must be a domain name/);
    expect(() => new MailgunMailer({ ...OPTIONS, baseUrl: 'ftp://api.mailgun.net' })).toThrow(/baseUrl/);
    expect(() => new MailgunMailer({ ...OPTIONS, baseUrl: `https://api:${API_KEY}@api.mailgun.net` })).toThrow(/must not carry credentials/);
    const mailer = new MailgunMailer(OPTIONS);
    expect(inspect(mailer, { depth: 5, showHidden: true })).not.toContain(API_KEY);
    expect(JSON.stringify(mailer)).not.toContain(API_KEY);
  });
});
