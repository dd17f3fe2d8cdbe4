// What every end-to-end file needs: the platform started like `npm start`, one Chromium, and the
// identity provider's sign-in form filled in as a person would.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { openBrowser, type Browser } from './browser.ts';
import { startTestPlatform, type TestPlatform } from './platform.ts';

export interface E2eContext {
  env: TestPlatform;
  browser: Browser;
}

/** Starts the platform and a browser before the file's tests, stops both after. */
export function usePlatformAndBrowser(): E2eContext {
  const ctx = {} as E2eContext;
  beforeAll(async () => {
    ctx.env = await startTestPlatform();
    ctx.browser = await openBrowser();
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.env?.stop();
  });
  return ctx;
}

/** On the identity provider's login form: demo users' passwords are their usernames. */
export async function fillSignInForm(page: Page, username: string): Promise<void> {
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(username);
  await page.locator('form button[type="submit"]').first().click();
}

/** Opens `url`, signs in on the form it is sent to, and waits to be back under `url`. */
export async function signInAt(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await Promise.all([page.waitForURL(`${url}**`), fillSignInForm(page, username)]);
}
