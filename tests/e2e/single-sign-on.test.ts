// Issue 3 end to end: one sign-in for every subdomain, and one logout that ends it everywhere.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let env: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  env = await startTestPlatform();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

const onLoginForm = async (page: Page) =>
  new URL(page.url()).hostname === `sso.${env.platform.info.domain}` && (await page.locator('input[name="password"]').count()) > 0;

describe('single sign-on across subdomains in Chromium', () => {
  it('signs in once on the portal, opens instance1 without signing in again, and a logout on instance1 signs out of the portal too', async () => {
    const { urls } = env.platform.info;
    const page = await browser.context.newPage();

    await page.goto(`${urls.app}/`);
    expect(await onLoginForm(page)).toBe(true);
    await page.locator('input[name="username"]').fill('pro');
    await page.locator('input[name="password"]').fill('pro');
    await Promise.all([page.waitForURL(`${urls.app}/**`), page.locator('form button[type="submit"]').first().click()]);
    await expect.poll(() => page.textContent('body')).toContain('Pat Pro');

    // The session cookie lives on the parent domain: instance1 and instance2 open straight away.
    await page.goto(`${urls.instance1}/`);
    expect(page.url().startsWith(urls.instance1!)).toBe(true);
    expect(await page.textContent('body')).toContain('Pat Pro');
    const onInstance2 = await page.goto(`${urls.instance2}/`);
    expect(onInstance2?.status()).toBe(200);

    const session = await page.evaluate(async () => (await fetch('/_auth/session', { headers: { accept: 'application/json' } })).json());
    expect(session).toMatchObject({ authenticated: true });

    // Log out on instance1: the edge ends its session and sends the browser through Keycloak's logout.
    await page.goto(`${urls.instance1}/_auth/logout`);
    await page.waitForURL(`${urls.app}/_auth/signed-out**`);
    expect(await page.textContent('body')).toContain('signed out');

    // Signed out on the portal too, and Keycloak asks for the password again (its session ended as well).
    await page.goto(`${urls.app}/`);
    expect(await onLoginForm(page)).toBe(true);
  });
});
