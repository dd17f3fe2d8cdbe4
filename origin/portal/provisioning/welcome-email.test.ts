import { describe, expect, it } from 'vitest';
import type { WelcomeEmail } from './ports.ts';
import { renderWelcomeEmail } from './welcome-email.ts';

const EMAIL: WelcomeEmail = {
  to: 'ada@example.com',
  name: 'Ada Lovelace',
  plan: 'PRO',
  instances: [
    { id: 'instance1', title: 'Engineering', url: 'https://instance1.wikiplatform.example/' },
    { id: 'instance2', title: 'Design & Research', url: 'https://instance2.wikiplatform.example/?a=1&b=2' },
  ],
  portalUrl: 'https://portal.wikiplatform.example/',
  newAccount: true,
};

describe('renderWelcomeEmail', () => {
  it('names the plan in the subject and both parts', () => {
    const { subject, text, html } = renderWelcomeEmail(EMAIL);
    expect(subject).toBe('Welcome to wikiplatform: your PRO plan is ready');
    expect(text).toContain('Your PRO plan is active');
    expect(html).toContain('Your <strong>PRO</strong> plan is active');
  });

  it('lists every instance with its link, and links to the portal', () => {
    const { text, html } = renderWelcomeEmail(EMAIL);
    expect(text).toContain('- Engineering: https://instance1.wikiplatform.example/');
    expect(text).toContain('- Design & Research: https://instance2.wikiplatform.example/?a=1&b=2');
    expect(text).toContain('https://portal.wikiplatform.example/');
    expect(html).toContain('<a href="https://instance1.wikiplatform.example/" style="color:#2563eb;">Engineering</a>');
    expect(html).toContain('<a href="https://instance2.wikiplatform.example/?a=1&amp;b=2" style="color:#2563eb;">Design &amp; Research</a>');
    expect(html).toContain('href="https://portal.wikiplatform.example/"');
  });

  it('greets by name, or without one', () => {
    expect(renderWelcomeEmail(EMAIL).text.startsWith('Hello Ada Lovelace,\n')).toBe(true);
    const anonymous = renderWelcomeEmail({ ...EMAIL, name: null });
    expect(anonymous.text.startsWith('Hello,\n')).toBe(true);
    expect(anonymous.html).toContain('<p style="margin:0 0 16px;">Hello,</p>');
    expect(renderWelcomeEmail({ ...EMAIL, name: '  \n ' }).text.startsWith('Hello,\n')).toBe(true);
  });

  it('escapes a hostile name and instance title in the HTML part', () => {
    const { html, text } = renderWelcomeEmail({
      ...EMAIL,
      name: '<script>alert("x")</script>',
      instances: [{ id: 'instance1', title: '<img src=x onerror=alert(1)>', url: 'https://instance1.wikiplatform.example/' }],
    });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // The text part is plain text: shown as is by mail clients, never interpreted.
    expect(text).toContain('Hello <script>alert("x")</script>,');
  });

  it('keeps a multi-line name on one line', () => {
    const { text } = renderWelcomeEmail({ ...EMAIL, name: 'Ada\r\nBcc: mallory@example.com' });
    expect(text.split('\n')[0]).toBe('Hello Ada Bcc: mallory@example.com,');
  });

  it('links only http(s) URLs', () => {
    const { html } = renderWelcomeEmail({
      ...EMAIL,
      instances: [{ id: 'instance1', title: 'Evil', url: 'javascript:alert(1)' }],
    });
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<li>Evil</li>');
  });

  it('mentions the separate set-password email only for a new account', () => {
    const created = renderWelcomeEmail(EMAIL);
    expect(created.text).toContain('A separate email from our sign-in service has a link to set\nyour password');
    expect(created.html).toContain('data-part="set-password"');
    expect(created.html).toContain('has a link to set your password');

    const existing = renderWelcomeEmail({ ...EMAIL, newAccount: false });
    expect(existing.text).not.toMatch(/password/i);
    expect(existing.html).not.toMatch(/password/i);
    expect(existing.text).toContain('Sign in with your existing account (ada@example.com).');
  });

  it('never carries a password or token value', () => {
    for (const newAccount of [true, false]) {
      const { subject, text, html } = renderWelcomeEmail({ ...EMAIL, newAccount });
      for (const part of [subject, text, html]) {
        expect(part).not.toMatch(/password\s*[:=]/i);
        expect(part).not.toMatch(/token/i);
      }
    }
  });

  it('says so when the plan opens no wiki yet', () => {
    const { text, html } = renderWelcomeEmail({ ...EMAIL, instances: [] });
    expect(text).toContain('It does not open any wiki yet.');
    expect(html).not.toContain('<ul');
  });
});
