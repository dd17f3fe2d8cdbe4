// Wiki import (POST /api/import and the settings page's form) on real instance apps and real Postgres:
// an export of one instance imported into another, folders of Markdown built with fflate (a zip writer
// independent of the reader, zip.js), and archives that must be refused whole.
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identity } from './helpers/edge-keys.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';

const admin = identity({ sub: 'user-ada', username: 'ada', name: 'Ada Admin', plan: 'ENTERPRISE', groups: ['/ENTERPRISE'], roles: ['platform-admin'] });
const editor = identity({ sub: 'user-eve', username: 'eve', name: 'Eve Editor', plan: 'ENTERPRISE', groups: ['/ENTERPRISE'] });

let source: InstanceHarness;
let target: InstanceHarness;

beforeAll(async () => {
  [source, target] = await Promise.all([startInstance('instance1'), startInstance('instance2')]);
});
afterAll(async () => {
  await Promise.all([source?.close(), target?.close()]);
});

const zip = (files: Record<string, string>) => zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));

function postZip(h: InstanceHarness, bytes: Uint8Array, as = admin, type = 'application/zip') {
  return h.api('/api/import', { method: 'POST', as, body: bytes, headers: { 'content-type': type } });
}
const postZipTo = (h: InstanceHarness, bytes: Uint8Array, query: string) =>
  h.api(`/api/import?${query}`, { method: 'POST', as: admin, body: bytes, headers: { 'content-type': 'application/zip' } });

async function pagePaths(h: InstanceHarness): Promise<string[]> {
  const res = await h.api('/api/pages?limit=100', { as: admin });
  return res.body.pages.map((p: { path: string }) => p.path);
}

