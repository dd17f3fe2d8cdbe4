// The server-rendered UI, driven like a browser without JavaScript: forms, redirects, stable selectors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { admin, demoteReader, editor, reader } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
  await demoteReader(h);
});
afterAll(() => h.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const html = async (path: string, as = editor) => {
  const res = await h.request(path, { as, headers: { accept: 'text/html' } });
  return { status: res.status, text: await res.text(), res };
};
const post = (path: string, fields: Record<string, string>, as = editor, headers: Record<string, string> = {}) =>
  h.request(path, { method: 'POST', as, body: form(fields), headers: { accept: 'text/html', ...headers } });

const TABLE_AND_CODE = '# Runbook\n\n| step | owner |\n|---|---|\n| deploy | ops |\n\n```sh\necho hello\n```\n';

describe('writing pages in the browser', () => {
  it('creates a page from the new-page form and redirects to it', async () => {
    const res = await post('/_new', { title: 'Runbook', path: '/ops/runbook', content: TABLE_AND_CODE, message: 'first', intent: 'save' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ops/runbook');
    const page = await html('/ops/runbook');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<td>deploy</td>');
    expect(page.text).toContain('class="hljs language-sh"');
    expect(page.text).toContain('data-testid="edit-page"');
  });

  it('previews on the server without saving', async () => {
    const res = await post('/_new', { title: 'Draft', path: '/draft', content: '**preview me**', intent: 'preview' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('<strong>preview me</strong>');
    expect((await html('/draft')).status).toBe(404);
  });

  it('edits from the form and shows the new text', async () => {
    const edit = await html('/_edit/ops/runbook');
    expect(edit.text).toContain('name="revision" value="1"');
    const res = await post('/_edit/ops/runbook', { title: 'Runbook', path: '/ops/runbook', content: `${TABLE_AND_CODE}\nNew line.`, revision: '1', intent: 'save' });
    expect(res.status).toBe(303);
    expect((await html('/ops/runbook')).text).toContain('New line.');
  });

  it('shows a stale edit as a conflict with both versions instead of overwriting', async () => {
    const res = await post('/_edit/ops/runbook', { title: 'Runbook', path: '/ops/runbook', content: 'my stale text', revision: '1', intent: 'save' });
    expect(res.status).toBe(409);
    const text = await res.text();
    expect(text).toContain('data-testid="conflict"');
    expect(text).toContain('my stale text');
    expect(text).toContain('New line.');
    expect(text).toContain('name="revision" value="2"');
  });

  it('refuses an edit form without a whole revision number with 400, leaving the page as it was', async () => {
    const before = await html('/ops/runbook');
    const fields = { title: 'Runbook', path: '/ops/runbook', content: 'my text, from no known revision', intent: 'save' };
    for (const revision of [undefined, '', 'latest', '1.5', '-2', '99999999999']) {
      const res = await post('/_edit/ops/runbook', revision === undefined ? fields : { ...fields, revision });
      expect(res.status, `revision ${revision}`).toBe(400);
      expect(await res.text()).toContain('revision');
    }
    const preview = await post('/_edit/ops/runbook', { ...fields, intent: 'preview' });
    expect(preview.status).toBe(400);
    expect((await html('/ops/runbook')).text).toBe(before.text);
  });

  it('lists history, shows a diff and restores the first revision', async () => {
    const history = await html('/_history/ops/runbook');
    expect(history.text).toContain('data-testid="history"');
    expect(history.text).toContain('data-revision="2"');
    const diff = await html('/_diff/ops/runbook?from=1&to=2');
    expect(diff.text).toContain('<div class="added">+ New line.</div>');
    const restore = await post('/_restore/ops/runbook?rev=1', {});
    expect(restore.status).toBe(303);
    const page = await html('/ops/runbook');
    expect(page.text).not.toContain('New line.');
    expect(page.text).toContain('Revision 3');
    const old = await html('/_revision/ops/runbook?rev=2');
    expect(old.text).toContain('New line.');
  });

  it('finds the page from the search form with the match highlighted', async () => {
    const res = await html('/_search?q=runbook');
    expect(res.text).toContain('data-testid="search-results"');
    expect(res.text).toMatch(/<a href="\/ops\/runbook">Runbook<\/a>/);
    expect(res.text).toContain('<mark>');
  });

  it('moves a page to the trash and back', async () => {
    await post('/_new', { title: 'Temp', path: '/temp', content: 'x', intent: 'save' });
    const del = await post('/_delete/temp', {});
    expect(del.headers.get('location')).toBe('/_trash');
    const trash = await html('/_trash');
    expect(trash.text).toContain('Temp');
    const id = /data-page-id="(\d+)"/.exec(trash.text)?.[1];
    const restore = await post(`/_trash/${id}/restore`, {});
    expect(restore.headers.get('location')).toBe('/temp');
  });
});

describe('what each role sees', () => {
  it('shows readers the page without edit controls and refuses them the editor with a 403 page', async () => {
    const page = await html('/ops/runbook', reader);
    expect(page.text).not.toContain('data-testid="edit-page"');
    const edit = await html('/_edit/ops/runbook', reader);
    expect(edit.status).toBe(403);
    expect(edit.text).toContain('cannot edit pages');
    expect((await post('/_new', { title: 'x', content: 'y', intent: 'save' }, reader)).status).toBe(403);
  });

  it('shows settings to admins only', async () => {
    expect((await html('/_settings', editor)).status).toBe(403);
    const settings = await html('/_settings', admin);
    expect(settings.text).toContain('data-testid="settings"');
    const saved = await post('/_settings', { title: 'Ops Wiki', description: '', searchLanguage: 'english', defaultRole: 'editor' }, admin);
    expect(saved.status).toBe(303);
    expect((await html('/', editor)).text).toContain('Ops Wiki');
  });

  it('lets admins change roles from the people page', async () => {
    const people = await html('/_people', admin);
    expect(people.text).toContain('Rita Reader');
    expect(people.text).toContain('<select name="role"');
    expect((await html('/_people', editor)).text).not.toContain('<select name="role"');
  });
});

describe('page chrome', () => {
  it('greets the user, links to the portal, and serves scripts and styles as files', async () => {
    const page = await html('/ops/runbook');
    expect(page.text).toContain('Signed in as <strong>Eddie Editor</strong>');
    expect(page.text).toContain('href="http://app.wikiplatform.localhost:8787/"');
    expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(page.text).not.toMatch(/\sstyle="/);
    const css = /href="(\/_static\/app\.css\?v=[a-f0-9]+)"/.exec(page.text)?.[1];
    const asset = await h.request(css ?? '/missing');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('keeps what a signed-in person sees out of browser and shared caches: pages, the API and errors alike', async () => {
    for (const path of ['/ops/runbook', '/_people', '/api/me', '/no/such/page.css']) {
      const res = await h.request(path, { as: editor, headers: { accept: path.startsWith('/api') ? 'application/json' : 'text/html' } });
      expect(res.headers.get('cache-control'), path).toBe('private, no-store');
    }
  });

  it('redirects a non-canonical path to the canonical one', async () => {
    const res = await h.request('/Ops/Runbook', { as: editor });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/ops/runbook');
  });

  it('offers to create a missing page', async () => {
    const res = await html('/nothing/here');
    expect(res.status).toBe(404);
    expect(res.text).toContain('/_new?path=%2Fnothing%2Fhere');
  });

  it('refuses a form posted from another site', async () => {
    const res = await post('/_new', { title: 'CSRF', content: 'x', intent: 'save' }, editor, { 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
  });

  it('refuses a form posted from another subdomain of the platform (same-site), and takes one from this wiki', async () => {
    const fromSibling = await post('/_new', { title: 'Sibling', path: '/sibling', content: 'x', intent: 'save' }, editor, { 'sec-fetch-site': 'same-site' });
    expect(fromSibling.status).toBe(403);
    expect((await html('/sibling')).status).toBe(404);
    const fromHere = await post('/_new', { title: 'Sibling', path: '/sibling', content: 'x', intent: 'save' }, editor, { 'sec-fetch-site': 'same-origin' });
    expect(fromHere.status).toBe(303);
  });

  it('never answers 500 to odd paths', async () => {
    for (const path of ['/%E0%A4%A', '/a%2Fb', '/_diff/ops/runbook?from=x', '/_revision/ops/runbook?rev=-1', '/_trash/abc/restore', '/..%2F..%2Fetc']) {
      const res = await h.request(path, { as: editor, headers: { accept: 'text/html' } });
      expect(res.status, path).toBeLessThan(500);
    }
  });
});
