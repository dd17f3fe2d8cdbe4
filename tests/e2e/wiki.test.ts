// Issue 4 end to end, through the edge in Chromium: write a page, edit it, compare, restore, find it.
import { describe, expect, it } from 'vitest';
import { fillSignInForm, usePlatformAndBrowser } from '../support/e2e.ts';

const ctx = usePlatformAndBrowser();

const FIRST = [
  '# Release checklist',
  '',
  'Every release of the **zephyrine** service goes through these steps.',
  '',
  '| Step | Owner |',
  '|------|-------|',
  '| Tag the build | Pat |',
  '| Announce | Sam |',
  '',
  '```ts',
  'const answer: number = 42;',
  '```',
].join('\n');

describe('the wiki in Chromium, through the edge', () => {
  it('creates a page with a table and code, edits it, shows the diff, restores the first revision and finds it by search', async () => {
    const base = ctx.env.platform.info.urls.instance1!;
    const page = await ctx.browser.context.newPage();

    await page.goto(`${base}/`);
    await Promise.all([page.waitForURL(`${base}/**`), fillSignInForm(page, 'pro')]);

    // Create.
    await page.locator('[data-testid="new-page"]').click();
    await page.locator('input[name="title"]').fill('Release checklist');
    await page.locator('input[name="path"]').fill('/handbook/release-checklist');
    await page.locator('textarea[name="content"]').fill(FIRST);
    await Promise.all([page.waitForURL(`${base}/handbook/release-checklist`), page.locator('[data-testid="save"]').click()]);
    const content = page.locator('[data-testid="page-content"]');
    expect(await content.locator('table td').allTextContents()).toEqual(['Tag the build', 'Pat', 'Announce', 'Sam']);
    expect(await content.locator('pre code').textContent()).toContain('const answer: number = 42;');
    expect(await content.locator('pre code span[class^="hljs-"]').count()).toBeGreaterThan(0);

    // Edit.
    await page.locator('[data-testid="edit-page"]').click();
    await page.locator('textarea[name="content"]').fill(FIRST.replace('| Announce | Sam |', '| Announce | Alex |'));
    await page.locator('input[name="message"]').fill('Alex announces now');
    await Promise.all([page.waitForURL(`${base}/handbook/release-checklist`), page.locator('[data-testid="save"]').click()]);
    expect(await content.textContent()).toContain('Alex');

    // History and diff between revision 1 and 2.
    await page.locator('[data-testid="page-history"]').click();
    expect(await page.locator('[data-testid="history"] tbody tr').count()).toBe(2);
    await page.locator('[data-testid="compare"]').click();
    const diff = page.locator('[data-testid="diff"]');
    expect(await diff.locator('.removed').allTextContents()).toEqual([expect.stringContaining('| Announce | Sam |')]);
    expect(await diff.locator('.added').allTextContents()).toEqual([expect.stringContaining('| Announce | Alex |')]);

    // Restore revision 1: a new revision whose content is the first one.
    await Promise.all([page.waitForURL(`${base}/handbook/release-checklist**`), page.locator('[data-testid="restore-from"]').click()]);
    await page.goto(`${base}/handbook/release-checklist`);
    expect(await content.textContent()).toContain('Sam');
    expect(await content.textContent()).not.toContain('Alex');
    await page.locator('[data-testid="page-history"]').click();
    expect(await page.locator('[data-testid="history"] tbody tr').count()).toBe(3);

    // Search finds it by a word of its body, with a snippet.
    await page.goto(`${base}/_search?q=zephyrine`);
    const results = page.locator('[data-testid="search-results"] li');
    expect(await results.count()).toBe(1);
    expect(await results.first().locator('a').getAttribute('href')).toBe('/handbook/release-checklist');
    expect(await results.first().textContent()).toContain('zephyrine');
  });

  it('keeps unsaved editor text through a reload, offers it back, saves with Ctrl+S, and forgets it once saved', async () => {
    const base = ctx.env.platform.info.urls.instance1!;
    const page = await ctx.browser.context.newPage();
    await page.goto(`${base}/`);
    if (page.url().includes('/realms/')) await Promise.all([page.waitForURL(`${base}/**`), fillSignInForm(page, 'pro')]);
    await page.goto(`${base}/_new`);
    await page.locator('input[name="title"]').fill('Draft keeper');
    await Promise.all([page.waitForURL(`${base}/draft-keeper`), page.locator('[data-testid="save"]').click()]);
    await page.locator('[data-testid="edit-page"]').click();

    const content = page.locator('textarea[name="content"]');
    await content.click();
    await page.keyboard.type('Typed, never saved.');
    // Leaving asks first; going ahead anyway keeps the text in the tab.
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    await page.reload();
    expect(dialogs).toEqual(['beforeunload']);
    const notice = page.locator('[data-testid="draft-notice"]');
    expect(await notice.textContent()).toContain('This tab kept text you had not saved');
    expect(await content.inputValue()).toBe('');
    await page.locator('[data-testid="draft-restore"]').click();
    expect(await content.inputValue()).toBe('Typed, never saved.');
    expect(await notice.count()).toBe(0);

    await Promise.all([page.waitForURL(`${base}/draft-keeper`), page.keyboard.press('Control+s')]);
    expect(await page.locator('[data-testid="page-content"]').textContent()).toContain('Typed, never saved.');
    await page.locator('[data-testid="edit-page"]').click();
    expect(await content.inputValue()).toBe('Typed, never saved.');
    expect(await notice.count()).toBe(0);

    // Discarded, it is gone for good.
    await content.click();
    await page.keyboard.type(' More.');
    await page.reload();
    await page.locator('[data-testid="draft-discard"]').click();
    await page.reload();
    expect(await notice.count()).toBe(0);
    expect(await content.inputValue()).toBe('Typed, never saved.');

    // A draft written on a revision someone has saved over since is saved against its own revision, even
    // after it was restored and kept again: the editor then shows both versions instead of overwriting.
    await content.click();
    await page.keyboard.type(' Mine.');
    await page.reload();
    const theirs = await page.evaluate(async () => {
      const json = { 'content-type': 'application/json', accept: 'application/json' };
      const list = await (await fetch('/api/pages?limit=100', { headers: json })).json();
      const listed = list.pages.find((p: { path: string }) => p.path === '/draft-keeper');
      const res = await fetch(`/api/pages/${listed.id}`, { method: 'PUT', headers: json, body: JSON.stringify({ revision: listed.revision, content: 'Theirs, saved meanwhile.' }) });
      return res.status;
    });
    expect(theirs).toBe(200);
    await page.reload();
    expect(await notice.textContent()).toContain('The page has changed since');
    await page.locator('[data-testid="draft-restore"]').click();
    await content.press('End');
    await page.keyboard.type('!');
    // Kept again (half a second after typing), with the older revision the restore put back in the form.
    await expect.poll(() => page.evaluate(() => Object.keys(sessionStorage).some((k) => sessionStorage.getItem(k)!.includes('Mine.!')))).toBe(true);
    await page.reload();
    expect(await notice.textContent()).toContain('The page has changed since');
    await page.locator('[data-testid="draft-restore"]').click();
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Control+s')]);
    expect(await page.locator('[data-testid="conflict"]').textContent()).toContain('Theirs, saved meanwhile.');
    expect(await content.inputValue()).toBe('Typed, never saved. Mine.!');
    await page.close();
  });

  it('starts a page from a template: the title typed goes along, placeholders are filled, typed text is replaced only once confirmed', async () => {
    const base = ctx.env.platform.info.urls.instance1!;
    const page = await ctx.browser.context.newPage();
    await page.goto(`${base}/`);
    if (page.url().includes('/realms/')) await Promise.all([page.waitForURL(`${base}/**`), fillSignInForm(page, 'pro')]);
    const created = await page.evaluate(async () => {
      const res = await fetch('/api/pages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ path: '/templates/incident', title: 'Incident report', content: '# {{title}}\n\nReported by {{user}} on {{date}}.\n\n## Timeline\n' }),
      });
      return res.status;
    });
    expect(created).toBe(201);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    await page.goto(`${base}/_new`);
    await page.locator('input[name="title"]').fill('Disk full on db-2');
    await Promise.all([page.waitForURL(/template=/), page.locator('[data-template-choice="/templates/incident"]').click()]);
    expect(await page.locator('input[name="title"]').inputValue()).toBe('Disk full on db-2');
    const content = page.locator('textarea[name="content"]');
    expect(await content.inputValue()).toMatch(/^# Disk full on db-2\n\nReported by [^{}\n]+ on \d{4}-\d{2}-\d{2}\.\n\n## Timeline\n$/);
    // Leaving for the template was deliberate: no warning, and no draft offered back.
    expect(dialogs).toEqual([]);
    expect(await page.locator('[data-testid="draft-notice"]').count()).toBe(0);

    // Text typed since is not thrown away unasked: dismissing the question keeps the page as it is.
    await content.press('End');
    await page.keyboard.type('- 09:12 alert fired');
    await page.locator('[data-template-choice=""]').click();
    expect(dialogs).toEqual(['Replace the text you wrote with this template?']);
    expect(page.url()).toContain('template=');
    expect(await content.inputValue()).toContain('- 09:12 alert fired');

    await Promise.all([page.waitForURL(`${base}/disk-full-on-db-2`), page.locator('[data-testid="save"]').click()]);
    const text = await page.locator('[data-testid="page-content"]').textContent();
    expect(text).toContain('Reported by');
    expect(text).toContain('09:12 alert fired');
    expect(text).not.toContain('{{');
    await page.close();
  });
});
