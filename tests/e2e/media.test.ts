// Issue 5 end to end, in Chromium through the edge: upload an image from the editor straight to storage,
// see it rendered in the page, download it.
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../support/browser.ts';
import { fillSignInForm, signInAt, usePlatformAndBrowser } from '../support/e2e.ts';

// A real 1×1 PNG, so the browser can decode and lay it out.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const ctx = usePlatformAndBrowser();

describe('media in Chromium, through the edge', () => {
  it('uploads an image from the editor straight to storage, renders it, downloads it, shows where it is used, counts it in the admin storage usage, and the admin exports it with the page and imports both into another instance', async () => {
    const base = ctx.env.platform.info.urls.instance1!;
    const page = await ctx.browser.context.newPage();
    const storagePuts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'PUT') storagePuts.push(new URL(req.url()).origin);
    });

    await page.goto(`${base}/_new`);
    await Promise.all([page.waitForURL(`${base}/**`), fillSignInForm(page, 'pro')]);

    await page.locator('input[name="title"]').fill('Architecture');
    await page.locator('textarea[name="content"]').fill('The diagram:\n\n');
    await page.locator('textarea[data-media-upload] ~ input[type="file"], input[type="file"]').first().setInputFiles({ name: 'diagram.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => page.locator('textarea[name="content"]').inputValue(), { timeout: 15_000 }).toMatch(/!\[[^\]]*\]\(\/_media\/tenants\/instance1\/uploads\/[^)]+\)/);

    // The bytes went to the storage endpoint, not to the edge or an origin.
    expect(storagePuts).toEqual([new URL(ctx.env.platform.info.s3.endpoint).origin]);

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

    // The files list says where the upload is used, and its own page lists the page.
    await page.goto(`${base}/_files`);
    const row = page.locator('tr', { hasText: 'diagram.png' });
    expect(await row.locator('[data-testid="file-usage"]').textContent()).toBe('Architecture');
    await Promise.all([page.waitForURL(/\/_files\/\d+$/), row.getByRole('link', { name: 'diagram.png', exact: true }).click()]);
    expect(await page.locator('[data-testid="file-pages"] a').allTextContents()).toEqual(['Architecture']);
    await expect.poll(() => page.locator('img.file-preview').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);

    // The instance's admin sees the storage the upload uses against the quota.
    const admin = await openBrowser();
    try {
      const page = await admin.context.newPage();
      await page.goto(`${base}/_settings`);
      await Promise.all([page.waitForURL(`${base}/_settings`), fillSignInForm(page, 'admin')]);
      const usage = page.locator('[data-testid="storage-usage"]');
      expect(await usage.textContent()).toMatch(new RegExp(`1 file, ${PNG.length} bytes of 5 GB used`));

      // The export, streamed from the origin through the edge into a real browser download.
      const [exported] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the wiki' }).click()]);
      expect(exported.suggestedFilename()).toMatch(/^instance1-wiki-\d{4}-\d{2}-\d{2}\.zip$/);
      const files = unzipSync(new Uint8Array(await readFile((await exported.path())!)));
      const imageFile = `media/${src!.split('/uploads/')[1]}`;
      expect(Buffer.from(files[imageFile]!).equals(PNG)).toBe(true);
      expect(strFromU8(files['pages/architecture.md']!)).toContain(`](../${imageFile})`);

      // The same archive imported into instance3 from its settings page: the page comes with its image,
      // stored as instance3's upload and served from there.
      const base3 = ctx.env.platform.info.urls.instance3!;
      await page.goto(`${base3}/_settings`);
      await page.locator('input[name="archive"]').setInputFiles((await exported.path())!);
      await Promise.all([page.waitForURL(`${base3}/_import`), page.getByRole('button', { name: 'Import pages' }).click()]);
      expect(await page.locator('[data-testid="import-summary"]').textContent()).toContain('and 1 file they link to');
      await page.goto(`${base3}/architecture`);
      const copy = page.locator('[data-testid="page-content"] img');
      expect(await copy.getAttribute('src')).toMatch(/^\/_media\/tenants\/instance3\/uploads\/\d{4}\/\d{2}\/[^/]+\/diagram\.png$/);
      await expect.poll(() => copy.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    } finally {
      await admin.close();
    }
  });

  it('refuses, in the real edge, a signature for an instance the plan does not open, one for a reader, and another instance\'s key', async () => {
    const { urls } = ctx.env.platform.info;
    const signIn = async (b: Browser, url: string, username: string) => {
      const page = await b.context.newPage();
      await signInAt(page, url, username);
      return page;
    };
    const askToSign = (page: import('playwright-core').Page) =>
      page.evaluate(async () => {
        const res = await fetch('/_media/uploads', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ filename: 'x.png', contentType: 'image/png', size: 10 }),
        });
        return { status: res.status, body: (await res.json()) as { key?: string; error?: { code: string } } };
      });

    const pro = await openBrowser();
    const starter = await openBrowser();
    const admin = await openBrowser();
    try {
      // PRO on instance1 gets a key; the same person on instance2's host cannot read it back.
      const proOn1 = await signIn(pro, `${urls.instance1}/`, 'pro');
      const signed = await askToSign(proOn1);
      expect(signed.status).toBe(201);
      const proOn2 = await pro.context.newPage();
      await proOn2.goto(`${urls.instance2}/`);
      const crossInstance = await proOn2.evaluate(async (key) => (await fetch(`/_media/${key}`)).status, signed.body.key!);
      expect(crossInstance).toBe(404);

      // STARTER has no plan for instance2: the edge refuses before anything is signed.
      const starterOn1 = await signIn(starter, `${urls.instance1}/`, 'starter');
      const onInstance2 = await starter.context.newPage();
      const denied = await onInstance2.goto(`${urls.instance2}/`);
      expect(denied?.status()).toBe(403);
      // The same session, sent by a script straight to the edge on instance2's host.
      const cookie = (await starter.context.cookies(urls.instance2!)).map((c) => `${c.name}=${c.value}`).join('; ');
      const plan = await edgeRequest(ctx.env.ports.edge, new URL(urls.instance2!).host, '/_media/uploads', {
        method: 'POST',
        headers: { cookie, origin: urls.instance2!, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ filename: 'x.png', contentType: 'image/png', size: 10 }),
      });
      expect(plan.status).toBe(403);
      expect(JSON.parse(plan.body).error.code).toBe('plan_required');

      // A reader of instance1 (set by the admin) gets 403 for a signature.
      const adminPage = await signIn(admin, `${urls.instance1}/_people`, 'admin');
      await adminPage.locator('select[aria-label="Role of Sam Starter"]').selectOption('reader');
      await Promise.all([adminPage.waitForLoadState('load'), adminPage.locator('tr', { hasText: 'Sam Starter' }).locator('button[type="submit"]').click()]);
      await starterOn1.reload();
      const reader = await askToSign(starterOn1);
      expect(reader.status).toBe(403);
      expect(reader.body.error?.code).toBe('forbidden');
    } finally {
      await Promise.all([pro.close(), starter.close(), admin.close()]);
    }
  });

  it('lists an upload on the files page with its thumbnail, and deletes it after the confirmation, leaving its URL a 404', async () => {
    const base = ctx.env.platform.info.urls.instance1!;
    const pro = await openBrowser();
    try {
      const page = await pro.context.newPage();
      await signInAt(page, `${base}/_files`, 'pro');
      // The editor's upload, as upload-client.js makes it: a signature from the edge, the bytes to storage, the confirmation.
      const key = await page.evaluate(async (bytes) => {
        const body = new Uint8Array(bytes);
        const json = { 'content-type': 'application/json', accept: 'application/json' };
        const signed = await (await fetch('/_media/uploads', { method: 'POST', headers: json, body: JSON.stringify({ filename: 'to-delete.png', contentType: 'image/png', size: body.length }) })).json();
        const put = await fetch(signed.url, { method: signed.method, headers: signed.headers, body });
        if (!put.ok) throw new Error(`PUT ${put.status}`);
        const done = await fetch('/api/media', { method: 'POST', headers: json, body: JSON.stringify({ key: signed.key }) });
        if (done.status !== 201) throw new Error(`confirm ${done.status}`);
        return signed.key as string;
      }, [...PNG]);

      await page.goto(`${base}/_files`);
      const row = page.locator('tr', { hasText: 'to-delete.png' });
      const thumbnail = row.locator('img.thumb');
      expect(await thumbnail.getAttribute('src')).toBe(`/_media/${key}`);
      await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);

      // Dismissed, nothing happens; accepted, the form posts and the list comes back without the file.
      page.once('dialog', (dialog) => dialog.dismiss());
      await row.getByRole('button', { name: 'Delete to-delete.png forever' }).click();
      const listed = () => page.evaluate(async () => ((await (await fetch('/api/media', { headers: { accept: 'application/json' } })).json()) as { items: { key: string }[] }).items.map((f) => f.key));
      expect(await listed()).toContain(key);
      expect(await row.count()).toBe(1);
      const asked: string[] = [];
      page.once('dialog', (dialog) => {
        asked.push(dialog.message());
        return dialog.accept();
      });
      await Promise.all([page.waitForURL(`${base}/_files`), page.waitForResponse((res) => res.request().method() === 'POST'), row.getByRole('button', { name: 'Delete to-delete.png forever' }).click()]);
      expect(asked[0]).toMatch(/^Delete "to-delete.png" for good\?/);
      await expect.poll(() => row.count()).toBe(0);
      expect(await listed()).not.toContain(key);
      // Past the browser's cache, which may keep the thumbnail it loaded for a while (private, max-age=3600).
      expect(await page.evaluate(async (url) => (await fetch(url, { cache: 'no-store' })).status, `/_media/${key}`)).toBe(404);
    } finally {
      await pro.close();
    }
  });
});

/** A request to the edge on 127.0.0.1 with a given Host (Node cannot resolve *.localhost names). */
function edgeRequest(port: number, host: string, path: string, init: { method: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: init.method, headers: { ...init.headers, host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
