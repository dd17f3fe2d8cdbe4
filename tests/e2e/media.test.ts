// Issue 5 end to end, in Chromium through the edge: upload an image from the editor straight to storage,
// see it rendered in the page, download it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

// A real 1×1 PNG, so the browser can decode and lay it out.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

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

describe('media in Chromium, through the edge', () => {
  it('uploads an image from the editor straight to storage, renders it, downloads it, and counts it in the admin storage usage', async () => {
    const base = env.platform.info.urls.instance1!;
    const page = await browser.context.newPage();
    const storagePuts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'PUT') storagePuts.push(new URL(req.url()).origin);
    });

    await page.goto(`${base}/_new`);
    await page.locator('input[name="username"]').fill('pro');
    await page.locator('input[name="password"]').fill('pro');
    await Promise.all([page.waitForURL(`${base}/**`), page.locator('form button[type="submit"]').first().click()]);

    await page.locator('input[name="title"]').fill('Architecture');
    await page.locator('textarea[name="content"]').fill('The diagram:\n\n');
    await page.locator('textarea[data-media-upload] ~ input[type="file"], input[type="file"]').first().setInputFiles({ name: 'diagram.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => page.locator('textarea[name="content"]').inputValue(), { timeout: 15_000 }).toMatch(/!\[[^\]]*\]\(\/_media\/tenants\/instance1\/uploads\/[^)]+\)/);

    // The bytes went to the storage endpoint, not to the edge or an origin.
    expect(storagePuts).toEqual([new URL(env.platform.info.s3.endpoint).origin]);

    await Promise.all([page.waitForURL(`${base}/architecture`), page.locator('[data-testid="save"]').click()]);
    const image = page.locator('[data-testid="page-content"] img');
    const src = await image.getAttribute('src');
    expect(src).toMatch(/^\/_media\/tenants\/instance1\/uploads\/\d{4}\/\d{2}\/[^/]+\/diagram\.png$/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);

    const download = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        disposition: res.headers.get('content-disposition'),
        nosniff: res.headers.get('x-content-type-options'),
        bytes: Array.from(new Uint8Array(await res.arrayBuffer())),
      };
    }, src!);
    expect(download).toMatchObject({ status: 200, type: 'image/png', nosniff: 'nosniff' });
    expect(download.disposition).toMatch(/^inline/);
    expect(Buffer.from(download.bytes).equals(PNG)).toBe(true);

    // The instance's admin sees the storage the upload uses against the quota.
    const admin = await openBrowser();
    try {
      const page = await admin.context.newPage();
      await page.goto(`${base}/_settings`);
      await page.locator('input[name="username"]').fill('admin');
      await page.locator('input[name="password"]').fill('admin');
      await Promise.all([page.waitForURL(`${base}/_settings`), page.locator('form button[type="submit"]').first().click()]);
      const usage = page.locator('[data-testid="storage-usage"]');
      expect(await usage.textContent()).toMatch(new RegExp(`1 file, ${PNG.length} B of 5\\.0 GB used`));
    } finally {
      await admin.close();
    }
  });
});
