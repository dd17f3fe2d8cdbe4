// Issue 3 end to end: one sign-in for every subdomain, and one logout that ends it everywhere.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillSignInForm, usePlatformAndBrowser } from '../support/e2e.ts';

const ctx = usePlatformAndBrowser();

const onLoginForm = async (page: Page) =>
  new URL(page.url()).hostname === `sso.${ctx.env.platform.info.domain}` && (await page.locator('input[name="password"]').count()) > 0;

describe('single sign-on across subdomains in Chromium', () => {
  it('signs in once on the portal, opens instance1 without signing in again, and a logout on instance1 signs out of the portal too', async () => {
    const { urls } = ctx.env.platform.info;
    const page = await ctx.browser.context.newPage();

    await page.goto(`${urls.app}/`);
    expect(await onLoginForm(page)).toBe(true);
    await Promise.all([page.waitForURL(`${urls.app}/**`), fillSignInForm(page, 'pro')]);
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