describe('wiki import', () => {
  it('imports an export of another instance: same paths, titles and Markdown, and the links between pages resolve', async () => {
    for (const [path, title, content] of [
      ['/', 'Home', 'Start at [[Handbook]].'],
      ['/handbook', 'Handbook', '# Handbook\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'],
      ['/handbook/onboarding', 'Onboarding: day one', 'Back to [[Handbook]].\n\n---\n\nA rule, not front matter.'],
    ]) {
      expect((await source.api('/api/pages', { method: 'POST', as: admin, body: { path, title, content } })).status).toBe(201);
    }
    const exported = await source.request('/api/export', { as: admin });
    expect(exported.status).toBe(200);

    const res = await postZip(target, new Uint8Array(await exported.arrayBuffer()));
    expect(res.status).toBe(201);
    expect(res.body.created.map((p: { path: string }) => p.path)).toEqual(['/', '/handbook', '/handbook/onboarding']);
    expect(res.body.existing).toEqual([]);

    for (const created of res.body.created as { id: number; path: string }[]) {
      const [copy, original] = await Promise.all([target.api(`/api/pages/${created.id}`, { as: admin }), source.api(`/api/pages?limit=100`, { as: admin })]);
      const from = original.body.pages.find((p: { path: string }) => p.path === created.path);
      const originalPage = await source.api(`/api/pages/${from.id}`, { as: admin });
      expect({ title: copy.body.title, content: copy.body.content }).toEqual({ title: originalPage.body.title, content: originalPage.body.content });
    }
    // [[Handbook]] on the home page links to the imported page, in the rendered HTML.
    const home = await target.request('/', { as: admin });
    expect(await home.text()).toContain('href="/handbook"');
  });

  it('leaves pages that already exist alone and reports their paths', async () => {
    const res = await postZip(target, zip({ 'handbook.md': '# Replaced?', 'new-page.md': 'Fresh.' }));
    expect(res.status).toBe(201);
    expect(res.body.created.map((p: { path: string }) => p.path)).toEqual(['/new-page']);
    expect(res.body.existing).toEqual(['/handbook']);
    const handbook = (await target.api('/api/pages?limit=100', { as: admin })).body.pages.find((p: { path: string }) => p.path === '/handbook');
    expect((await target.api(`/api/pages/${handbook.id}`, { as: admin })).body.content).toContain('| a | b |');
  });

  it('refuses an archive with one bad file whole: 400 naming it, and no page written', async () => {
    const before = await pagePaths(target);
    const res = await postZip(target, zip({ 'fine.md': 'ok', 'notes/bad.md': '---\ntitle: [oops\n---\nx' }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toContain('notes/bad.md');
    expect(res.body.error.details.problems).toHaveLength(1);
    expect(await pagePaths(target)).toEqual(before);
  });

  it('refuses an archive whose file names hold a control character (Postgres text refuses NUL): 400, no page written', async () => {
    const before = await pagePaths(target);
    const res = await postZip(target, zip({ 'fine.md': 'ok', 'bad\u0000name.md': 'x', 'assets/a\u0000.png': 'x' }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.problems).toEqual([
      '"bad\\u0000name.md": a name with a control character.',
      '"assets/a\\u0000.png": a name with a control character.',
    ]);
    expect(await pagePaths(target)).toEqual(before);
  });

  it('refuses a file that unpacks beyond the page limit, whatever its compressed size', async () => {
    const bomb = zip({ 'huge.md': 'a'.repeat(3 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await postZip(target, bomb);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('huge.md: larger than 2 MB unpacked');
  });

  it('answers 400 for a body that is not a zip, 415 for another content type, and 403 for an editor', async () => {
    const notZip = await postZip(target, strToU8('just text'));
    expect(notZip.status).toBe(400);
    expect(notZip.body.error.message).toContain('not a zip archive');
    expect((await postZip(target, zip({ 'a.md': 'x' }), admin, 'text/markdown')).status).toBe(415);
    const refused = await postZip(target, zip({ 'a.md': 'x' }), editor);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });

  it('imports from the settings page form and shows what it did, or the problems', async () => {
    const form = new FormData();
    form.set('archive', new File([zip({ 'Team/Minutes.md': '# Minutes\n\nAgreed.' })], 'team.zip', { type: 'application/zip' }));
    const ok = await target.request('/_import', { method: 'POST', as: admin, body: form, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain('Imported 1 page.');
    expect(html).toContain('href="/minutes"');

    const bad = new FormData();
    bad.set('archive', new File([zip({ 'api.md': 'x' })], 'bad.zip', { type: 'application/zip' }));
    const refused = await target.request('/_import', { method: 'POST', as: admin, body: bad as unknown as string });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('data-testid="import-problems"');
  });
});

describe('wiki import updating the pages that exist', () => {
  const pageAt = async (h: InstanceHarness, path: string) => {
    const listed = (await h.api('/api/pages?limit=100', { as: admin })).body.pages.find((p: { path: string }) => p.path === path);
    expect(listed, path).toBeDefined();
    return (await h.api(`/api/pages/${listed.id}`, { as: admin })).body as { id: number; title: string; content: string; revision: number };
  };

  it('gives an existing page the imported text as a new revision, keeps its history, and tells apart the pages already up to date', async () => {
    const h = await startInstance('instance3');
    try {
      for (const [path, title, content] of [['/guide', 'Guide', 'Old text.'], ['/same', 'Same', 'Unchanged text.']]) {
        expect((await h.api('/api/pages', { method: 'POST', as: admin, body: { path, title, content } })).status).toBe(201);
      }
      const before = await pageAt(h, '/guide');
      const archive = zip({ 'guide.md': '# Guide\n\nNew text.', 'same.md': '---\ntitle: Same\n---\nUnchanged text.', 'fresh.md': 'Brand new.' });
      const res = await postZipTo(h, archive, 'existing=update');
      expect(res.status).toBe(201);
      expect(res.body.created.map((p: { path: string }) => p.path)).toEqual(['/fresh']);
      expect(res.body.updated).toEqual([{ id: before.id, path: '/guide' }]);
      expect(res.body.unchanged).toEqual(['/same']);
      expect(res.body.existing).toEqual([]);

      const after = await pageAt(h, '/guide');
      expect(after).toMatchObject({ id: before.id, title: 'Guide', content: '# Guide\n\nNew text.', revision: before.revision + 1 });
      const history = (await h.api(`/api/pages/${before.id}/revisions`, { as: admin })).body;
      expect(history.revisions.map((r: { revision: number; message: string }) => [r.revision, r.message])).toEqual([[2, 'Imported'], [1, 'Created']]);
      expect((await pageAt(h, '/same')).revision).toBe(1);

      // The same archive again: nothing left to do.
      const again = await postZipTo(h, archive, 'existing=update');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ created: [], updated: [], unchanged: ['/fresh', '/guide', '/same'] });
    } finally {
      await h.close();
    }
  });

  it('refuses an unknown mode with 400 before reading the archive, and writes nothing', async () => {
    const before = await pagePaths(target);
    const res = await postZipTo(target, zip({ 'nope.md': 'x' }), 'existing=overwrite');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', message: 'existing: must be skip or update.' });
    expect(await pagePaths(target)).toEqual(before);
  });

  it('updates from the settings page form when its box is ticked, and says so', async () => {
    const form = new FormData();
    form.set('archive', new File([zip({ 'Team/Minutes.md': '# Minutes\n\nAgreed, then amended.' })], 'team.zip', { type: 'application/zip' }));
    form.set('existing', 'update');
    const ok = await target.request('/_import', { method: 'POST', as: admin, body: form, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain('Imported 0 pages, updated 1 page.');
    expect(html).toContain('<li><a href="/minutes">/minutes</a> (updated)</li>');
    expect((await pageAt(target, '/minutes')).content).toBe('# Minutes\n\nAgreed, then amended.');
  });
});
