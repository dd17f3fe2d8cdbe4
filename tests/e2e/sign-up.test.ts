// The brief's sign-up story end to end in Chromium, on the platform as `npm start` runs it: pick a plan on
// the public pricing page, pay on the Stripe stand-in's Checkout page, get the welcome email and the
// set-password email (Mailgun stand-in), set a password, sign in, and open exactly the plan's wikis.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { usePlatformAndBrowser } from '../support/e2e.ts';

const ctx = usePlatformAndBrowser();

interface InboxMessage {
  subject: string;
  text?: string;
  html?: string;
}

async function inboxFor(address: string): Promise<InboxMessage[]> {
  const res = await fetch(`${ctx.env.platform.info.mail.inbox.replace(/\/$/, '')}/api/messages?to=${encodeURIComponent(address)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: InboxMessage[] }).items;
}

const linksIn = (message: InboxMessage) => [...(message.text ?? '').matchAll(/https?:\/\/[^\s<>"')]+/g)].map((m) => m[0]);

async function signIn(page: Page, username: string, password: string) {
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').first().click();
}

describe('buying a plan without an account, in Chromium', () => {
  it('pays for PRO, receives both emails, sets a password, signs in and opens instance1 and instance2 but not instance3', async () => {
    const { urls, domain } = ctx.env.platform.info;
    const email = `buyer-${Date.now().toString(36)}@example.test`;
    const page = await ctx.browser.context.newPage();

    // The pricing page is public: no sign-in on the way.
    const pricing = await page.goto(`${urls.app}/pricing`);
    expect(pricing?.status()).toBe(200);
    expect(new URL(page.url()).hostname).toBe(`app.${domain}`);
    await page.locator('[data-testid="signup-PRO"]').click();

    // Stripe's Checkout page (the stand-in): it asks for the email, since nobody is signed in.
    await page.waitForURL((url) => url.hostname === '127.0.0.1' && url.pathname.startsWith('/c/'));
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="name"]').fill('Grace Hopper');
    await Promise.all([page.waitForURL(`${urls.app}/signup/done**`), page.locator('#pay').click()]);
    expect(await page.textContent('[data-testid="signup-done"]')).toContain('two emails');

    // The webhook enqueued the grant; the portal's outbox worker created the account and sent both emails.
    await expect.poll(async () => (await inboxFor(email)).length, { timeout: 30_000, interval: 250 }).toBe(2);
    const messages = await inboxFor(email);
    const welcome = messages.find((m) => /welcome/i.test(m.subject));
    const setPassword = messages.find((m) => m !== welcome);
    expect(welcome?.text).toContain('PRO');
    expect(welcome?.text).toContain(`${urls.instance2}/`);
    expect(welcome?.text).not.toContain(`${urls.instance3}/`);
    expect(`${welcome?.text} ${welcome?.html}`).not.toMatch(/password:\s*\S/i);

    // The set-password link, on the sign-in host; after it, back to the portal, which asks to sign in.
    const link = linksIn(setPassword!).find((url) => url.includes('/login-actions/action-token'));
    expect(link).toBeDefined();
    await page.goto(link!);
    await page.locator('input[name="password-new"]').fill('correct horse battery');
    await page.locator('input[name="password-confirm"]').fill('correct horse battery');
    await page.locator('#kc-submit').click();
    await page.waitForURL((url) => url.hostname === `sso.${domain}` && url.pathname.includes('/interaction/'));
    await Promise.all([page.waitForURL(`${urls.app}/**`), signIn(page, email, 'correct horse battery')]);

    await expect.poll(() => page.textContent('[data-testid="plan"]')).toContain('PRO');
    expect((await page.goto(`${urls.instance1}/`))?.status()).toBe(200);
    expect((await page.goto(`${urls.instance2}/`))?.status()).toBe(200);
    expect((await page.goto(`${urls.instance3}/`))?.status()).toBe(403);

    // The link was used up.
    const again = await page.goto(link!);
    expect(again?.status()).toBe(400);
  });
});
