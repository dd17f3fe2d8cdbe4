// The pages API: create, read, list, edit, and every kind of bad input answered without a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { createPage, demoteReader, editor, reader } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
});
afterAll(() => h.close());

describe('creating pages', () => {
  it('creates a page with a table and code and answers 201 with id, path, title, revision and html', async () => {
    const res = await h.api('/api/pages', {
      method: 'POST',
      as: editor,
      body: { path: '/Handbook/Tools', title: 'Tools', content: '| tool | use |\n|---|---|\n| git | code |\n\n```js\nconst a = 1;\n```' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ path: '/handbook/tools', title: 'Tools', revision: 1 });
    expect(typeof res.body.id).toBe('number');
    expect(res.body.html).toContain('<td>git</td>');
    expect(res.body.html).toContain('<span class="hljs-keyword">const</span>');
  });

  it('derives the path from the title when none is given', async () => {
    const page = await createPage(h, { title: 'Getting Started Guide', content: 'hi' });
    expect(page.path).toBe('/getting-started-guide');
  });

  it('refuses a second live page at the same path with 409', async () => {
    await createPage(h, { path: '/dup', title: 'Dup', content: 'x' });
    const res = await h.api('/api/pages', { method: 'POST', as: editor, body: { path: '/DUP', title: 'Other', content: 'y' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('answers 400 naming the field for a missing title, an empty title or a bad path', async () => {
    const missing = await h.api('/api/pages', { method: 'POST', as: editor, body: { path: '/x', content: '' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'validation_failed' });
    expect(missing.body.error.message).toContain('title');
    const empty = await h.api('/api/pages', { method: 'POST', as: editor, body: { title: '   ', content: '' } });
    expect(empty.body.error.message).toContain('title');
    const badPath = await h.api('/api/pages', { method: 'POST', as: editor, body: { path: '/api/x', title: 'T', content: '' } });
    expect(badPath.status).toBe(400);
    expect(badPath.body.error.message).toMatch(/^path: /);
  });

  it('answers 400 for a body that is not JSON or has the wrong types', async () => {
    const notJson = await h.api('/api/pages', { method: 'POST', as: editor, body: '{"title":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('bad_request');
    const wrongType = await h.api('/api/pages', { method: 'POST', as: editor, body: { title: 12, content: ['x'] } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toContain('content');
  });

  it('answers 415 for a body not sent as application/json, however JSON it looks', async () => {
    const body = JSON.stringify({ title: 'Plain', content: 'text/plain is what a cross-site form can send' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const res = await h.api('/api/pages', { method: 'POST', as: editor, body, headers: { 'content-type': type } });
      expect(res.status, type).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
    }
    const withCharset = await h.api('/api/pages', { method: 'POST', as: editor, body, headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
    expect(withCharset.status).toBe(201);
  });

  it('refuses API posts a browser says came from another site or another subdomain of the platform', async () => {
    const page = await createPage(h, { path: '/csrf/api', title: 'CSRF API', content: 'one' });
    await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'two' } });
    for (const from of ['cross-site', 'same-site']) {
      // A bodiless POST: nothing but this check stands between another site's form and the restore.
      const res = await h.api(`/api/pages/${page.id}/revisions/1/restore`, { method: 'POST', as: editor, headers: { 'sec-fetch-site': from } });
      expect(res.status, from).toBe(403);
    }
    expect((await h.api(`/api/pages/${page.id}`, { as: editor })).body.revision).toBe(2);
    const fromHere = await h.api(`/api/pages/${page.id}/revisions/1/restore`, { method: 'POST', as: editor, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(fromHere.status).toBe(200);
  });

  it('answers 413 for a body over the size limit', async () => {
    const res = await h.api('/api/pages', { method: 'POST', as: editor, body: { title: 'Big', content: 'x'.repeat(3 * 1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});

describe('reading pages', () => {
  it('reads a page by id with its source, rendered html and table of contents', async () => {
    const created = await createPage(h, { path: '/read/me', title: 'Read me', content: '# One\n## Two\ntext' });
    const res = await h.api(`/api/pages/${created.id}`, { as: editor });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, path: '/read/me', title: 'Read me', revision: 1, content: '# One\n## Two\ntext', updatedBy: 'Eddie Editor' });
    expect(res.body.toc.map((t: { id: string }) => t.id)).toEqual(['one', 'two']);
  });

  it('answers 404 for an unknown id and 400 for an id that is not a number', async () => {
    expect((await h.api('/api/pages/999999', { as: editor })).status).toBe(404);
    expect((await h.api('/api/pages/99999999999', { as: editor })).status).toBe(404);
    const bad = await h.api('/api/pages/abc', { as: editor });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('id');
  });

  it('lists pages in path order and filters by path prefix', async () => {
    await createPage(h, { path: '/list/b', title: 'B', content: '' });
    await createPage(h, { path: '/list/a', title: 'A', content: '' });
    await createPage(h, { path: '/list', title: 'List', content: '' });
    await createPage(h, { path: '/lister', title: 'Not under list', content: '' });
    const res = await h.api('/api/pages?prefix=/list', { as: editor });
    expect(res.status).toBe(200);
    expect(res.body.pages.map((p: { path: string }) => p.path)).toEqual(['/list', '/list/a', '/list/b']);
    const all = await h.api('/api/pages', { as: editor });
    expect(all.body.pages.length).toBeGreaterThanOrEqual(4);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await h.api('/api/nothing-here', { as: editor });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('editing pages', () => {
  it('saves an edit made from the current revision and answers with the new revision', async () => {
    const page = await createPage(h, { path: '/edit/me', title: 'Edit me', content: 'v1' });
    const res = await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'v2 **bold**', message: 'second' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: page.id, revision: 2, title: 'Edit me' });
    expect(res.body.html).toContain('<strong>bold</strong>');
  });

  it('answers a stale edit with 409 carrying the current revision, and keeps the newer text', async () => {
    const page = await createPage(h, { path: '/edit/stale', title: 'Stale', content: 'v1' });
    await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'theirs' } });
    const res = await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'mine' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.details.currentRevision).toBe(2);
    expect(res.body.error.details.current.content).toBe('theirs');
    expect((await h.api(`/api/pages/${page.id}`, { as: editor })).body.content).toBe('theirs');
  });

  it('requires the base revision and names it when missing', async () => {
    const page = await createPage(h, { path: '/edit/norev', title: 'No rev', content: 'v1' });
    const res = await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { content: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('revision');
  });

  it('answers 404 when editing a page that does not exist', async () => {
    const res = await h.api('/api/pages/424242', { method: 'PUT', as: editor, body: { revision: 1, content: 'x' } });
    expect(res.status).toBe(404);
  });

  it('does not add a revision when nothing changed', async () => {
    const page = await createPage(h, { path: '/edit/same', title: 'Same', content: 'v1' });
    const res = await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'v1' } });
    expect(res.body.revision).toBe(1);
  });
});

describe('previewing', () => {
  it('renders a preview for editors, as a save would, and refuses readers with 403', async () => {
    await demoteReader(h);
    const ok = await h.api('/api/preview', { method: 'POST', as: editor, body: { content: '# Draft\n\n**bold**' } });
    expect(ok.status).toBe(200);
    expect(ok.body.html).toContain('<strong>bold</strong>');
    const refused = await h.api('/api/preview', { method: 'POST', as: reader, body: { content: '# Draft' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });
});

describe('the API description', () => {
  it('serves an OpenAPI document listing every route', async () => {
    const res = await h.api('/api/openapi.json', { as: editor });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const path of ['/api/pages', '/api/pages/{id}', '/api/pages/{id}/revisions', '/api/pages/{id}/revisions/{rev}', '/api/pages/{id}/revisions/{rev}/restore', '/api/search', '/api/me', '/api/export', '/api/import', '/api/media', '/api/media/{id}']) {
      expect(res.body.paths).toHaveProperty([path]);
    }
    expect(res.body.paths['/api/pages'].post.requestBody.content['application/json'].schema.required).toEqual(['title', 'content']);
  });
});
